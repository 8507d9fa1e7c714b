import { InputFlow } from './input-flow';
import type { ProcessInput } from './terminal-process';

/** A process input that takes nothing until the spec says so. */
class SlowInput implements ProcessInput {
  queuedBytes = 0;
  written: Buffer[] = [];
  private drained: (() => void)[] = [];
  write(data: Buffer): void {
    this.written.push(data);
    this.queuedBytes += data.length;
  }
  onDrained(listener: () => void): void {
    this.drained.push(listener);
  }
  takeAll(): void {
    this.queuedBytes = 0;
    this.drained.forEach((l) => l());
  }
}

function setup(max = 1024 * 1024, high = 64 * 1024) {
  const reader = { pause: jest.fn(), resume: jest.fn() };
  const input = new SlowInput();
  return { reader, input, flow: new InputFlow(reader, input, max, high) };
}

const bytes = (n: number): Buffer => Buffer.alloc(n, 0x61);

describe('InputFlow', () => {
  it('keeps reading while the process keeps up', () => {
    const { reader, input, flow } = setup();
    flow.push(bytes(1000));
    input.takeAll();
    flow.push(bytes(1000));
    expect(reader.pause).not.toHaveBeenCalled();
    expect(input.written).toHaveLength(2);
  });

  it('pauses the socket past the high-water mark and resumes once the process took everything', () => {
    const { reader, input, flow } = setup();
    flow.push(bytes(40 * 1024));
    expect(reader.pause).not.toHaveBeenCalled();
    flow.push(bytes(40 * 1024));
    expect(reader.pause).toHaveBeenCalledTimes(1);
    expect(flow.isPaused).toBe(true);
    flow.push(bytes(10)); // a frame the socket had already read
    expect(reader.pause).toHaveBeenCalledTimes(1);
    input.takeAll();
    expect(reader.resume).toHaveBeenCalledTimes(1);
    expect(flow.isPaused).toBe(false);
  });

  it('refuses with STDIN_QUEUE_FULL, writing nothing, a frame that would queue more than the cap', () => {
    const { input, flow } = setup(100 * 1024);
    flow.push(bytes(60 * 1024));
    expect(() => flow.push(bytes(60 * 1024))).toThrow(
      expect.objectContaining({
        code: 'STDIN_QUEUE_FULL',
        status: 413,
        details: { limit: 100 * 1024, queued_bytes: 60 * 1024, frame_bytes: 60 * 1024 },
      }),
    );
    expect(input.written).toHaveLength(1);
  });

  it('refuses a single frame larger than the cap', () => {
    const { input, flow } = setup(64 * 1024);
    expect(() => flow.push(bytes(64 * 1024 + 1))).toThrow(expect.objectContaining({ code: 'STDIN_QUEUE_FULL' }));
    expect(input.written).toHaveLength(0);
  });

  it('at close resumes a paused socket for the closing handshake and drops later input', () => {
    const { reader, input, flow } = setup();
    flow.push(bytes(100 * 1024));
    flow.close();
    expect(reader.resume).toHaveBeenCalledTimes(1);
    flow.push(bytes(10));
    input.takeAll();
    expect(input.written).toHaveLength(1);
    expect(reader.resume).toHaveBeenCalledTimes(1);
  });
});
