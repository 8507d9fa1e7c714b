export type EngineStreamName = 'stdout' | 'stderr';

const HEADER_BYTES = 8;
const STDERR = 2;

/**
 * Splits the Engine API's multiplexed stream (a container or exec without a tty): each frame is an
 * 8-byte header (stream id, three zero bytes, big-endian payload length) and its payload. Headers and
 * payloads may be cut anywhere by reads; payload bytes are passed on as they come, never re-joined.
 */
export class EngineDemuxer {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private remaining = 0;
  private stream: EngineStreamName = 'stdout';

  constructor(private readonly deliver: (stream: EngineStreamName, chunk: Buffer) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < HEADER_BYTES) return;
        this.headerFill = 0;
        // 0 is stdin (never sent to us), 1 stdout, 2 stderr, 3 the engine's own error text: shown as stderr.
        this.stream = (this.header[0] ?? 1) >= STDERR ? 'stderr' : 'stdout';
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.deliver(this.stream, chunk.subarray(offset, offset + take));
      this.remaining -= take;
      offset += take;
    }
  }
}
