import type { EngineStream } from '../compose/engine-stream';
import type { OutputStream } from './frames';
import type { SignalName } from './signals';
import { streamInput } from './stream-input';
import type { ProcessInput, TerminalProcess } from './terminal-process';

export interface AttachDeps {
  /** The container's log, followed: boot.py's recent output, then live, ending when it stops. */
  logs: EngineStream;
  /** An attach to the main process's stdin only (the container has stdin_open). */
  attach: EngineStream;
  /** The container's exit code once stopped, or null if it still runs. */
  exitCode: () => Promise<number | null>;
  signal: (name: SignalName) => Promise<void>;
}

/**
 * `attach` mode. Output comes from the followed log, which replays the recent past and then follows
 * without a gap, keeping stdout and stderr apart; stdin goes through an attach that asks for no
 * output. There is no pty, so resize does nothing.
 */
export class AttachProcess implements TerminalProcess {
  readonly input: ProcessInput;
  private detached = false;

  constructor(private readonly deps: AttachDeps) {
    deps.attach.discardOutput();
    this.input = streamInput(deps.attach.input);
  }

  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void {
    this.deps.logs.onOutput(listener);
  }

  onExit(listener: (code: number | null) => void): void {
    // The log ends when the container stops; the stdin attach (which has no output to end) is closed then.
    void this.deps.logs.closed
      .then(() => {
        this.deps.attach.destroy();
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
    this.deps.logs.pause();
  }

  resume(): void {
    this.deps.logs.resume();
  }

  /** Detaches: boot.py keeps running, only our two connections end. */
  async terminate(): Promise<void> {
    if (!this.deps.logs.isClosed) {
      this.detached = true;
      this.deps.logs.destroy();
    }
    this.deps.attach.destroy();
    await this.deps.logs.closed;
  }
}
