/**
 * Which node owns which cuid, as last learnt from peers' listings, creates and lookups. Bounded: the
 * oldest entries go first; a miss only costs one fan-out.
 */
export class OwnerCache {
  private readonly owners = new Map<string, string>();

  constructor(private readonly maxEntries = 200_000) {}

  get(cuid: string): string | undefined {
    return this.owners.get(cuid);
  }

  set(cuid: string, node: string): void {
    this.owners.delete(cuid);
    this.owners.set(cuid, node);
    if (this.owners.size > this.maxEntries) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
  }

  forget(cuid: string): void {
    this.owners.delete(cuid);
  }

  /** Replaces what is known of one node's containers (a fresh full listing of it). */
  replaceNode(node: string, cuids: Iterable<string>): void {
    const fresh = new Set(cuids);
    for (const [cuid, owner] of this.owners) if (owner === node && !fresh.has(cuid)) this.owners.delete(cuid);
    for (const cuid of fresh) this.set(cuid, node);
  }
}
