import type { Duplex, Readable, Writable } from 'node:stream';
import { EngineDemuxer, EngineStreamName } from './engine-demuxer';

/**
 * One open stream from the Docker engine: a hijacked exec or attach connection, or a followed log.
 * Output comes raw (a tty) or demultiplexed into stdout and stderr; input, when there is any, is the
 * connection itself. Not reading it (pause) leaves the bytes in the kernel and then in the engine, which
 * stops reading the process: backpressure goes all the way to the container.
 */
export class EngineStream {
  readonly closed: Promise<void>;

  constructor(
    private readonly source: Duplex | Readable,
    private readonly multiplexed: boolean,
    /** The connection's write side, for exec and attach; null for a followed log. */
    readonly input: Writable | null,
  ) {
    source.on('error', () => undefined); // a reset ends the stream like a close; 'close' follows
    this.closed = new Promise((resolve) => source.once('close', () => resolve()));
  }

  /** Starts the flow of output; bytes received before the first listener wait in the stream. */
  onOutput(listener: (stream: EngineStreamName, chunk: Buffer) => void): void {
    if (this.multiplexed) {
      const demuxer = new EngineDemuxer(listener);
      this.source.on('data', (chunk: Buffer) => demuxer.push(chunk));
    } else {
      this.source.on('data', (chunk: Buffer) => listener('stdout', chunk));
    }
  }

  /** Reads and drops all output (an attach used only for its stdin), so its end is seen. */
  discardOutput(): void {
    this.source.resume();
  }

  pause(): void {
    this.source.pause();
  }

  resume(): void {
    this.source.resume();
  }

  get isClosed(): boolean {
    return this.source.destroyed;
  }

  destroy(): void {
    this.source.destroy();
  }
}
