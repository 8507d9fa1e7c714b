import { useEffect, useState } from 'preact/hooks';

/** A tiny observable: components re-render when it says it changed. */
export class Observable {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    for (const listener of this.listeners) listener();
  }
}

export function useObservable(source: Observable): void {
  const [, setVersion] = useState(0);
  useEffect(() => source.subscribe(() => setVersion((v) => v + 1)), [source]);
}
