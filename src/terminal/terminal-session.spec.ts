import { EventEmitter } from 'node:events';
import { ComposeError } from '../common/errors/app-error';
import type { OutputStream } from './frames';
import type { ProcessInput, TerminalProcess } from './terminal-process';
import { JsonTextFrames } from './json-text-frames';
import { SessionSocket, TerminalSession } from './terminal-session';

class FakeSocket extends EventEmitter implements SessionSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: Record<string, unknown>[] = [];
  /** Binary messages, as [stream byte, payload]. */
  binary: [number, Buffer][] = [];
  flushes: (() => void)[] = [];
  closedWith: number | null = null;
  terminated = false;
  pings = 0;

  send(data: string | Buffer, options: { binary: boolean }, cb: () => void): void {
    if (options.binary) this.binary.push([(data as Buffer)[0]!, (data as Buffer).subarray(1)]);
    else this.sent.push(JSON.parse(data.toString()) as Record<string, unknown>);
    this.flushes.push(cb);
  }
  close(code?: number): void {
    this.closedWith = code ?? null;
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  ping(): void {
    this.pings += 1;
  }
  readingPaused = false;
  pause(): void {
    this.readingPaused = true;
  }
  resume(): void {
    this.readingPaused = false;
  }
  client(frame: unknown, isBinary = false): void {
    this.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), isBinary);
  }
}

/** stdin of a fake process: takes everything at once unless `holding`. */
class FakeInput implements ProcessInput {
  written: Buffer[] = [];
  queuedBytes = 0;
  holding = false;
  private drained: (() => void)[] = [];
  write(data: Buffer): void {
    this.written.push(data);
    if (this.holding) this.queuedBytes += data.length;
  }
  onDrained(listener: () => void): void {
    this.drained.push(listener);
  }
  takeAll(): void {
    this.queuedBytes = 0;
    this.drained.forEach((l) => l());
  }
}

class FakeProcess implements TerminalProcess {
  readonly input = new FakeInput();
  get written(): Buffer[] {
    return this.input.written;
  }
  resized: [number, number][] = [];
  signals: string[] = [];
  paused = false;
  terminations = 0;
  signalError: Error | null = null;
  /** While set, signal deliveries stay open until it resolves. */
  signalGate: Promise<void> | null = null;
  private out: ((stream: OutputStream, chunk: Buffer) => void) | null = null;
  private exit: ((code: number | null) => void) | null = null;

  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void {
    this.out = listener;
  }
  onExit(listener: (code: number | null) => void): void {
    this.exit = listener;
  }
  write(data: Buffer): void {
    this.written.push(data);
  }
  resize(cols: number, rows: number): void {
    this.resized.push([cols, rows]);
  }
  signal(name: string): Promise<void> {
    this.signals.push(name);
    if (this.signalError) return Promise.reject(this.signalError);
    return this.signalGate ?? Promise.resolve();
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  /** What terminate() answers: a spec may hold it to play a slow sweep. */
  swept: Promise<void> = Promise.resolve();
  terminate(): Promise<void> {
    this.terminations += 1;
    return this.swept;
  }
  emitOutput(stream: OutputStream, text: string | Buffer): void {
    this.out?.(stream, Buffer.from(text));
  }
  emitExit(code: number | null): void {
    this.exit?.(code);
  }
}

function fixture(
  options: Partial<{
    heartbeatMs: number;
    highWaterMark: number;
    lowWaterMark: number;
    maxQueuedInput: number;
    binaryOutput: boolean;
  }> = {},
) {
  const ws = new FakeSocket();
  const proc = new FakeProcess();
  const session = new TerminalSession(ws, proc, {
    requestId: 'req-1',
    withStack: false,
    heartbeatMs: 60_000,
    maxQueuedInput: 4 * 1024 * 1024,
    frames: new JsonTextFrames(),
    ...options,
  });
  session.start();
  return { ws, proc, session };
}

describe('TerminalSession', () => {
  afterEach(() => jest.useRealTimers());

  it('forwards stdin, resize and signals to the process and counts input bytes', async () => {
    const { ws, proc, session } = fixture();
    ws.client({ type: 'stdin', data: 'ls\n', encoding: 'utf8' });
    ws.client({ type: 'resize', cols: 100, rows: 30 });
    ws.client({ type: 'signal', name: 'INT' });
    expect(Buffer.concat(proc.written).toString()).toBe('ls\n');
    expect(proc.resized).toEqual([[100, 30]]);
    expect(proc.signals).toEqual(['INT']);
    proc.emitExit(0);
    expect(await session.finished).toEqual({ exitCode: 0, bytesIn: 3, bytesOut: 0 });
  });

  it('answers an invalid frame with an error frame in the guide schema and stays open', () => {
    const { ws, proc } = fixture();
    ws.client('{nope');
    expect(ws.sent).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({
          error: 'validation_error',
          code: 'INVALID_JSON',
          status: 400,
          request_id: 'req-1',
        }),
      },
    ]);
    expect(ws.closedWith).toBeNull();
    ws.client({ type: 'stdin', data: 'x' });
    expect(proc.written).toHaveLength(1);
  });

  it('reports a failed signal as an error frame', async () => {
    const { ws, proc } = fixture();
    proc.signalError = new ComposeError('SIGNAL_FAILED', 'Could not reach the process inside the container');
    ws.client({ type: 'signal', name: 'TERM' });
    await new Promise(setImmediate);
    expect(ws.sent[0]).toMatchObject({ type: 'error', error: { code: 'SIGNAL_FAILED', error: 'compose_error' } });
  });

  it('joins output read in one event-loop turn into one frame, the stream order kept', async () => {
    const { ws, proc } = fixture();
    proc.emitOutput('stdout', 'a');
    proc.emitOutput('stdout', 'b');
    proc.emitOutput('stderr', 'c');
    // The change of stream sent the stdout batch; stderr waits for the end of the turn.
    expect(ws.sent).toEqual([{ type: 'stdout', data: 'ab', encoding: 'utf8' }]);
    await new Promise(setImmediate);
    expect(ws.sent).toEqual([
      { type: 'stdout', data: 'ab', encoding: 'utf8' },
      { type: 'stderr', data: 'c', encoding: 'utf8' },
    ]);
  });

  it('sends all output, then a held-back partial character, then exit, then closes with 1000', async () => {
    const { ws, proc, session } = fixture();
    const smile = Buffer.from('😀');
    proc.emitOutput('stdout', Buffer.concat([Buffer.from('hi '), smile.subarray(0, 2)]));
    await new Promise(setImmediate); // a read of its own: its frame goes out before the next read
    proc.emitOutput('stdout', smile.subarray(2));
    proc.emitOutput('stderr', 'oops');
    proc.emitOutput('stdout', Buffer.from([0xe4]));
    proc.emitExit(3);
    expect(ws.sent).toEqual([
      { type: 'stdout', data: 'hi ', encoding: 'utf8' },
      { type: 'stdout', data: '😀', encoding: 'utf8' },
      { type: 'stderr', data: 'oops', encoding: 'utf8' },
      { type: 'stdout', data: Buffer.from([0xe4]).toString('base64'), encoding: 'base64' },
      { type: 'exit', code: 3 },
    ]);
    expect((await session.finished).bytesOut).toBe(3 + 4 + 4 + 1);
    expect(ws.closedWith).toBe(1000);
  });

  it('output=binary: output as binary messages, stream byte first, bytes untouched; exit stays JSON after them', async () => {
    const { ws, proc, session } = fixture({ binaryOutput: true });
    const smile = Buffer.from('😀');
    proc.emitOutput('stdout', Buffer.concat([Buffer.from('hi '), smile.subarray(0, 2)]));
    await new Promise(setImmediate);
    proc.emitOutput('stderr', Buffer.from([0xff, 0x00, 0xfe]));
    proc.emitExit(0);
    await session.finished;
    expect(ws.binary).toEqual([
      [1, Buffer.concat([Buffer.from('hi '), smile.subarray(0, 2)])],
      [2, Buffer.from([0xff, 0x00, 0xfe])],
    ]);
    expect(ws.sent).toEqual([{ type: 'exit', code: 0 }]);
    expect((await session.finished).bytesOut).toBe(5 + 3);
  });

  it('pauses the process while the socket is backed up and resumes once it drained', async () => {
    const { ws, proc } = fixture({ highWaterMark: 1000, lowWaterMark: 100 });
    ws.bufferedAmount = 1500;
    proc.emitOutput('stdout', 'x'.repeat(700));
    await new Promise((resolve) => setTimeout(resolve, 20)); // a busy socket: output waits a few ms for more
    expect(proc.paused).toBe(true);
    proc.emitOutput('stdout', 'x'.repeat(800));
    await new Promise((resolve) => setTimeout(resolve, 20));
    ws.bufferedAmount = 500;
    ws.flushes.shift()?.();
    expect(proc.paused).toBe(true);
    ws.bufferedAmount = 0;
    ws.flushes.shift()?.();
    expect(proc.paused).toBe(false);
  });

  it('ends the process on a close frame, and still reports its exit', async () => {
    const { ws, proc, session } = fixture();
    ws.client({ type: 'close' });
    expect(proc.terminations).toBe(1);
    proc.emitExit(129);
    expect(proc.terminations).toBe(2); // idempotent in real processes; also sweeps after a normal exit
    expect(ws.sent).toEqual([{ type: 'exit', code: 129 }]);
    await session.finished;
    expect(ws.closedWith).toBe(1000);
  });

  it('sweeps what the process left behind after a normal exit before the session counts as finished', async () => {
    const { proc, session } = fixture();
    proc.emitExit(0);
    expect(proc.terminations).toBe(1);
    await expect(session.finished).resolves.toMatchObject({ exitCode: 0 });
  });

  it('closes the socket only once the sweep is done, so a client that sees the close finds the slot free', async () => {
    const { ws, proc, session } = fixture();
    let sweepDone: () => void = () => undefined;
    proc.swept = new Promise((resolve) => (sweepDone = resolve));
    proc.emitExit(0);
    expect(ws.sent).toEqual([{ type: 'exit', code: 0 }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ws.closedWith).toBeNull();
    sweepDone();
    await session.finished;
    expect(ws.closedWith).toBe(1000);
  });

  it('ends the process when the socket goes away, once', () => {
    const { ws, proc } = fixture();
    ws.emit('close');
    ws.emit('close');
    expect(proc.terminations).toBe(1);
  });

  it('terminates a client that stops answering pings', () => {
    jest.useFakeTimers();
    const { ws, proc } = fixture({ heartbeatMs: 15_000 });
    jest.advanceTimersByTime(15_000);
    expect(ws.pings).toBe(1);
    ws.emit('pong');
    jest.advanceTimersByTime(15_000);
    expect(ws.terminated).toBe(false);
    jest.advanceTimersByTime(15_000);
    expect(ws.terminated).toBe(true);
    expect(proc.terminations).toBe(1);
  });

  it('closes with 1001 on shutdown after the exit frame', async () => {
    const { ws, proc, session } = fixture();
    const done = session.shutdown();
    expect(proc.terminations).toBeGreaterThanOrEqual(1);
    proc.emitExit(129);
    await done;
    expect(ws.sent).toEqual([{ type: 'exit', code: 129 }]);
    expect(ws.closedWith).toBe(1001);
  });

  it('delivers a flood of signals one at a time, and finishes only once the delivery under way has ended', async () => {
    const { ws, proc, session } = fixture();
    let delivered: () => void = () => undefined;
    proc.signalGate = new Promise((resolve) => (delivered = resolve));
    for (let i = 0; i < 150; i += 1) ws.client({ type: 'signal', name: 'WINCH' });
    ws.client({ type: 'signal', name: 'INT' });
    expect(proc.signals).toEqual(['WINCH']);
    proc.emitExit(0);
    await new Promise(setImmediate);
    expect(ws.closedWith).toBeNull(); // the slot is held while a signal process still runs
    delivered();
    await session.finished;
    expect(proc.signals).toEqual(['WINCH']); // what waited was dropped at the end
    expect(ws.closedWith).toBe(1000);
  });

  it('stops reading the socket while the process does not take its input, and reads again once it did', () => {
    const { ws, proc } = fixture();
    proc.input.holding = true;
    ws.client({ type: 'stdin', data: 'x'.repeat(100 * 1024) });
    expect(ws.readingPaused).toBe(true);
    proc.input.takeAll();
    expect(ws.readingPaused).toBe(false);
  });

  it('closes with STDIN_QUEUE_FULL when a frame would queue more than the cap', async () => {
    const { ws, proc, session } = fixture({ maxQueuedInput: 64 * 1024 });
    proc.input.holding = true;
    ws.client({ type: 'stdin', data: 'x'.repeat(40 * 1024) });
    ws.client({ type: 'stdin', data: 'x'.repeat(40 * 1024) });
    expect(ws.sent[0]).toMatchObject({
      type: 'error',
      error: { code: 'STDIN_QUEUE_FULL', error: 'validation_error', status: 413, details: { limit: 64 * 1024 } },
    });
    expect(proc.written).toHaveLength(1);
    expect(proc.terminations).toBe(1);
    expect(ws.readingPaused).toBe(false); // the client's close frame must get through
    proc.emitExit(137);
    expect((await session.finished).bytesIn).toBe(40 * 1024);
    expect(ws.closedWith).toBe(1000);
  });

  it('ends with STDIN_STALLED a session whose process took none of its input for a whole heartbeat', () => {
    jest.useFakeTimers();
    const { ws, proc } = fixture({ heartbeatMs: 15_000 });
    proc.input.holding = true;
    ws.client({ type: 'stdin', data: 'x'.repeat(100 * 1024) });
    jest.advanceTimersByTime(15_000); // ping; the pong waits behind the unread input
    jest.advanceTimersByTime(15_000);
    expect(ws.sent[0]).toMatchObject({
      type: 'error',
      error: { code: 'STDIN_STALLED', error: 'timeout', status: 408 },
    });
    expect(proc.terminations).toBe(1);
    expect(ws.readingPaused).toBe(false);
    expect(ws.terminated).toBe(false);
  });

  it('gives input paused just before a heartbeat a whole further heartbeat', () => {
    jest.useFakeTimers();
    const { ws, proc } = fixture({ heartbeatMs: 15_000 });
    proc.input.holding = true;
    jest.advanceTimersByTime(15_000); // ping sent; its pong will wait behind the input below
    ws.client({ type: 'stdin', data: 'x'.repeat(100 * 1024) });
    jest.advanceTimersByTime(15_000);
    expect(ws.sent).toEqual([]);
    expect(ws.terminated).toBe(false);
    expect(ws.pings).toBe(2);
    proc.input.takeAll();
    ws.emit('pong');
    jest.advanceTimersByTime(15_000);
    expect(ws.sent).toEqual([]);
    expect(proc.terminations).toBe(0);
  });

  it('reports an output stream that ended without an exit code as an error frame', () => {
    const { ws, proc } = fixture();
    proc.emitExit(null);
    expect(ws.sent[0]).toMatchObject({ type: 'error', error: { code: 'OUTPUT_STREAM_ENDED' } });
  });
});
