import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';

const MAX_TRACKED_ADDRESSES = 10_000;

interface Failures {
  times: number[];
  blockedUntil: number;
}

/**
 * Counts failed logins per remote address in a sliding window; past the limit the address is
 * refused (429) until the window has passed, even with the right password, so guessing stays slow.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.maxFailures = config.authMaxFailures;
    this.windowMs = config.authWindowMs;
  }

  /** Seconds the address must still wait, or 0 when it may try. */
  retryAfterS(address: string): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const wait = entry.blockedUntil - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  recordFailure(address: string): void {
    const now = this.now();
    const entry = this.failures.get(address) ?? { times: [], blockedUntil: 0 };
    entry.times = entry.times.filter((t) => now - t < this.windowMs);
    entry.times.push(now);
    if (entry.times.length >= this.maxFailures) entry.blockedUntil = now + this.windowMs;
    this.failures.delete(address);
    this.failures.set(address, entry);
    this.evictOldest();
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private evictOldest(): void {
    while (this.failures.size > MAX_TRACKED_ADDRESSES) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) return;
      this.failures.delete(oldest);
    }
  }
}
