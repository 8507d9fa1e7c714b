import type { ChildProcess } from 'node:child_process';
import type { OutputStream } from './frames';
import { streamInput } from './stream-input';
import type { ProcessInput, TerminalProcess } from './terminal-process';
import type { SignalName } from './signals';

export interface PipeDeps {
  signal: (name: SignalName) => Promise<void>;
  sweep: () => Promise<void>;
}

/**
 * `exec` with `tty=false`: `docker compose exec -T` on plain pipes. Output is byte-exact (no pty line
 * discipline turning \n into \r\n), stdout and stderr stay apart, and it streams at pipe speed.
 */
export class PipeProcess implements TerminalProcess {
  readonly input: ProcessInput;
  private readonly closed: Promise<number | null>;
  private terminating: Promise<void> | null = null;

  constructor(
    private readonly child: ChildProcess,
    private readonly deps: PipeDeps,
  ) {
    this.input = streamInput(child.stdin);
    this.closed = new Promise((resolve) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve(signal ? null : code));
      child.once('error', () => resolve(null));
    });
  }

  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void {
    this.child.stdout?.on('data', (chunk: Buffer) => listener('stdout', chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => listener('stderr', chunk));
  }

  onExit(listener: (code: number | null) => void): void {
    // 'close' comes after both pipes ended, so the last output is always in before the exit.
    void this.closed.then((code) => listener(code ?? 137));
  }

  resize(): void {
    // No pty: nothing to resize.
  }

  signal(name: SignalName): Promise<void> {
    return this.deps.signal(name);
  }

  pause(): void {
    this.child.stdout?.pause();
    this.child.stderr?.pause();
  }

  resume(): void {
    this.child.stdout?.resume();
    this.child.stderr?.resume();
  }

  terminate(): Promise<void> {
    this.terminating ??= this.deps
      .sweep()
      .catch(() => undefined)
      .then(() => {
        this.resume();
        if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
      })
      .then(() => this.closed.then(() => undefined));
    return this.terminating;
  }
}
