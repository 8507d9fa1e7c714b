import type { InContainer } from './in-container';
import type { PtyHandle } from './pty-spawn';
import { PtyProcess } from './pty-process';

function fakePty() {
  const exitListeners: ((e: { exitCode: number; signal?: number }) => void)[] = [];
  const pty = {
    pid: 4242,
    onData: jest.fn(),
    onExit: (listener: (e: { exitCode: number; signal?: number }) => void) => exitListeners.push(listener),
    write: jest.fn(),
    resize: jest.fn(),
    pause: jest.fn(),
    resume: jest.fn(),
    kill: jest.fn(),
  };
  const exit = (exitCode: number, signal?: number) => exitListeners.forEach((l) => l({ exitCode, signal }));
  return { pty: pty as PtyHandle & typeof pty, exit };
}

function inContainer() {
  return { signalForeground: jest.fn().mockResolvedValue(undefined), sweep: jest.fn().mockResolvedValue(undefined) };
}

describe('PtyProcess', () => {
  afterEach(() => jest.useRealTimers());

  it('resumes a paused pty as soon as the docker CLI is gone, so its last output is not dropped', () => {
    jest.useFakeTimers();
    const { pty } = fakePty();
    let alive = true;
    const proc = new PtyProcess(pty, 'c1', 's1', {
      inContainer: inContainer() as unknown as InContainer,
      record: jest.fn(),
      isAlive: () => alive,
    });
    proc.pause();
    expect(pty.pause).toHaveBeenCalled();
    jest.advanceTimersByTime(500);
    expect(pty.resume).not.toHaveBeenCalled();
    alive = false;
    jest.advanceTimersByTime(50);
    expect(pty.resume).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(500);
    expect(pty.resume).toHaveBeenCalledTimes(1);
  });

  it('reports a signalled CLI as 128+n', () => {
    const { pty, exit } = fakePty();
    const proc = new PtyProcess(pty, 'c1', 's1', {
      inContainer: inContainer() as unknown as InContainer,
      record: jest.fn(),
    });
    const codes: (number | null)[] = [];
    proc.onExit((code) => codes.push(code));
    exit(0, 9);
    expect(codes).toEqual([137]);
  });

  it('sends signals to the foreground job inside the container, not to the local CLI', async () => {
    const { pty } = fakePty();
    const ic = inContainer();
    const proc = new PtyProcess(pty, 'c1', 's1', { inContainer: ic as unknown as InContainer, record: jest.fn() });
    await proc.signal('INT');
    expect(ic.signalForeground).toHaveBeenCalledWith('c1', 's1', 'INT', expect.any(Function));
    expect(pty.kill).not.toHaveBeenCalled();
  });

  it('terminates by sweeping the session inside the container, and kills the CLI only if it lingers', async () => {
    jest.useFakeTimers();
    const { pty, exit } = fakePty();
    const ic = inContainer();
    const proc = new PtyProcess(pty, 'c1', 's1', { inContainer: ic as unknown as InContainer, record: jest.fn() });
    const done = proc.terminate();
    await Promise.resolve();
    expect(ic.sweep).toHaveBeenCalledWith('c1', 's1', expect.any(Function));
    exit(129);
    await done;
    expect(pty.kill).not.toHaveBeenCalled();
    await proc.terminate();
    expect(ic.sweep).toHaveBeenCalledTimes(1);

    const second = fakePty();
    const lingering = new PtyProcess(second.pty, 'c1', 's2', {
      inContainer: ic as unknown as InContainer,
      record: jest.fn(),
    });
    const ending = lingering.terminate();
    await jest.advanceTimersByTimeAsync(3_000);
    await ending;
    expect(second.pty.kill).toHaveBeenCalledWith('SIGKILL');
  });
});
