import type { ChildProcess } from 'node:child_process';
import { killGroup } from '../compose/process-runner';
import type { OutputStream } from './frames';
import type { SignalName } from './signals';
import { streamInput } from './stream-input';
import type { ProcessInput, TerminalProcess } from './terminal-process';

const ATTACH_GRACE_MS = 5_000;

export interface AttachDeps {
  /** `docker logs --follow --tail N <id>`: boot.py's recent output, then live, ending when it stops. */
  logs: ChildProcess;
  /** `docker attach --sig-proxy=false <id>`: only its stdin is used (the container has stdin_open). */
  attach: ChildProcess;
  /** The container's exit code once stopped, or null if it still runs. */
  exitCode: () => Promise<number | null>;
  signal: (name: SignalName) => Promise<void>;
}

/**
 * `attach` mode. Output comes from `docker logs --follow`, which replays the recent past and then
 * follows without a gap, keeping stdout and stderr apart; stdin goes through `docker attach`, whose
 * own copy of the output is discarded. Neither process is on a pty, so resize does nothing.
 */
export class AttachProcess implements TerminalProcess {
  readonly input: ProcessInput;
  private readonly logsClosed: Promise<void>;
  private readonly attachClosed: Promise<void>;
  private detached = false;

  constructor(private readonly deps: AttachDeps) {
    this.logsClosed = closed(deps.logs);
    this.attachClosed = closed(deps.attach);
    deps.attach.stdout?.resume();
    deps.attach.stderr?.resume();
    this.input = streamInput(deps.attach.stdin);
  }

  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void {
    this.deps.logs.stdout?.on('data', (chunk: Buffer) => listener('stdout', chunk));
    this.deps.logs.stderr?.on('data', (chunk: Buffer) => listener('stderr', chunk));
  }

  onExit(listener: (code: number | null) => void): void {
    void this.logsClosed
      .then(() => withTimeout(this.attachClosed, ATTACH_GRACE_MS))
      .then(() => {
        if (running(this.deps.attach)) killGroup(this.deps.attach, 'SIGKILL');
        return this.detached ? null : this.deps.exitCode();
      })
      .catch(() => null)
      .then(listener);
  }

  resize(): void {
    // Not a pty: nothing to resize.
  }

  signal(name: SignalName): Promise<void> {
    return this.deps.signal(name);
  }

  pause(): void {
    this.deps.logs.stdout?.pause();
    this.deps.logs.stderr?.pause();
  }

  resume(): void {
    this.deps.logs.stdout?.resume();
    this.deps.logs.stderr?.resume();
  }

  /** Detaches: boot.py keeps running, only our followers end. */
  async terminate(): Promise<void> {
    if (running(this.deps.logs)) {
      this.detached = true;
      this.resume();
      killGroup(this.deps.logs, 'SIGTERM');
    }
    if (running(this.deps.attach)) killGroup(this.deps.attach, 'SIGTERM');
    await this.logsClosed;
  }
}

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
