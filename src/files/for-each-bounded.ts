/**
 * Runs `task` over `items`, `width` at a time. The first failure aborts the tasks still running
 * (through `signal`) and stops new ones; it is thrown once every task has settled, so the caller
 * never cleans up under a task that is still writing.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  width: number,
  task: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await task(item, abort.signal);
      } catch (error) {
        failure ??= { error };
        abort.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failure) throw failure.error;
}
