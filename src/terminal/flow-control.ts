/** What flow control needs to see of the socket. */
export interface BufferedSink {
  readonly bufferedAmount: number;
}

/** What flow control pauses: the pty or the output pipes. */
export interface PausableSource {
  pause(): void;
  resume(): void;
}

export const HIGH_WATER_MARK = 1024 * 1024;
export const LOW_WATER_MARK = 256 * 1024;

/**
 * Backpressure from a WebSocket to its output source: past the high-water mark of bytes the socket has
 * not flushed yet, the source is paused (the process inside the container then blocks on its writes);
 * once the socket has drained below the low-water mark it is resumed. Memory per session stays bounded
 * by the high-water mark plus one read.
 */
export class FlowControl {
  private paused = false;

  constructor(
    private readonly sink: BufferedSink,
    private readonly source: PausableSource,
    private readonly high = HIGH_WATER_MARK,
    private readonly low = LOW_WATER_MARK,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** Call after queueing a frame on the socket. */
  afterSend(): void {
    if (!this.paused && this.sink.bufferedAmount > this.high) {
      this.paused = true;
      this.source.pause();
    }
  }

  /** Call whenever the socket reports a frame flushed. */
  onFlushed(): void {
    if (this.paused && this.sink.bufferedAmount <= this.low) {
      this.paused = false;
      this.source.resume();
    }
  }
}
