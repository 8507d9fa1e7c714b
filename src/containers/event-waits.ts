import type { DockerContainerEvent } from './docker-event';

/** How many recent events an operation can still find after it returns (far more than one burst). */
const RECENT = 256;

interface Seen {
  seq: number;
  cuid: string | null;
  action: string;
}

interface Waiter extends Omit<Seen, 'seq'> {
  after: number;
  done: (seen: boolean) => void;
}

/**
 * Lets an operation wait for the `docker events` line its compose command causes (the `start` of
 * an `up`), so its answer comes from the stream instead of one more `docker inspect`. Events are
 * numbered as they arrive; an operation takes the number before its command and waits for a
 * matching event numbered after it — one that came while the command ran included.
 */
export class EventWaits {
  private seq = 0;
  private readonly recent: Seen[] = [];
  private readonly waiters = new Set<Waiter>();

  /** The number of the last event received: later events are news to an operation starting now. */
  get mark(): number {
    return this.seq;
  }

  /** Numbers one received event and wakes whoever waited for it; returns its number. */
  received(event: DockerContainerEvent): number {
    this.seq += 1;
    const seen = { seq: this.seq, cuid: event.cuid, action: event.action };
    this.recent.push(seen);
    if (this.recent.length > RECENT) this.recent.shift();
    for (const waiter of this.waiters) if (matches(waiter, seen)) waiter.done(true);
    return this.seq;
  }

  /** True once project `cuid` had `action` after `after`; false after `timeoutMs` or at cancelAll(). */
  waitFor(cuid: string, action: string, after: number, timeoutMs: number): Promise<boolean> {
    const wanted = { cuid, action, after };
    if (this.recent.some((seen) => matches(wanted, seen))) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      const waiter: Waiter = {
        ...wanted,
        done: (seen) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(seen);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** The stream broke: nothing more will come, so nobody waits for the timeout. */
  cancelAll(): void {
    for (const waiter of this.waiters) waiter.done(false);
  }
}

function matches(wanted: { cuid: string | null; action: string; after: number }, seen: Seen): boolean {
  return seen.seq > wanted.after && seen.cuid === wanted.cuid && seen.action === wanted.action;
}
