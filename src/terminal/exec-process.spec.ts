import { PassThrough } from 'node:stream';
import type { StartedExec } from '../compose/container-engine';
import type { EngineStream } from '../compose/engine-stream';
import { ExecProcess } from './exec-process';

function fakeExec(): { exec: StartedExec; close: () => void } {
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  const state = { closed: false };
  const stream = {
    input: new PassThrough(),
    closed: closed.then(() => {
      state.closed = true;
    }),
    get isClosed() {
      return state.closed;
    },
    onOutput: () => undefined,
  } as unknown as EngineStream;
  return { exec: { id: 'exec-1', stream }, close };
}

function processWith(resizeExec: jest.Mock, tty = true): ExecProcess {
  const { exec } = fakeExec();
  return new ExecProcess(exec, tty, {
    engine: { resizeExec, execExitCode: jest.fn().mockResolvedValue(0) },
    signal: jest.fn(),
    sweep: jest.fn(),
  });
}

describe('ExecProcess.resize', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('asks the engine again when a resize fails, so the pty does not stay at the old size', async () => {
    const resizeExec = jest
      .fn()
      .mockRejectedValueOnce(new Error('socket hang up'))
      .mockRejectedValueOnce(new Error('engine busy'))
      .mockResolvedValue(undefined);
    processWith(resizeExec).resize(132, 43);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(resizeExec).toHaveBeenCalledTimes(3);
    expect(resizeExec).toHaveBeenLastCalledWith('exec-1', 132, 43);
  });

  it('gives up after a few tries instead of retrying for ever', async () => {
    const resizeExec = jest.fn().mockRejectedValue(new Error('gone'));
    processWith(resizeExec).resize(100, 30);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(resizeExec).toHaveBeenCalledTimes(4);
  });

  it('drops a failed size when a newer one was asked meanwhile, and applies the newest', async () => {
    let fail!: (err: Error) => void;
    const resizeExec = jest
      .fn()
      .mockImplementationOnce(() => new Promise((_resolve, reject) => (fail = reject)))
      .mockResolvedValue(undefined);
    const proc = processWith(resizeExec);
    proc.resize(100, 30);
    proc.resize(120, 40);
    proc.resize(132, 43);
    fail(new Error('reset'));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(resizeExec.mock.calls).toEqual([
      ['exec-1', 100, 30],
      ['exec-1', 132, 43],
    ]);
  });

  it('does nothing without a tty', async () => {
    const resizeExec = jest.fn();
    processWith(resizeExec, false).resize(100, 30);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(resizeExec).not.toHaveBeenCalled();
  });
});
