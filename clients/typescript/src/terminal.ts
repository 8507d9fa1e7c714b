import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, ConnectionError, toApiError } from './errors';
import type { components } from './generated/api';
import { readText } from './transport';

export type TerminalClientFrame = components['schemas']['TerminalClientFrame'];
export type TerminalServerFrame = components['schemas']['TerminalServerFrame'];
export type SignalName = Extract<TerminalClientFrame, { type: 'signal' }>['name'];

export interface TerminalOutput {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Chunks queued for a slow reader before the socket is paused (the service then holds its output). */
const HIGH_WATER = 64;

/**
 * One terminal session over the WebSocket. Iterate it for output; `exit` resolves with the remote
 * exit code (null when this side closed first, e.g. detaching from `attach`) and rejects with the
 * ApiError of an `error` frame, or a ConnectionError, when the session ended without an exit code.
 * Error frames that do not end the session (a malformed frame) go to `onError` listeners.
 */
export class Terminal implements AsyncIterable<TerminalOutput> {
  readonly exit: Promise<number | null>;
  private readonly queue: TerminalOutput[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private iterating = false;
  private exitCode: number | null = null;
  private closedByUs = false;
  private lastError: ApiError | null = null;
  private readonly errorListeners: ((err: ApiError) => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    this.exit = new Promise((resolve, reject) => {
      ws.on('message', (raw: Buffer) => this.take(raw));
      ws.once('close', (code) => {
        this.ended = true;
        this.notify();
        if (this.exitCode !== null) resolve(this.exitCode);
        else if (this.closedByUs) resolve(null);
        else
          reject(
            this.lastError ??
              new ConnectionError(`terminal closed (${code}) without an exit code`, 'CONNECTION_CLOSED', '', false),
          );
      });
    });
    // A caller that only awaits output must not also have to catch `exit`.
    this.exit.catch(() => undefined);
    ws.on('error', () => undefined);
  }

  /** Opens the socket; a refused upgrade rejects with the service's ApiError (401, 404, …). */
  static open(url: URL, authorization: string): Promise<Terminal> {
    const requestId = randomUUID();
    const ws = new WebSocket(url, {
      headers: { Authorization: authorization, 'X-Request-Id': requestId },
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Terminal(ws)));
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        ws.on('error', () => undefined);
        void readText(res).then((text) => {
          reject(toApiError(res.statusCode ?? 0, text, requestId));
          ws.terminate();
        });
      });
      ws.once('error', (err: NodeJS.ErrnoException) =>
        reject(new ConnectionError(`terminal: ${err.message}`, err.code ?? 'CONNECTION_FAILED', requestId, true)),
      );
    });
  }

  onError(listener: (err: ApiError) => void): void {
    this.errorListeners.push(listener);
  }

  write(data: string | Uint8Array): void {
    if (typeof data === 'string') this.send({ type: 'stdin', data, encoding: 'utf8' });
    else this.send({ type: 'stdin', data: Buffer.from(data).toString('base64'), encoding: 'base64' });
  }

  resize(cols: number, rows: number): void {
    this.send({ type: 'resize', cols, rows });
  }

  signal(name: SignalName): void {
    this.send({ type: 'signal', name });
  }

  /** Ends the session (in `attach`: detaches); resolves once the socket is closed. */
  async close(): Promise<void> {
    this.closedByUs = true;
    this.send({ type: 'close' });
    await this.exit.catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TerminalOutput> {
    this.iterating = true;
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        if (this.queue.length < HIGH_WATER / 2 && this.ws.isPaused) this.ws.resume();
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private send(frame: TerminalClientFrame): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private take(raw: Buffer): void {
    const frame = JSON.parse(raw.toString('utf8')) as TerminalServerFrame;
    switch (frame.type) {
      case 'stdout':
      case 'stderr':
        this.queue.push({
          stream: frame.type,
          data: Buffer.from(frame.data, frame.encoding === 'base64' ? 'base64' : 'utf8'),
        });
        // Only a reader can drain the queue; without one, pausing would also hold back the exit frame.
        if (this.iterating && this.queue.length >= HIGH_WATER) this.ws.pause();
        break;
      case 'exit':
        this.exitCode = frame.code;
        break;
      case 'error':
        this.lastError = new ApiError(frame.error);
        for (const listener of this.errorListeners) listener(this.lastError);
        break;
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
