import { PayloadTooLargeError } from '../common/errors/app-error';
import type { ProcessInput } from './terminal-process';
import { TerminalErrorCode } from './terminal-errors';

/** What input flow control pauses: the client's socket. */
export interface PausableReader {
  pause(): void;
  resume(): void;
}

/** Above this many bytes waiting for the process, the socket is no longer read. */
export const INPUT_HIGH_WATER_MARK = 64 * 1024;

/**
 * Backpressure from a process's stdin to the client's socket: once more than the high-water mark
 * waits for the process, the socket is not read until the process has taken it all, so a client
 * cannot make the server hold more than the cap however fast it sends. The cap catches what the
 * socket still delivers after the pause (frames already read) and a single frame larger than it.
 */
export class InputFlow {
  private paused = false;
  private closed = false;

  constructor(
    private readonly reader: PausableReader,
    private readonly input: ProcessInput,
    private readonly maxQueued: number,
    private readonly high = INPUT_HIGH_WATER_MARK,
  ) {
    input.onDrained(() => {
      if (this.paused && !this.closed) this.setPaused(false);
    });
  }

  /** Whether the socket is paused because the process does not take its input. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Hands bytes to the process; throws STDIN_QUEUE_FULL (nothing written) past the cap. */
  push(data: Buffer): void {
    if (this.closed) return;
    const queued = this.input.queuedBytes;
    if (queued + data.length > this.maxQueued) {
      throw new PayloadTooLargeError(
        TerminalErrorCode.STDIN_QUEUE_FULL,
        'More terminal input is waiting than the process takes',
        {
          limit: this.maxQueued,
          queued_bytes: queued,
          frame_bytes: data.length,
        },
      );
    }
    this.input.write(data);
    if (!this.paused && this.input.queuedBytes > this.high) this.setPaused(true);
  }

  /**
   * Takes no more input. Reading resumes, so the client's close frame (and the closing handshake)
   * gets through; frames still arriving are dropped.
   */
  close(): void {
    this.closed = true;
    if (this.paused) this.setPaused(false);
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.reader.pause();
    else this.reader.resume();
  }
}
