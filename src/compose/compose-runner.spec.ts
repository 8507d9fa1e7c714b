import { ComposeError, TimeoutError, UnavailableError } from '../common/errors/app-error';
import { RequestContext, RequestState } from '../common/request-context';
import { fakeConfig } from '../../test/support/fake-config';
import { ComposeRunner } from './compose-runner';
import type { ProcessResult, ProcessRunner, RunOptions } from './process-runner';
import { ProjectPaths } from './project-paths';

const CUID_A = 'c11111111-1111-4111-8111-111111111111';
const CUID_B = 'c22222222-2222-4222-8222-222222222222';

class FakeProcesses {
  calls: { argv: string[]; options: RunOptions }[] = [];
  active = 0;
  maxActive = 0;
  next: Partial<ProcessResult> = {};
  delayMs = 0;

  async run(argv: string[], options: RunOptions): Promise<ProcessResult> {
    this.calls.push({ argv, options });
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.active -= 1;
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, ...this.next };
  }
}

function setup(): { runner: ComposeRunner; processes: FakeProcesses; context: RequestContext } {
  const config = fakeConfig();
  const processes = new FakeProcesses();
  const context = new RequestContext();
  const runner = new ComposeRunner(processes as unknown as ProcessRunner, new ProjectPaths(config), config, context);
  return { runner, processes, context };
}

describe('ComposeRunner', () => {
  it('always addresses the project with -p, -f and --project-directory, as an argv', async () => {
    const { runner, processes } = setup();
    await runner.run(CUID_A, ['up', '-d']);
    expect(processes.calls[0]?.argv).toEqual([
      'docker',
      'compose',
      '-p',
      CUID_A,
      '-f',
      `/srv/projects/${CUID_A}/compose.yaml`,
      '--project-directory',
      `/srv/projects/${CUID_A}`,
      'up',
      '-d',
    ]);
  });

  it('never hands the service secrets to the CLI environment', async () => {
    const { runner, processes } = setup();
    process.env.APP_PASS = 'do-not-leak';
    await runner.run(CUID_A, ['ps']);
    expect(Object.values(processes.calls[0]?.options.env ?? {})).not.toContain('do-not-leak');
  });

  it('turns a non-zero exit into ComposeError with the exit code and the stderr tail', async () => {
    const { runner, processes } = setup();
    processes.next = { exitCode: 17, stderr: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') };
    const err = (await runner.run(CUID_A, ['up']).catch((e: unknown) => e)) as ComposeError;
    expect(err).toBeInstanceOf(ComposeError);
    expect(err.code).toBe('COMPOSE_FAILED');
    expect(err.details.exit_code).toBe(17);
    expect(err.details.stderr).toHaveLength(20);
    expect((err.details.stderr as string[])[19]).toBe('line 29');
  });

  it('accepts exit codes the caller declares as answers', async () => {
    const { runner, processes } = setup();
    processes.next = { exitCode: 1 };
    await expect(runner.runDocker(['image', 'inspect', 'x'], { okExitCodes: [1] })).resolves.toMatchObject({
      exitCode: 1,
    });
  });

  it('maps a timeout to TimeoutError (408) and an unreachable daemon to UnavailableError (503)', async () => {
    const { runner, processes } = setup();
    processes.next = { exitCode: null, timedOut: true };
    await expect(runner.run(CUID_A, ['stop'])).rejects.toBeInstanceOf(TimeoutError);
    processes.next = { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' };
    await expect(runner.run(CUID_A, ['stop'])).rejects.toBeInstanceOf(UnavailableError);
  });

  it('runs one call at a time per project, and projects in parallel', async () => {
    const { runner, processes } = setup();
    processes.delayMs = 20;
    await Promise.all([runner.run(CUID_A, ['a']), runner.run(CUID_A, ['b']), runner.run(CUID_A, ['c'])]);
    expect(processes.maxActive).toBe(1);
    processes.maxActive = 0;
    await Promise.all([runner.run(CUID_A, ['a']), runner.run(CUID_B, ['b'])]);
    expect(processes.maxActive).toBe(2);
  });

  it('records every call in the audit state of the request that caused it', async () => {
    const { runner, context } = setup();
    const state: RequestState = { requestId: 'r1', startedAt: 0, compose: [] };
    await context.run(state, () => runner.run(CUID_A, ['ps']));
    expect(state.compose).toEqual([{ argv: expect.arrayContaining(['ps']), exit_code: 0, duration_ms: 1 }]);
  });
});
