import type { Request } from 'express';

/** Kept apart from the decorator, which imports the interceptor that reads them. */
export const IDEMPOTENT = 'idempotency:options';

export interface IdempotentOptions {
  /** The body is a raw stream (upload-zip): it is digested while the route reads it, never buffered. */
  streamedBody?: boolean;
  /** Makes an id for the first run to use (e.g. a create's cuid), recorded with the key before the route runs. */
  reserve?: () => string;
}

const RESERVED = Symbol('idempotency:reserved');

type WithReserved = Request & { [RESERVED]?: string | null };

export function setReserved(req: Request, id: string | null): void {
  (req as WithReserved)[RESERVED] = id;
}

export function reservedOf(req: Request): string | undefined {
  return (req as WithReserved)[RESERVED] ?? undefined;
}
