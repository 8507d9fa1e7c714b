import { ApiError, ConnectionError } from './errors';

export interface AttemptFacts {
  method: string;
  /** The request carries an Idempotency-Key, so the service answers a repeat with the first answer. */
  hasKey: boolean;
  /** The body can be sent again (a buffer, a file, a stream factory). */
  replayable: boolean;
}

const MAX_RETRY_AFTER_S = 30;

/**
 * When a failed request may be sent again, and after how long. Sending again is safe when the service
 * said nothing happened (503: every write of this API answers an error only when it changed nothing;
 * 409 IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running), when no byte reached
 * it (connection refused), or when the request is a read. A write whose connection broke after it
 * was sent may have happened: it is repeated only with an Idempotency-Key, which makes the service
 * answer the repeat with the first answer instead of doing it twice.
 */
export class RetryPolicy {
  constructor(
    private readonly retries: number,
    private readonly baseDelayMs: number,
  ) {}

  /** Milliseconds to wait before attempt number `next` (1 = first retry), or null: do not retry. */
  delayBefore(next: number, err: unknown, facts: AttemptFacts): number | null {
    if (next > this.retries || !facts.replayable || !this.mayRetry(err, facts)) return null;
    if (err instanceof ApiError && err.retryAfterS !== null) return Math.min(err.retryAfterS, MAX_RETRY_AFTER_S) * 1000;
    return this.baseDelayMs * 2 ** (next - 1);
  }

  private mayRetry(err: unknown, facts: AttemptFacts): boolean {
    if (err instanceof ApiError) return err.status === 503 || err.code === 'IDEMPOTENCY_IN_PROGRESS';
    if (err instanceof ConnectionError) {
      if (err.code === 'ABORTED') return false;
      return err.beforeSending || facts.method === 'GET' || facts.hasKey;
    }
    return false;
  }
}
