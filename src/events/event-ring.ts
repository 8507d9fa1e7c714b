/**
 * The last `capacity` events, oldest overwritten first. Ids are consecutive, so the events after a
 * given id are found by arithmetic, not by a search.
 */
export class EventRing<T extends { id: number }> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[(this.head + this.count) % this.capacity] = item;
    if (this.count < this.capacity) this.count += 1;
    else this.head = (this.head + 1) % this.capacity;
  }

  oldestId(): number | null {
    return this.count === 0 ? null : this.items[this.head]!.id;
  }

  /** Items with an id above `afterId`, oldest first. */
  after(afterId: number): T[] {
    const oldest = this.oldestId();
    if (oldest === null) return [];
    const skip = Math.max(0, afterId - oldest + 1);
    const out: T[] = [];
    for (let i = skip; i < this.count; i += 1) out.push(this.items[(this.head + i) % this.capacity]!);
    return out;
  }
}
