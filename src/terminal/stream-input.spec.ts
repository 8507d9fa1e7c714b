import { Writable } from 'node:stream';
import { streamInput } from './stream-input';

/** A pipe whose reader takes each chunk only when the spec says so. */
function slowPipe() {
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write: (_chunk, _enc, done) => pending.push(() => done()),
  });
  return { stream, takeOne: () => pending.shift()?.() };
}

describe('streamInput', () => {
  it('counts what the pipe holds and reports when it has all been taken', async () => {
    const { stream, takeOne } = slowPipe();
    const input = streamInput(stream);
    const drained = jest.fn();
    input.onDrained(drained);
    input.write(Buffer.alloc(100));
    input.write(Buffer.alloc(50));
    expect(input.queuedBytes).toBe(150);
    takeOne();
    takeOne();
    await new Promise((r) => setImmediate(r));
    expect(input.queuedBytes).toBe(0);
    expect(drained).toHaveBeenCalledTimes(1);
  });

  it('reports drained and holds nothing once the pipe is gone', async () => {
    const { stream } = slowPipe();
    const input = streamInput(stream);
    const drained = jest.fn();
    input.onDrained(drained);
    input.write(Buffer.alloc(100));
    stream.destroy(Object.assign(new Error('EPIPE'), { code: 'EPIPE' }));
    await new Promise((r) => setImmediate(r));
    expect(input.queuedBytes).toBe(0);
    expect(drained).toHaveBeenCalledTimes(1);
    input.write(Buffer.alloc(10)); // no throw, no buffer
    expect(input.queuedBytes).toBe(0);
  });

  it('takes no input when there is no pipe', () => {
    const input = streamInput(null);
    input.write(Buffer.from('x'));
    expect(input.queuedBytes).toBe(0);
  });
});
