/**
 * Runs at most `width` tasks at once, in the order they were queued. Thousands of tasks can become
 * ready in one instant (every directory waiting on one parent); started together they would hold
 * the event loop for as long as it takes to issue them all.
 */
export class TaskSlots {
  private running = 0;
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(private readonly width: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.width) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Hands the slot to the next task waiting, if any. An index, not shift(): shift() is linear in the queue. */
  private release(): void {
    const next = this.waiting[this.head];
    if (!next) {
      this.running -= 1;
      return;
    }
    this.head += 1;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    }
    next();
  }
}
