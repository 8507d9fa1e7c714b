import type { OutputStream } from './frames';
import type { InContainer, Recorder } from './in-container';
import type { PtyHandle } from './pty-spawn';
import type { SignalName } from './signals';
import type { ProcessInput, TerminalProcess } from './terminal-process';

const LIVENESS_POLL_MS = 50;
const EXIT_AFTER_SWEEP_MS = 3_000;

export interface PtyProcessDeps {
  inContainer: InContainer;
  record: Recorder;
  /** Whether a local pid still runs; a seam for specs. */
  isAlive?: (pid: number) => boolean;
}

/** `shell` and `exec` modes: a pty running `docker compose exec`, its processes marked with the session id. */
export class PtyProcess implements TerminalProcess {
  private exited = false;
  private poll: NodeJS.Timeout | null = null;
  private terminating: Promise<void> | null = null;
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    private readonly pty: PtyHandle,
    private readonly cuid: string,
    private readonly sessionId: string,
    private readonly deps: PtyProcessDeps,
  ) {
    this.isAlive = deps.isAlive ?? pidAlive;
    pty.onExit(() => {
      this.exited = true;
      this.stopPoll();
    });
  }

  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void {
    this.pty.onData((data) => listener('stdout', typeof data === 'string' ? Buffer.from(data) : data));
  }

  onExit(listener: (code: number | null) => void): void {
    // docker reports a signalled process as 128+n itself; a signal here means the local CLI was killed.
    this.pty.onExit(({ exitCode, signal }) => listener(signal ? 128 + signal : exitCode));
  }

  get input(): ProcessInput {
    return this.pty.input;
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.pty.resize(cols, rows);
  }

  signal(name: SignalName): Promise<void> {
    return this.deps.inContainer.signalForeground(this.cuid, this.sessionId, name, this.deps.record);
  }

  /**
   * A paused pty is not read; once its child has exited, what it still holds is only kept for
   * PTY_DRAIN_LIMIT_MS (see keepOutputAtExit). So while paused we watch the CLI and resume as soon
   * as it is gone: its last output is at most a kernel buffer, which we then read and deliver before
   * the exit frame.
   */
  pause(): void {
    this.pty.pause();
    this.poll ??= setInterval(() => {
      if (!this.isAlive(this.pty.pid)) this.resume();
    }, LIVENESS_POLL_MS);
  }

  resume(): void {
    this.stopPoll();
    this.pty.resume();
  }

  /**
   * Ends every process of the session inside the container, background jobs included, and then the local
   * CLI if it is still there. Also called after a normal exit: a session leaves nothing running behind.
   */
  terminate(): Promise<void> {
    this.terminating ??= this.sweepAndWait();
    return this.terminating;
  }

  private async sweepAndWait(): Promise<void> {
    try {
      await this.deps.inContainer.sweep(this.cuid, this.sessionId, this.deps.record);
    } catch {
      // The container may be gone or stopping; the local CLI is still ended below.
    }
    if (this.exited) return;
    this.resume();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (!this.exited) this.pty.kill('SIGKILL');
        resolve();
      }, EXIT_AFTER_SWEEP_MS);
      this.pty.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private stopPoll(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
