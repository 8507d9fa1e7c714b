/** A mistake in the command line itself: exit code 2, nothing was sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, api: 1, usage: 2, connection: 3 } as const;
