import { ChildWatchdog } from './child-watchdog';
import { ProcessRunner } from './process-runner';

// Medium test: the real seam, with real processes.
describe('ProcessRunner', () => {
  const watchdog = new ChildWatchdog();
  const runner = new ProcessRunner(watchdog);
  afterAll(() => watchdog.onApplicationShutdown());
  const env = { PATH: process.env.PATH };

  it('reports the exit code and output of a failing command', async () => {
    const result = await runner.run(['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5_000, env });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('kills the whole process group on timeout', async () => {
    const result = await runner.run(['sh', '-c', 'sleep 30 & sleep 30; echo never'], { timeoutMs: 300, env });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('');
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('reports a missing binary as a failure, not a crash', async () => {
    const result = await runner.run(['/nonexistent/binary'], { timeoutMs: 1_000, env });
    expect(result.exitCode).toBeNull();
    expect(result.stderr).toMatch(/ENOENT/);
  });
});
