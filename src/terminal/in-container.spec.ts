import { fakeConfig } from '../../test/support/fake-config';
import { ComposeError } from '../common/errors/app-error';
import { RequestContext } from '../common/request-context';
import { ComposeRunner } from '../compose/compose-runner';
import type { ProcessRunner } from '../compose/process-runner';
import { ProjectPaths } from '../compose/project-paths';
import { auditArgv, InContainer } from './in-container';

const CUID = 'c123e4567-e89b-42d3-a456-426614174000';

function fixture(exitCode: number) {
  const config = fakeConfig();
  const processes = {
    run: jest.fn().mockResolvedValue({ exitCode, stdout: '', stderr: 'boom', durationMs: 5, timedOut: false }),
  };
  const compose = new ComposeRunner(
    processes as unknown as ProcessRunner,
    new ProjectPaths(config),
    config,
    new RequestContext(),
  );
  return { processes, inContainer: new InContainer(compose) };
}

describe('InContainer', () => {
  it('marks the session exec with its id and passes the command as argv', () => {
    const { inContainer } = fixture(0);
    const argv = inContainer.sessionArgv(CUID, 'sid-1', ['sh', '-c', 'ls; exit 3']);
    expect(argv.slice(0, 3)).toEqual(['docker', 'compose', '-p']);
    expect(argv.slice(-7)).toEqual(['exec', '-e', 'CM_TERMINAL_SESSION=sid-1', 'app', 'sh', '-c', 'ls; exit 3']);
  });

  it('signals through `exec -T app sh -c SCRIPT sh <id> <signal>`, recording the call without the script', async () => {
    const { inContainer, processes } = fixture(0);
    const record = jest.fn();
    await inContainer.signalForeground(CUID, 'sid-1', 'INT', record);
    const argv = processes.run.mock.calls[0][0] as string[];
    expect(argv.slice(argv.indexOf('exec'))).toEqual([
      'exec',
      '-T',
      'app',
      'sh',
      '-c',
      expect.any(String),
      'sh',
      'sid-1',
      'INT',
    ]);
    expect(record).toHaveBeenCalledWith(expect.objectContaining({ exit_code: 0, argv: expect.arrayContaining(['…']) }));
    expect(JSON.stringify(record.mock.calls)).not.toContain('/proc');
  });

  it('signals the main process with compose kill', async () => {
    const { inContainer, processes } = fixture(0);
    await inContainer.signalMain(CUID, 'TERM', jest.fn());
    expect((processes.run.mock.calls[0][0] as string[]).slice(-4)).toEqual(['kill', '-s', 'SIGTERM', 'app']);
  });

  it('turns a failed call into a compose error carrying the exit code and stderr', async () => {
    const { inContainer } = fixture(1);
    await expect(inContainer.sweep(CUID, 'sid-1', jest.fn())).rejects.toThrow(ComposeError);
    await expect(inContainer.sweep(CUID, 'sid-1', jest.fn())).rejects.toMatchObject({
      code: 'SESSION_CLEANUP_FAILED',
      details: { exit_code: 1, stderr: ['boom'] },
    });
  });

  it('keeps user commands out of audit argv', () => {
    expect(auditArgv(['docker', 'exec', 'app', 'sh', '-c', 'mysql -psecret'])).toEqual([
      'docker',
      'exec',
      'app',
      'sh',
      '-c',
      '…',
    ]);
    expect(auditArgv(['docker', 'logs', 'x'])).toEqual(['docker', 'logs', 'x']);
  });
});
