import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { fakeConfig } from '../../test/support/fake-config';
import { unreachable } from '../../test/support/fake-engine';
import type { ComposeRunner } from '../compose/compose-runner';
import { LineStream, lineStreamOf } from '../compose/line-stream';
import { ProjectPaths } from '../compose/project-paths';
import { StateCache } from './state-cache';

/** A `docker events` process the spec can end, as an engine restart does. */
class FakeStream extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  stdin = new PassThrough();
  end(): void {
    this.stdout.end();
    this.emit('close', 1);
  }
}

class EventsEngine {
  streams: FakeStream[] = [];
  down = false;
  psCalls = 0;
  psAttempts = 0;
  inspectCalls = 0;
  /** What `inspect` answers (by id), and a gate a spec can hold it at. */
  inspected = new Map<string, unknown>();
  gate: Promise<void> = Promise.resolve();

  streamLines(): LineStream {
    const stream = new FakeStream();
    this.streams.push(stream);
    return lineStreamOf(stream as unknown as ChildProcess);
  }

  async runDocker(args: string[]): Promise<{ exitCode: number; stdout: string }> {
    await Promise.resolve();
    if (args[0] === 'ps') this.psAttempts += 1;
    if (this.down) throw unreachable();
    if (args[0] === 'ps') this.psCalls += 1;
    if (args[0] !== 'inspect') return { exitCode: 0, stdout: [...this.inspected.keys()].join('\n') };
    this.inspectCalls += 1;
    // By id, or by the name compose gives the project's container (`c1-app-1`).
    const answer = args.flatMap((id) => this.inspected.get(id.replace(/^c1-app-1$/, 'id1')) ?? []);
    await this.gate;
    return { exitCode: 0, stdout: JSON.stringify(answer) };
  }

  /** One `docker events` line on the open stream. */
  emit(id: string, action: string, cuid = 'c1', extra: Record<string, string> = {}): void {
    const attrs = { 'com.docker.compose.project': cuid, ...extra };
    this.streams
      .at(-1)!
      .stdout.write(
        `${JSON.stringify({ Action: action, Actor: { ID: id, Attributes: attrs }, timeNano: Date.now() * 1e6 })}\n`,
      );
  }
}

const inspectItem = (id: string, status: string, exitCode = 0): unknown => ({
  Id: id,
  Created: '2026-12-07T10:00:00Z',
  Config: { Labels: { 'com.docker.compose.project': 'c1' } },
  State: {
    Status: status,
    ExitCode: exitCode,
    StartedAt: '',
    FinishedAt: '',
    OOMKilled: false,
    Pid: status === 'running' ? 7 : 0,
  },
});

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
};

describe('StateCache after an events stream break', () => {
  it('reconnects and re-syncs on its own once the engine is back, then runs the after-resync hooks', async () => {
    const engine = new EventsEngine();
    const cache = new StateCache(engine as unknown as ComposeRunner, new ProjectPaths(fakeConfig()));
    let hooks = 0;
    cache.afterResync(() => Promise.resolve(void (hooks += 1)));
    await cache.start();
    expect(cache.isSynced).toBe(true);

    engine.down = true;
    engine.streams[0]!.end();
    expect(cache.isSynced).toBe(false);
    // Attempts while the engine is down fail; the cache keeps trying without any request asking.
    await until(() => engine.streams.length >= 2);
    engine.streams.at(-1)!.end();
    engine.down = false;
    await until(() => cache.isSynced);
    expect(hooks).toBe(1);
    cache.onApplicationShutdown();
  });

  it('a stream that reopened before the engine answered a re-sync is re-synced again', async () => {
    const engine = new EventsEngine();
    const cache = new StateCache(engine as unknown as ComposeRunner, new ProjectPaths(fakeConfig()));
    await cache.start();
    engine.down = true;
    engine.streams[0]!.end();
    await until(() => engine.streams.length === 2);
    // The new stream stays open (it connected), but the re-sync with it failed: it must be retried.
    engine.down = false;
    await until(() => cache.isSynced);
    expect(engine.streams).toHaveLength(2);
    cache.onApplicationShutdown();
  });
});

describe('StateCache.ensureSynced', () => {
  const unsyncedCache = (engine: EventsEngine): StateCache =>
    new StateCache(engine as unknown as ComposeRunner, new ProjectPaths(fakeConfig()));

  it('runs one re-sync for many concurrent requests', async () => {
    const engine = new EventsEngine();
    const cache = unsyncedCache(engine);
    await Promise.all(Array.from({ length: 5 }, () => cache.ensureSynced()));
    expect(engine.psCalls).toBe(1);
  });

  it('fails every waiting request with the one 503 while the engine is down, then tries again', async () => {
    const engine = new EventsEngine();
    engine.down = true;
    const cache = unsyncedCache(engine);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.ensureSynced()));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    expect(results.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(5).fill('DOCKER_UNAVAILABLE'));
    expect(engine.psAttempts).toBe(1);
    engine.down = false;
    await cache.ensureSynced();
    expect(engine.psAttempts).toBe(2);
  });
});

describe('StateCache fed by events', () => {
  let engine: EventsEngine;
  let cache: StateCache;
  beforeEach(async () => {
    engine = new EventsEngine();
    cache = new StateCache(engine as unknown as ComposeRunner, new ProjectPaths(fakeConfig()));
    await cache.start();
  });
  afterEach(() => cache.onApplicationShutdown());

  it('takes the status an event implies at once, and the details from the inspect it triggers', async () => {
    engine.inspected.set('id1', inspectItem('id1', 'exited', 3));
    const version = cache.version;
    engine.emit('id1', 'die', 'c1', { exitCode: '3' });
    await until(() => cache.get('c1') !== undefined);
    expect(cache.get('c1')).toMatchObject({ status: 'stopped', exit_code: 3 });
    expect(cache.version).toBeGreaterThan(version);
    await cache.detailsSettled();
    expect(engine.inspectCalls).toBe(1);
    expect(cache.get('c1')).toMatchObject({ status: 'stopped', exit_code: 3, pid: null });
  });

  it('an `oom` sets oom_killed even when the engine sends it after the `die`; a start clears it', async () => {
    engine.inspected.set('id1', inspectItem('id1', 'exited', 137));
    engine.emit('id1', 'die', 'c1', { exitCode: '137' });
    await until(() => cache.get('c1')?.status === 'stopped');
    expect(cache.get('c1')?.oom_killed).toBe(false);
    engine.emit('id1', 'oom');
    await until(() => cache.get('c1')?.oom_killed === true);
    expect(cache.get('c1')).toMatchObject({ status: 'stopped', exit_code: 137, oom_killed: true });
    engine.emit('id1', 'start');
    await until(() => cache.get('c1')?.status === 'running');
    expect(cache.get('c1')?.oom_killed).toBe(false);
  });

  it('answers an operation from the event its command caused, without an inspect of its own', async () => {
    const mark = cache.mark();
    engine.emit('id1', 'create');
    engine.emit('id1', 'start');
    expect(await cache.statusAfter('c1', mark, 'start', 'running')).toBe('running');
    // Only the coalesced inspect of the burst (25 ms later), none for the answer.
    expect(engine.inspectCalls).toBe(0);
  });

  it('does not take an event from before the operation for its own', async () => {
    engine.emit('id1', 'start');
    await until(() => cache.get('c1')?.status === 'running');
    const mark = cache.mark();
    engine.inspected.set('id1', inspectItem('id1', 'running'));
    const started = Date.now();
    // No new `start` comes: after the bounded wait it asks the engine.
    expect(await cache.statusAfter('c1', mark, 'start', 'running')).toBe('running');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(engine.inspectCalls).toBeGreaterThanOrEqual(1);
  });

  it('asks the engine at once when the stream broke while it waited', async () => {
    const mark = cache.mark();
    engine.inspected.set('id1', inspectItem('id1', 'exited'));
    const answer = cache.statusAfter('c1', mark, 'stop', 'stopped');
    engine.streams[0]!.end();
    const started = Date.now();
    expect(await answer).toBe('stopped');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('an inspect begun before a newer event does not overwrite what the event said', async () => {
    engine.inspected.set('id1', inspectItem('id1', 'created'));
    let open!: () => void;
    engine.gate = new Promise((resolve) => (open = resolve));
    engine.emit('id1', 'create');
    await until(() => engine.inspectCalls === 1);
    engine.emit('id1', 'start');
    await until(() => cache.get('c1')?.status === 'running');
    engine.inspected.set('id1', inspectItem('id1', 'running'));
    open();
    await new Promise((r) => setTimeout(r, 10));
    // The late answer ("created") was older news than the `start`.
    expect(cache.get('c1')?.status).toBe('running');
    await cache.detailsSettled();
    expect(cache.get('c1')).toMatchObject({ status: 'running', pid: 7 });
  });

  it('a destroy removes the container', async () => {
    engine.emit('id1', 'create');
    await until(() => cache.get('c1') !== undefined);
    engine.emit('id1', 'destroy');
    await until(() => cache.get('c1') === undefined);
  });
});
