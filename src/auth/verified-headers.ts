import { hash, timingSafeEqual } from 'node:crypto';

/** A handful: the spellings one client population uses for the one configured credential. */
const MAX_KEPT = 8;

// One-shot: no Hash object per request (every request of a keep-alive client digests its header).
const digest = (header: string): Buffer => hash('sha256', header, 'buffer');

/**
 * Authorization headers that passed the full credential check, kept as SHA-256 digests (never the
 * header: it holds the password) so a client repeating one costs one hash instead of the strategy.
 * Every lookup compares against every kept digest in constant time, so how long it takes says
 * nothing about which (or whether any) matched. The credential is fixed for the process's life, so
 * a header that passed once stays right.
 */
export class VerifiedHeaders {
  private readonly kept: { digest: Buffer; user: string }[] = [];

  /** The user the header was verified as, or null when it never passed. */
  userOf(header: string): string | null {
    if (header === '') return null;
    const candidate = digest(header);
    let user: string | null = null;
    for (const known of this.kept) if (timingSafeEqual(known.digest, candidate)) user = known.user;
    return user;
  }

  add(header: string, user: string): void {
    if (header === '' || this.userOf(header) !== null) return;
    this.kept.unshift({ digest: digest(header), user });
    this.kept.length = Math.min(this.kept.length, MAX_KEPT);
  }
}
