import { FdInput, FdWrite } from './fd-input';

/** A descriptor that answers each write as the spec scripts it. */
function fakeFd() {
  const calls: { buffer: Buffer; answer: (err: NodeJS.ErrnoException | null, written: number) => void }[] = [];
  const writeFd: FdWrite = (buffer, done) => calls.push({ buffer, answer: done });
  return { calls, writeFd };
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('FdInput', () => {
  afterEach(() => jest.useRealTimers());

  it('writes in order, continues after a short write, and counts what waits until it is taken', () => {
    const { calls, writeFd } = fakeFd();
    const input = new FdInput(writeFd);
    const drained = jest.fn();
    input.onDrained(drained);
    input.write(Buffer.from('hello'));
    input.write(Buffer.from('world'));
    expect(input.queuedBytes).toBe(10);
    expect(calls).toHaveLength(1); // one write at a time
    calls[0]?.answer(null, 3);
    expect(calls[1]?.buffer.toString()).toBe('lo');
    expect(input.queuedBytes).toBe(7);
    calls[1]?.answer(null, 2);
    expect(calls[2]?.buffer.toString()).toBe('world');
    expect(drained).not.toHaveBeenCalled();
    calls[2]?.answer(null, 5);
    expect(input.queuedBytes).toBe(0);
    expect(drained).toHaveBeenCalledTimes(1);
  });

  it('retries a full descriptor with a growing delay, not on every turn', () => {
    jest.useFakeTimers();
    const { calls, writeFd } = fakeFd();
    const input = new FdInput(writeFd);
    input.write(Buffer.from('x'));
    calls[0]?.answer(errno('EAGAIN'), 0);
    expect(calls).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(calls).toHaveLength(2);
    calls[1]?.answer(errno('EAGAIN'), 0);
    jest.advanceTimersByTime(1);
    expect(calls).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(calls).toHaveLength(3);
    // A second write while waiting does not start another attempt.
    input.write(Buffer.from('y'));
    expect(calls).toHaveLength(3);
    calls[2]?.answer(null, 1);
    expect(calls[3]?.buffer.toString()).toBe('y');
  });

  it('drops everything and stops at an error other than EAGAIN', () => {
    const { calls, writeFd } = fakeFd();
    const input = new FdInput(writeFd);
    const drained = jest.fn();
    input.onDrained(drained);
    input.write(Buffer.alloc(1000));
    calls[0]?.answer(errno('EIO'), 0);
    expect(input.queuedBytes).toBe(0);
    expect(drained).toHaveBeenCalledTimes(1);
    input.write(Buffer.from('late'));
    expect(calls).toHaveLength(1);
  });

  it('at close frees the queue, cancels a pending retry and ignores the write in flight', () => {
    jest.useFakeTimers();
    const { calls, writeFd } = fakeFd();
    const input = new FdInput(writeFd);
    input.write(Buffer.alloc(1000));
    calls[0]?.answer(errno('EAGAIN'), 0);
    input.close();
    expect(input.queuedBytes).toBe(0);
    jest.advanceTimersByTime(1000);
    expect(calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
