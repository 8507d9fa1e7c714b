import { BUSY_DELAY_MS, OutputBatcher, STREAMING_BATCH_BYTES } from './output-batcher';
import type { OutputStream } from './frames';

function fixture(busy = false, maxBytes = 16) {
  const sent: [OutputStream, string][] = [];
  const state = { busy };
  const batcher = new OutputBatcher(
    (stream, bytes) => sent.push([stream, bytes.toString()]),
    () => state.busy,
    maxBytes,
  );
  return { sent, batcher, state };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OutputBatcher', () => {
  it('sends what one event-loop turn read as one frame, at the end of that turn', async () => {
    const { sent, batcher } = fixture();
    batcher.push('stdout', Buffer.from('a'));
    batcher.push('stdout', Buffer.from('b'));
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([['stdout', 'ab']]);
  });

  it('keeps the order across streams: a change of stream sends what waits first', async () => {
    const { sent, batcher } = fixture();
    batcher.push('stdout', Buffer.from('1'));
    batcher.push('stderr', Buffer.from('2'));
    batcher.push('stdout', Buffer.from('3'));
    await nextTurn();
    expect(sent).toEqual([
      ['stdout', '1'],
      ['stderr', '2'],
      ['stdout', '3'],
    ]);
  });

  it('sends a full batch at once, without waiting', () => {
    const { sent, batcher } = fixture(false, 4);
    batcher.push('stdout', Buffer.from('abcdef'));
    expect(sent).toEqual([['stdout', 'abcdef']]);
  });

  it('while the socket is busy, waits a few milliseconds for more', async () => {
    const { sent, batcher } = fixture(true);
    batcher.push('stdout', Buffer.from('x'));
    await nextTurn();
    batcher.push('stdout', Buffer.from('y'));
    await nextTurn();
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, BUSY_DELAY_MS + 10));
    expect(sent).toEqual([['stdout', 'xy']]);
  });

  it('after a large batch (output streaming), waits a few milliseconds for more; after a small one, does not', async () => {
    const { sent, batcher } = fixture(false, 64 * 1024);
    batcher.push('stdout', Buffer.alloc(STREAMING_BATCH_BYTES, 'a'));
    await nextTurn();
    expect(sent).toHaveLength(1);
    batcher.push('stdout', Buffer.from('b'));
    await nextTurn();
    expect(sent).toHaveLength(1); // streaming: waits for more
    batcher.push('stdout', Buffer.from('c'));
    await new Promise((resolve) => setTimeout(resolve, BUSY_DELAY_MS + 10));
    expect(sent.map(([, text]) => text.length)).toEqual([STREAMING_BATCH_BYTES, 2]);
    batcher.push('stdout', Buffer.from('d'));
    await nextTurn();
    expect(sent[2]).toEqual(['stdout', 'd']); // the small batch ended the stream: echo goes at once
  });

  it('flush sends what waits now and leaves no timer behind', async () => {
    const { sent, batcher } = fixture(true);
    batcher.push('stderr', Buffer.from('last'));
    batcher.flush();
    expect(sent).toEqual([['stderr', 'last']]);
    await new Promise((resolve) => setTimeout(resolve, BUSY_DELAY_MS + 10));
    expect(sent).toHaveLength(1);
  });
});
