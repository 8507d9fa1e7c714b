import WebSocket from 'ws';

export interface Frame {
  type: string;
  data?: string;
  encoding?: 'utf8' | 'base64';
  code?: number;
  error?: Record<string, unknown>;
}

/** A minimal terminal client for reliability tests: collects frames, waits for output or the close. */
export class TermClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  /** Output frames are counted, not kept, once a test floods a session that echoes its input. */
  keepOutput = true;
  outputFrames = 0;
  private static readonly opened = new Set<TermClient>();

  private constructor(readonly ws: WebSocket) {
    TermClient.opened.add(this);
    ws.once('close', () => TermClient.opened.delete(this));
    ws.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      // A binary message (`output=binary`) is output: its stream byte, then raw bytes.
      const frame: Frame = isBinary
        ? { type: bytes[0] === 2 ? 'stderr' : 'stdout', data: bytes.subarray(1).toString('base64'), encoding: 'base64' }
        : (JSON.parse(bytes.toString()) as Frame);
      const output = frame.type === 'stdout' || frame.type === 'stderr';
      if (output) this.outputFrames += 1;
      if (this.keepOutput || !output) this.frames.push(frame);
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  static open(baseUrl: string, authHeader: string, path: string): Promise<TermClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers: { Authorization: authHeader } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TermClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Drops every client still open, so a failed test leaves no socket (or session) behind. */
  static terminateAll(): void {
    for (const client of TermClient.opened) client.ws.terminate();
  }

  output(): string {
    return this.frames
      .filter((f) => f.type === 'stdout' || f.type === 'stderr')
      .map((f) => (f.encoding === 'base64' ? Buffer.from(f.data ?? '', 'base64').toString() : (f.data ?? '')))
      .join('');
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a frame and resolves once the socket took it, or with false after `stallMs` (the peer stopped reading). */
  sendFlushed(frame: string, stallMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), stallMs);
      this.ws.send(frame, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  input(text: string): void {
    this.send({ type: 'stdin', data: text, encoding: 'utf8' });
  }

  async until<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.frames).slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  untilOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray> {
    return this.until(() => this.output().match(pattern), `output ${pattern}`, timeoutMs);
  }
}
