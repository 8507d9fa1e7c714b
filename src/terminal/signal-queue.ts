import type { SignalName } from './signals';

/**
 * Delivers a session's signals one at a time. Each delivery starts a `docker compose` process, so a
 * flood of frames must not start one each: while a delivery runs, later requests wait, and a signal
 * already waiting is not queued twice. At most one process runs and one of each signal name waits.
 */
export class SignalQueue {
  private readonly waiting: SignalName[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly deliver: (name: SignalName) => Promise<void>,
    private readonly failed: (err: unknown) => void,
  ) {}

  push(name: SignalName): void {
    if (this.closed || this.waiting.includes(name)) return;
    this.waiting.push(name);
    this.running ??= this.drain();
  }

  /** Drops what waits; resolves once the delivery under way (if any) is over. */
  close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    for (let name = this.waiting.shift(); name !== undefined; name = this.waiting.shift()) {
      try {
        await this.deliver(name);
      } catch (err) {
        this.failed(err);
      }
    }
    this.running = null;
  }
}
