/** Requests of this process that are running a key now, so a repeat can wait for the answer. */
export class InflightKeys {
  private readonly running = new Map<string, { done: Promise<void>; finish: () => void }>();

  /** Marks the key as running; the returned function marks it finished (idempotent). */
  start(id: string): () => void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const entry = { done, finish: () => finish() };
    this.running.set(id, entry);
    return () => {
      if (this.running.get(id) === entry) this.running.delete(id);
      entry.finish();
    };
  }

  /** Resolves true when the key's run has finished, false after `ms`. */
  async wait(id: string, ms: number): Promise<boolean> {
    const entry = this.running.get(id);
    if (!entry) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([entry.done.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
