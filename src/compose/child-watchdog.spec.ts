import { eventually, isAlive, liveProcesses } from '../../test/support/processes';
import { ChildWatchdog } from './child-watchdog';
import { ProcessRunner } from './process-runner';

const groupMembers = (pgid: number): number[] =>
  liveProcesses()
    .filter((p) => p.pgid === pgid)
    .map((p) => p.pid);

// Medium test: real processes. Closing the pipe is what the kernel does when the service dies.
describe('ChildWatchdog', () => {
  const env = { PATH: process.env.PATH };

  it('kills every process group still running once the pipe from the service closes', async () => {
    const watchdog = new ChildWatchdog();
    const runner = new ProcessRunner(watchdog);
    // A tree: the leader and a grandchild in its group, both long-lived.
    const child = runner.start(['sh', '-c', 'sleep 300 & sleep 300'], env);
    child.on('exit', () => undefined);
    const watchdogPid = watchdog.watchdogPid!;
    expect(await eventually(() => groupMembers(child.pid!).length >= 2, 5_000)).toBe(true);

    watchdog.onApplicationShutdown();

    expect(await eventually(() => groupMembers(child.pid!).length === 0, 5_000)).toBe(true);
    expect(await eventually(() => !isAlive(watchdogPid), 5_000)).toBe(true);
  });

  it('is respawned if it dies, and still guards the children started after', async () => {
    const watchdog = new ChildWatchdog();
    const runner = new ProcessRunner(watchdog);
    const quick = runner.start(['true'], env);
    await new Promise((r) => quick.once('exit', r));
    const first = watchdog.watchdogPid!;
    process.kill(first, 'SIGKILL');
    expect(await eventually(() => watchdog.watchdogPid === undefined, 5_000)).toBe(true);
    const child = runner.start(['sleep', '300'], env);
    child.on('exit', () => undefined);
    expect(watchdog.watchdogPid).toEqual(expect.any(Number));
    expect(watchdog.watchdogPid).not.toBe(first);
    await new Promise((r) => setTimeout(r, 200));
    watchdog.onApplicationShutdown();
    expect(await eventually(() => !isAlive(child.pid!), 5_000)).toBe(true);
  });
});
