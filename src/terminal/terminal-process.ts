import type { OutputStream } from './frames';
import type { SignalName } from './signals';

/** Where a session's stdin goes: bytes the process has not taken yet stay counted until it does. */
export interface ProcessInput {
  write(data: Buffer): void;
  /** Bytes accepted and not yet taken by the process. */
  readonly queuedBytes: number;
  /** Called each time everything queued has been taken, or dropped because the process is gone. */
  onDrained(listener: () => void): void;
}

/**
 * One running thing a socket talks to: a pty running `docker compose exec` (shell, exec) or the pipes
 * following boot.py (attach). The session speaks the protocol; this speaks to Docker.
 */
export interface TerminalProcess {
  /** Output bytes, in order. */
  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void;
  /** Called once, after the last output; `null` when there is no exit code to report. */
  onExit(listener: (code: number | null) => void): void;
  readonly input: ProcessInput;
  resize(cols: number, rows: number): void;
  signal(name: SignalName): Promise<void>;
  pause(): void;
  resume(): void;
  /**
   * Ends the session's processes (inside the container for pty modes; just the followers for attach,
   * which leaves boot.py running). onExit fires afterwards, within a bounded time.
   */
  terminate(): Promise<void>;
}
