import { AppError, ComposeError, TimeoutError, ValidationError } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { toAppError } from '../common/errors/to-app-error';
import { FlowControl, HIGH_WATER_MARK, LOW_WATER_MARK } from './flow-control';
import { ClientFrame, errorFrame, exitFrame, OutputStream, parseClientFrame } from './frames';
import type { JsonTextFrames } from './json-text-frames';
import { InputFlow } from './input-flow';
import { OutputBatcher } from './output-batcher';
import { SignalQueue } from './signal-queue';
import type { TerminalProcess } from './terminal-process';
import { Utf8Chunker } from './utf8-chunker';
import { TerminalErrorCode } from './terminal-errors';

const OPEN = 1;
/** The stream byte of a binary output message: Docker's numbering of its multiplexed streams. */
const STREAM_BYTE: Record<OutputStream, Buffer> = { stdout: Buffer.from([1]), stderr: Buffer.from([2]) };
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;

/** The part of a `ws` WebSocket a session uses, so specs can drive it with a fake. */
export interface SessionSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Buffer, options: { binary: boolean }, cb: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  pause(): void;
  resume(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close' | 'pong' | 'error', listener: () => void): unknown;
}

export interface SessionOptions {
  requestId: string;
  withStack: boolean;
  heartbeatMs: number;
  /** Most stdin bytes held for a process that does not take them (TERMINAL_STDIN_MAX_QUEUED_BYTES). */
  maxQueuedInput: number;
  highWaterMark?: number;
  lowWaterMark?: number;
  /** Called once when the session starts to end (its processes are being swept). */
  onEnding?: () => void;
  /** `output=binary`: output as binary messages, a stream byte then the raw bytes. */
  binaryOutput?: boolean;
  /** Encodes the JSON output frames (one per process: see JsonTextFrames). */
  frames: JsonTextFrames;
}

export interface SessionSummary {
  exitCode: number | null;
  bytesIn: number;
  bytesOut: number;
}

/**
 * One socket bound to one process: client frames in, output/exit/error frames out. Every way a session
 * ends (process exit, `close` frame, socket gone, dead client, server shutdown) goes through the
 * process's exit, so the exit frame always follows the last output and the summary has the real code.
 */
export class TerminalSession {
  readonly finished: Promise<SessionSummary>;
  private resolveFinished!: (summary: SessionSummary) => void;
  private readonly chunkers: Record<OutputStream, Utf8Chunker> = {
    stdout: new Utf8Chunker(),
    stderr: new Utf8Chunker(),
  };
  private readonly batcher: OutputBatcher;
  private readonly flow: FlowControl;
  private readonly input: InputFlow;
  private readonly signals: SignalQueue;
  private heartbeat: NodeJS.Timeout | null = null;
  private alive = true;
  private inputPausedAtLastBeat = false;
  private ending = false;
  private endingReported = false;
  private shuttingDown = false;
  private bytesIn = 0;
  private bytesOut = 0;

  constructor(
    private readonly ws: SessionSocket,
    private readonly proc: TerminalProcess,
    private readonly options: SessionOptions,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.flow = new FlowControl(
      ws,
      proc,
      options.highWaterMark ?? HIGH_WATER_MARK,
      options.lowWaterMark ?? LOW_WATER_MARK,
    );
    this.input = new InputFlow(ws, proc.input, options.maxQueuedInput);
    this.batcher = new OutputBatcher(
      (stream, bytes) => this.sendOutput(stream, bytes),
      () => ws.bufferedAmount > 0,
    );
    this.signals = new SignalQueue(
      (name) => proc.signal(name),
      (err) => this.sendError(toAppError(err)),
    );
  }

  start(): void {
    this.proc.onOutput((stream, chunk) => this.output(stream, chunk));
    this.proc.onExit((code) => this.exited(code));
    this.ws.on('message', (data, isBinary) => this.frame(data, isBinary));
    this.ws.on('pong', () => (this.alive = true));
    this.ws.on('error', () => undefined);
    this.ws.on('close', () => this.end());
    // unref: a heartbeat alone must not keep the process (or a test runner) alive.
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs).unref();
    this.ws.resume();
    if (this.ws.readyState !== OPEN) this.end();
  }

  /** Server shutdown: end the process, report its exit, close with 1001 (going away). */
  shutdown(): Promise<SessionSummary> {
    this.shuttingDown = true;
    this.end();
    return this.finished;
  }

  private end(): void {
    if (this.ending) return;
    this.ending = true;
    this.reportEnding();
    this.input.close();
    void this.signals.close();
    void this.proc.terminate();
  }

  /** Ends the session over a client's misuse: the error frame first, then the usual end. */
  private abort(err: AppError): void {
    this.sendError(err);
    this.end();
  }

  private reportEnding(): void {
    if (this.endingReported) return;
    this.endingReported = true;
    this.options.onEnding?.();
  }

  private beat(): void {
    const inputPaused = this.input.isPaused;
    const stalled = inputPaused && this.inputPausedAtLastBeat;
    this.inputPausedAtLastBeat = inputPaused;
    if (!this.alive) {
      // While stdin is paused the answer to the ping waits unread behind the input. Input paused for a
      // whole heartbeat ends the session, so a stalled or vanished client holds nothing long; paused
      // only since the last beat, the client gets another round.
      if (stalled) {
        this.abort(
          new TimeoutError(
            TerminalErrorCode.STDIN_STALLED,
            'The process did not read its input; the session is closed',
          ),
        );
        return;
      }
      if (inputPaused) {
        if (this.ws.readyState === OPEN) this.ws.ping();
        return;
      }
      // A client that did not answer the previous ping is gone (a dead network path never sends a FIN).
      this.ws.terminate();
      return;
    }
    this.alive = false;
    if (this.ws.readyState === OPEN) this.ws.ping();
  }

  private frame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(toBuffer(data), isBinary);
    } catch (err) {
      this.sendError(err instanceof ValidationError ? err : toAppError(err));
      return;
    }
    switch (frame.type) {
      case 'stdin':
        try {
          this.input.push(frame.data);
          this.bytesIn += frame.data.length;
        } catch (err) {
          this.abort(toAppError(err));
        }
        return;
      case 'resize':
        // One engine call at a time; sizes asked meanwhile collapse into the latest (ExecProcess.resize).
        this.proc.resize(frame.cols, frame.rows);
        return;
      case 'signal':
        this.signals.push(frame.name);
        return;
      case 'close':
        this.end();
        return;
    }
  }

  private output(stream: OutputStream, chunk: Buffer): void {
    this.bytesOut += chunk.length;
    this.batcher.push(stream, chunk);
  }

  private sendOutput(stream: OutputStream, chunk: Buffer): void {
    if (this.options.binaryOutput) {
      // No UTF-8 check, no decoding, no JSON: what the process wrote, behind one byte that says where.
      this.transmit(Buffer.concat([STREAM_BYTE[stream], chunk]), true);
      return;
    }
    const text = this.chunkers[stream].push(chunk);
    if (text) this.send(this.options.frames.frame(stream, text));
  }

  private exited(code: number | null): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.input.close();
    const signalsDone = this.signals.close();
    this.reportEnding();
    this.batcher.flush();
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.chunkers[stream].flush();
      if (rest) this.send(this.options.frames.frame(stream, rest));
    }
    if (code !== null) this.send(exitFrame(code));
    else if (!this.ending) {
      this.sendError(
        new ComposeError(
          TerminalErrorCode.OUTPUT_STREAM_ENDED,
          'The output stream ended while the container still runs',
        ),
      );
    }
    // The session is over only once whatever it left running in the container (a `sleep &`) is gone
    // too, and its last signal delivery has ended, and only then is the socket closed: a client that
    // sees the close may open a new session at once, and must not meet this one still holding its slot.
    const summary = { exitCode: code, bytesIn: this.bytesIn, bytesOut: this.bytesOut };
    const over = (): void => {
      this.resolveFinished(summary);
      if (this.ws.readyState === OPEN) this.ws.close(this.shuttingDown ? CLOSE_GOING_AWAY : CLOSE_NORMAL);
    };
    void Promise.allSettled([this.proc.terminate(), signalsDone]).then(over);
  }

  private sendError(err: AppError): void {
    this.send(errorFrame(toErrorBody(err, this.options.requestId, this.options.withStack)));
  }

  /** A text message (a Buffer too: the JSON frames' bytes). */
  private send(frame: string | Buffer): void {
    this.transmit(frame, false);
  }

  private transmit(frame: string | Buffer, binary: boolean): void {
    if (this.ws.readyState !== OPEN) return;
    this.ws.send(frame, { binary }, () => this.flow.onFlushed());
    this.flow.afterSend();
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
