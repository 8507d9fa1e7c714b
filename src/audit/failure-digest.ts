import { isoWithOffset } from '../common/time';
import type { AuditEntry } from './audit-entry';
import { AuditErrorCode } from './audit.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

/** Bounds memory under a spray from many addresses; past it, failures are simply written in full. */
const MAX_TRACKED_ADDRESSES = 10_000;
const MAX_USERS_LISTED = 10;
/** Occasional failures (a mistyped password) stay fully visible; only a flood is counted. */
const DEFAULT_FULL_PER_WINDOW = 10;

interface Digest {
  windowStart: number;
  written: number;
  count: number;
  firstAt: string | null;
  last: AuditEntry | null;
  codes: Record<string, number>;
  users: Set<string>;
}

/** A refused login: missing or wrong credentials (401) or the throttle (429). */
export function isFailedLogin(entry: AuditEntry): boolean {
  return (entry.error === 'auth_error' && entry.status === 401) || entry.code === CommonErrorCode.TOO_MANY_ATTEMPTS;
}

/**
 * Collapses repeated failed logins from one address: the first few of a window are written in
 * full, the rest are counted and written as one `auth.failures` entry per address when the window
 * ends (`count`, `first_at`, `last_at`, per-code counts, the user names tried). An address that
 * keeps failing gets only that one counted entry per window; one that stays quiet for a whole
 * window starts over.
 */
export class FailureDigest {
  private readonly byAddress = new Map<string, Digest>();

  constructor(
    private readonly windowMs: number,
    private readonly fullPerWindow = DEFAULT_FULL_PER_WINDOW,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the entry to write now, or null when it was counted into a digest. */
  offer(entry: AuditEntry): AuditEntry | null {
    if (!isFailedLogin(entry)) return entry;
    const address = entry.remote ?? 'unknown';
    let digest = this.byAddress.get(address);
    if (!digest) {
      if (this.byAddress.size >= MAX_TRACKED_ADDRESSES) return entry;
      digest = this.fresh(0);
      this.byAddress.set(address, digest);
    }
    if (digest.written < this.fullPerWindow) {
      digest.written += 1;
      return entry;
    }
    digest.count += 1;
    digest.firstAt ??= entry.timestamp;
    digest.last = entry;
    if (entry.code) digest.codes[entry.code] = (digest.codes[entry.code] ?? 0) + 1;
    if (entry.user !== null && digest.users.size < MAX_USERS_LISTED) digest.users.add(entry.user);
    return null;
  }

  /** Summaries of the windows that have ended; addresses quiet for a whole window are forgotten. */
  due(): AuditEntry[] {
    const now = this.now();
    const out: AuditEntry[] = [];
    for (const [address, digest] of this.byAddress) {
      if (now - digest.windowStart < this.windowMs) continue;
      const summary = this.summary(address, digest);
      if (summary) {
        out.push(summary);
        // Still flooding: the next window is counted from its first failure.
        this.byAddress.set(address, this.fresh(this.fullPerWindow));
      } else {
        this.byAddress.delete(address);
      }
    }
    return out;
  }

  /** Every pending summary, at once (shutdown). */
  drain(): AuditEntry[] {
    const out = [...this.byAddress].flatMap(([address, digest]) => this.summary(address, digest) ?? []);
    this.byAddress.clear();
    return out;
  }

  private fresh(written: number): Digest {
    return { windowStart: this.now(), written, count: 0, firstAt: null, last: null, codes: {}, users: new Set() };
  }

  private summary(address: string, digest: Digest): AuditEntry | null {
    const last = digest.last;
    if (!last || digest.count === 0) return null;
    return {
      timestamp: isoWithOffset(new Date(this.now())),
      request_id: last.request_id,
      user: last.user,
      remote: address,
      method: last.method,
      path: last.path,
      action: 'auth.failures',
      cuid: null,
      status: last.status,
      duration_ms: 0,
      error: 'auth_error',
      code: AuditErrorCode.REPEATED_AUTH_FAILURES,
      compose: [],
      count: digest.count,
      first_at: digest.firstAt,
      last_at: last.timestamp,
      codes: digest.codes,
      users: [...digest.users],
    };
  }
}
