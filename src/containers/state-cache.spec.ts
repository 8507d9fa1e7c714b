import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { fakeConfig } from '../../test/support/fake-config';
import { unreachable } from '../../test/support/fake-engine';
import type { ComposeRunner } from '../compose/compose-runner';
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

  startLong(): FakeStream {
    const stream = new FakeStream();
    this.streams.push(stream);
    return stream;
  }

  async runDocker(args: string[]): Promise<{ exitCode: number; stdout: string }> {
    await Promise.resolve();
    if (args[0] === 'ps') this.psAttempts += 1;
    if (this.down) throw unreachable();
    if (args[0] === 'ps') this.psCalls += 1;
    return { exitCode: 0, stdout: args[0] === 'inspect' ? '[]' : '' };
  }
}

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
