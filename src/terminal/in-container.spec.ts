import { ComposeError } from '../common/errors/app-error';
import type { ContainerEngine } from '../compose/container-engine';
import { auditArgv, InContainer } from './in-container';

const CUID = 'c123e4567-e89b-42d3-a456-426614174000';
const TARGET = { cuid: CUID, containerId: 'f'.repeat(64), sessionId: 'sid-1' };

function fixture(exitCode: number | null, output = 'boom\n') {
  const engine = {
    runExec: jest.fn().mockResolvedValue({ exitCode, output, durationMs: 5, timedOut: false }),
    kill: jest.fn().mockResolvedValue(undefined),
  };
  return { engine, inContainer: new InContainer(engine as unknown as ContainerEngine) };
}

describe('InContainer', () => {
  it('signals with one engine exec of `sh -c SCRIPT sh <id> <signal>`, recording the call without the script', async () => {
    const { inContainer, engine } = fixture(0);
    const record = jest.fn();
    await inContainer.signalForeground(TARGET, 'INT', record);
    expect(engine.runExec).toHaveBeenCalledWith(
      TARGET.containerId,
      ['sh', '-c', expect.any(String), 'sh', 'sid-1', 'INT'],
      expect.any(Number),
    );
    expect(record).toHaveBeenCalledWith({
      argv: ['engine', 'exec', CUID, 'sh', '-c', '…'],
      exit_code: 0,
      duration_ms: 5,
    });
    expect(JSON.stringify(record.mock.calls)).not.toContain('/proc');
  });

  it('takes exit code 3 (no process of the session) as an answer for a signal, not for a sweep', async () => {
    const { inContainer } = fixture(3);
    await expect(inContainer.signalForeground(TARGET, 'INT', jest.fn())).resolves.toBeUndefined();
    await expect(inContainer.sweep(TARGET, jest.fn())).rejects.toMatchObject({ code: 'SESSION_CLEANUP_FAILED' });
  });

  it('signals the main process through the engine kill call', async () => {
    const { inContainer, engine } = fixture(0);
    const record = jest.fn();
    await inContainer.signalMain(TARGET, 'TERM', record);
    expect(engine.kill).toHaveBeenCalledWith(TARGET.containerId, 'SIGTERM');
    expect(record.mock.calls[0][0]).toMatchObject({ argv: ['engine', 'kill', '-s', 'SIGTERM', CUID], exit_code: 0 });
  });

  it('turns a failed call into a compose error carrying the exit code and the output tail', async () => {
    const { inContainer } = fixture(1);
    await expect(inContainer.sweep(TARGET, jest.fn())).rejects.toThrow(ComposeError);
    await expect(inContainer.sweep(TARGET, jest.fn())).rejects.toMatchObject({
      code: 'SESSION_CLEANUP_FAILED',
      details: { exit_code: 1, stderr: ['boom'] },
    });
  });

  it('turns an unreachable engine into the same typed error, and still records the call', async () => {
    const { inContainer, engine } = fixture(0);
    engine.runExec.mockRejectedValue(new Error('connect ENOENT'));
    const record = jest.fn();
    await expect(inContainer.signalForeground(TARGET, 'INT', record)).rejects.toMatchObject({ code: 'SIGNAL_FAILED' });
    expect(record).toHaveBeenCalledWith(expect.objectContaining({ exit_code: null }));
  });

  it('keeps user commands out of audit argv', () => {
    expect(auditArgv(['engine', 'exec', 'app', 'sh', '-c', 'mysql -psecret'])).toEqual([
      'engine',
      'exec',
      'app',
      'sh',
      '-c',
      '…',
    ]);
    expect(auditArgv(['docker', 'logs', 'x'])).toEqual(['docker', 'logs', 'x']);
  });
});
