import { FlowControl } from './flow-control';

function fixture(high = 100, low = 20) {
  const sink = { bufferedAmount: 0 };
  const source = { pause: jest.fn(), resume: jest.fn() };
  return { sink, source, flow: new FlowControl(sink, source, high, low) };
}

describe('FlowControl', () => {
  it('pauses the source once the socket holds more than the high-water mark, and only once', () => {
    const { sink, source, flow } = fixture();
    sink.bufferedAmount = 100;
    flow.afterSend();
    expect(source.pause).not.toHaveBeenCalled();
    sink.bufferedAmount = 101;
    flow.afterSend();
    flow.afterSend();
    expect(source.pause).toHaveBeenCalledTimes(1);
    expect(flow.isPaused).toBe(true);
  });

  it('resumes only after the socket drained below the low-water mark', () => {
    const { sink, source, flow } = fixture();
    sink.bufferedAmount = 500;
    flow.afterSend();
    sink.bufferedAmount = 50;
    flow.onFlushed();
    expect(source.resume).not.toHaveBeenCalled();
    sink.bufferedAmount = 20;
    flow.onFlushed();
    flow.onFlushed();
    expect(source.resume).toHaveBeenCalledTimes(1);
    expect(flow.isPaused).toBe(false);
  });

  it('never resumes a source it did not pause', () => {
    const { source, flow } = fixture();
    flow.onFlushed();
    expect(source.resume).not.toHaveBeenCalled();
  });
});
