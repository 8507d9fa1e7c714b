import type { ContainerEngine, StartedExec } from '../compose/container-engine';
import type { OutputStream } from './frames';
import type { SignalName } from './signals';
import { streamInput } from './stream-input';
import type { ProcessInput, TerminalProcess } from './terminal-process';

/** How long the stream may stay open once every process of the session was swept. */
const CLOSE_AFTER_SWEEP_MS = 3_000;
/** A resize the engine failed (a busy engine, a reset connection) is asked again, a few times, spaced. */
const RESIZE_TRIES = 4;
const RESIZE_RETRY_MS = 250;

export interface ExecDeps {
  engine: Pick<ContainerEngine, 'resizeExec' | 'execExitCode'>;
  signal: (name: SignalName) => Promise<void>;
  sweep: () => Promise<void>;
}

/**
 * `shell` and `exec` modes: one engine exec on its own hijacked connection. With a tty the pty is the
 * container's (the engine's), the stream is raw and resizes go to the engine; without one, stdout and
 * stderr arrive multiplexed, byte-exact. The stream closes after the last output, so the exit code is
 * asked only then.
 */
export class ExecProcess implements TerminalProcess {
  readonly input: ProcessInput;
  private readonly exitCode: Promise<number | null>;
  private terminating: Promise<void> | null = null;
  private wantedSize: { cols: number; rows: number } | null = null;
  private resizing = false;

  constructor(
    private readonly exec: StartedExec,
    private readonly tty: boolean,
    private readonly deps: ExecDeps,
  ) {
    this.input = streamInput(exec.stream.input);
    this.exitCode = exec.stream.closed.then(() => deps.engine.execExitCode(exec.id)).catch(() => null);
  }

  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void {
    this.exec.stream.onOutput(listener);
  }

  onExit(listener: (code: number | null) => void): void {
    void this.exitCode.then(listener);
  }

  /**
   * One resize call to the engine at a time; sizes asked meanwhile collapse into the latest, so a
   * flood of resize frames costs a handful of requests.
   */
  resize(cols: number, rows: number): void {
    if (!this.tty) return;
    this.wantedSize = { cols, rows };
    if (!this.resizing) void this.applySizes();
  }

  signal(name: SignalName): Promise<void> {
    return this.deps.signal(name);
  }

  pause(): void {
    this.exec.stream.pause();
  }

  resume(): void {
    this.exec.stream.resume();
  }

  /**
   * Ends every process of the session inside the container, background jobs included, then the
   * connection if the engine still holds it open. Also called after a normal exit: a session leaves
   * nothing running behind.
   */
  terminate(): Promise<void> {
    this.terminating ??= this.sweepAndClose();
    return this.terminating;
  }

  private async sweepAndClose(): Promise<void> {
    try {
      await this.deps.sweep();
    } catch {
      // The container may be gone or stopping; the connection is still closed below.
    }
    const stream = this.exec.stream;
    if (stream.isClosed) return;
    // Read on: the last output before the end still reaches the client, and the end is seen.
    stream.resume();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stream.closed, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_AFTER_SWEEP_MS)))]);
    clearTimeout(timer);
    stream.destroy();
    await stream.closed;
  }

  private async applySizes(): Promise<void> {
    this.resizing = true;
    for (let size = this.wantedSize; size && !this.exec.stream.isClosed; size = this.wantedSize) {
      this.wantedSize = null;
      await this.applySize(size);
    }
    this.resizing = false;
  }

  /** A lost resize leaves the pty at the old size for good, so a failure is retried unless a newer size came. */
  private async applySize(size: { cols: number; rows: number }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.engine.resizeExec(this.exec.id, size.cols, size.rows);
        return;
      } catch {
        if (attempt >= RESIZE_TRIES || this.wantedSize || this.exec.stream.isClosed) return;
        await new Promise((resolve) => setTimeout(resolve, RESIZE_RETRY_MS * attempt));
      }
    }
  }
}
