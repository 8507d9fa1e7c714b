import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';

/** Bounds memory; evicting the least recently failed key only ever forgets a guesser's history. */
const MAX_TRACKED_KEYS = 50_000;
const FIRST_LOCK_MS = 1_000;

interface Failures {
  count: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/**
 * Counts wrong credentials per (address, user name). The first AUTH_MAX_FAILURES - 1 are free;
 * from then on every wrong one locks that key, for 1 s, then 2 s, 4 s … up to AUTH_BACKOFF_MAX_S.
 * While locked the key is refused (429) without checking the password, so guessing stays slow;
 * refusals do not extend the lock. A key quiet for AUTH_WINDOW_S after its lock is forgotten.
 * Only wrong credentials count: a request without any cannot lock anybody out, and a guesser
 * aiming at one user name leaves other names (and, behind TRUSTED_PROXIES, other clients) alone.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxLockMs: number;

  constructor(
    config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.maxFailures = config.authMaxFailures;
    this.windowMs = config.authWindowMs;
    this.maxLockMs = config.authBackoffMaxMs;
  }

  /** Seconds the key must still wait, or 0 when it may try. */
  retryAfterS(address: string, user: string): number {
    const entry = this.failures.get(keyOf(address, user));
    if (!entry) return 0;
    const wait = entry.lockedUntil - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  recordFailure(address: string, user: string): void {
    const key = keyOf(address, user);
    const now = this.now();
    const previous = this.failures.get(key);
    const entry =
      previous && !this.forgotten(previous, now) ? previous : { count: 0, lastFailureAt: 0, lockedUntil: 0 };
    entry.count += 1;
    entry.lastFailureAt = now;
    const beyond = entry.count - this.maxFailures;
    if (beyond >= 0) entry.lockedUntil = now + Math.min(FIRST_LOCK_MS * 2 ** Math.min(beyond, 30), this.maxLockMs);
    // Re-inserting keeps the map in least-recently-failed order for eviction.
    this.failures.delete(key);
    this.failures.set(key, entry);
    this.evictOldest();
  }

  recordSuccess(address: string, user: string): void {
    this.failures.delete(keyOf(address, user));
  }

  private forgotten(entry: Failures, now: number): boolean {
    return now - Math.max(entry.lastFailureAt, entry.lockedUntil) >= this.windowMs;
  }

  private evictOldest(): void {
    while (this.failures.size > MAX_TRACKED_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) return;
      this.failures.delete(oldest);
    }
  }
}

function keyOf(address: string, user: string): string {
  return `${address}\u0000${user}`;
}
