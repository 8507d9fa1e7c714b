import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { basicAuth, PASS, removeProjects, TEST_IMAGE, TestApp, USER } from '../support/e2e-app';
import { descendantsMatching, rssBytes, sampleMax } from '../support/proc-stats';
import { ServiceProcess, spawnService } from '../support/service-process';
import { TermClient } from '../support/term-client';

const MiB = 1024 * 1024;
const AUTH = basicAuth(USER, PASS);

async function runningContainer(service: ServiceProcess): Promise<string> {
  const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
  const cuid = created.body.cuid as string;
  writeBootPy({ projectsDir: service.projectsDir } as TestApp, cuid, SLEEPING_BOOT);
  await service.http().post(`/containers/${cuid}/start`).expect(200);
  return cuid;
}

async function stopService(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGKILL');
  await service.exited;
  await removeProjects(service.projectsDir);
  rmSync(service.root, { recursive: true, force: true });
}

/** How many terminal sessions the service has finished (one `terminal.session` audit line each). */
function sessionsEnded(service: ServiceProcess): number {
  try {
    return readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"terminal.session"')).length;
  } catch {
    return 0;
  }
}

async function until(probe: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A stdin frame of exactly 1 MiB on the wire (the largest the server takes). */
const MIB_FRAME = (() => {
  const envelope = JSON.stringify({ type: 'stdin', data: '', encoding: 'utf8' }).length;
  return JSON.stringify({ type: 'stdin', data: 'x'.repeat(MiB - envelope), encoding: 'utf8' });
})();

describe('reliability: terminal frame floods', () => {
  let service: ServiceProcess;
  let cuid: string;
  const pid = (): number => service.child.pid ?? 0;
  const dockerProcesses = (): number => descendantsMatching(pid(), 'docker').length;

  beforeAll(async () => {
    service = await spawnService();
    cuid = await runningContainer(service);
  });
  afterEach(() => TermClient.terminateAll());
  afterAll(async () => {
    await stopService(service);
  });

  it('coalesces 200 signal and 200 resize frames on one socket: docker processes stay bounded, signals still work', async () => {
    const term = await TermClient.open(service.baseUrl, AUTH, `/ws/${cuid}`);
    term.input('echo re""ady\n');
    await term.untilOutput(/ready/);
    const baseline = dockerProcesses();
    const sampler = sampleMax(dockerProcesses);
    for (let i = 0; i < 200; i += 1) {
      term.send({ type: 'signal', name: 'WINCH' });
      term.send({ type: 'resize', cols: 80 + (i % 40), rows: 24 + (i % 20) });
    }
    // Every frame is handled once this echo comes back; then the deliveries still pending drain.
    term.input('echo flo""oded\n');
    await term.untilOutput(/flooded/);
    await until(() => dockerProcesses() <= baseline, 'the signal deliveries to end');
    const peak = sampler.stop();
    // Signals, resizes and sweeps are engine API calls: no docker process is started for any of them.
    expect(peak - baseline).toBeLessThanOrEqual(4);

    // The session still works, and a signal sent after the flood reaches the foreground job.
    term.input('echo st""arted; sleep 60\n');
    await term.untilOutput(/started/);
    term.send({ type: 'signal', name: 'INT' });
    term.input('echo rc=$?\n');
    await term.untilOutput(/rc=130/);
    term.send({ type: 'close' });
    expect(await term.closed).toBe(1000);
  });

  it('holds memory bounded while 150 × 1 MiB stdin frames flood a `sleep 300` on a pty, and frees it at close', async () => {
    const ended = sessionsEnded(service);
    const term = await TermClient.open(
      service.baseUrl,
      AUTH,
      `/ws/${cuid}?mode=exec&cmd=${encodeURIComponent('sleep 300')}`,
    );
    term.keepOutput = false; // the pty echoes every byte back
    const baseline = rssBytes(pid());
    const sampler = sampleMax(() => rssBytes(pid()), 50);
    // The pty takes input only as fast as the container echoes it: the server must read no faster.
    for (let sent = 0; sent < 150; sent += 1) await term.sendFlushed(MIB_FRAME, 30_000);
    expect(sampler.max - baseline).toBeLessThan(80 * MiB);
    term.send({ type: 'close' });
    expect(await term.closed).toBe(1000);
    await until(() => sessionsEnded(service) > ended, 'the session to end');
    expect(sampler.stop() - baseline).toBeLessThan(80 * MiB);
    expect(rssBytes(pid()) - baseline).toBeLessThan(64 * MiB);
  }, 180_000);

  it('stops reading a socket whose process takes no input (pipes), keeps memory bounded, and ends the stalled session with STDIN_STALLED', async () => {
    const ended = sessionsEnded(service);
    const cmd = encodeURIComponent('sleep 300');
    const term = await TermClient.open(service.baseUrl, AUTH, `/ws/${cuid}?mode=exec&tty=false&cmd=${cmd}`);
    const baseline = rssBytes(pid());
    const sampler = sampleMax(() => rssBytes(pid()), 50);
    let accepted = 0;
    // Each frame waits until the socket took it; a server that stops reading stalls the sender here.
    while (accepted < 600 && (await term.sendFlushed(MIB_FRAME, 5_000))) accepted += 1;
    expect(sampler.max - baseline).toBeLessThan(64 * MiB);
    expect(accepted).toBeLessThan(600);

    // Nothing reads the input and the pongs wait behind it: the heartbeat ends the session with a clear error.
    const error = await term.until(() => term.frames.find((f) => f.type === 'error'), 'STDIN_STALLED', 60_000);
    expect(error.error).toMatchObject({ code: 'STDIN_STALLED', error: 'timeout', status: 408 });
    expect(await term.closed).toBe(1000);
    await until(() => sessionsEnded(service) > ended, 'the session to end');
    expect(sampler.stop() - baseline).toBeLessThan(64 * MiB);
    expect(rssBytes(pid()) - baseline).toBeLessThan(64 * MiB);
  }, 180_000);

  it.each(['json', 'binary'])(
    'keeps memory bounded for a client that stops reading output (output=%s), and frees the session when it vanishes',
    async (output) => {
      const ended = sessionsEnded(service);
      const before = dockerProcesses();
      const term = await TermClient.open(
        service.baseUrl,
        AUTH,
        `/ws/${cuid}?mode=exec&tty=false&output=${output}&cmd=yes`,
      );
      await term.until(() => term.frames.length > 0, 'first output');
      term.ws.pause(); // stop reading: the server's socket buffer fills, its flow control pauses `yes`
      const baseline = rssBytes(pid());
      const sampler = sampleMax(() => rssBytes(pid()), 50);
      await new Promise((r) => setTimeout(r, 5_000));
      expect(sampler.max - baseline).toBeLessThan(64 * MiB);
      term.ws.terminate(); // no close frame: the connection just drops
      await until(() => sessionsEnded(service) > ended, 'the session to end');
      await until(() => dockerProcesses() <= before, 'its docker processes to end');
      expect(sampler.stop() - baseline).toBeLessThan(64 * MiB);
    },
  );
});

describe('reliability: terminal input over its cap', () => {
  let service: ServiceProcess;
  let cuid: string;

  beforeAll(async () => {
    service = await spawnService({ TERMINAL_STDIN_MAX_QUEUED_BYTES: '65536' });
    cuid = await runningContainer(service);
  });
  afterEach(() => TermClient.terminateAll());
  afterAll(async () => {
    await stopService(service);
  });

  it('closes with STDIN_QUEUE_FULL a frame that would queue more than TERMINAL_STDIN_MAX_QUEUED_BYTES, and frees the slot', async () => {
    const term = await TermClient.open(
      service.baseUrl,
      AUTH,
      `/ws/${cuid}?mode=exec&cmd=${encodeURIComponent('sleep 300')}`,
    );
    term.input('y'.repeat(256 * 1024));
    const error = await term.until(() => term.frames.find((f) => f.type === 'error'), 'STDIN_QUEUE_FULL');
    expect(error.error).toMatchObject({
      code: 'STDIN_QUEUE_FULL',
      error: 'validation_error',
      status: 413,
      details: { limit: 65536 },
    });
    expect(await term.closed).toBe(1000);

    const next = await TermClient.open(service.baseUrl, AUTH, `/ws/${cuid}?mode=exec&cmd=${encodeURIComponent('cat')}`);
    next.input('still-works\n');
    await next.untilOutput(/still-works/);
    next.send({ type: 'close' });
    expect(await next.closed).toBe(1000);
  });
});
