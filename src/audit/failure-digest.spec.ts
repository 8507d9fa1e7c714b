import type { ErrorCode } from '../common/errors/error-codes';
import type { AuditEntry } from './audit-entry';
import { FailureDigest } from './failure-digest';

const failure = (remote: string, id: string, code: ErrorCode = 'INVALID_CREDENTIALS', status = 401): AuditEntry => ({
  timestamp: `t-${id}`,
  request_id: id,
  user: 'admin',
  remote,
  method: 'GET',
  path: '/healthz',
  action: null,
  cuid: null,
  status,
  duration_ms: 1,
  error: status === 429 ? 'rate_limited' : 'auth_error',
  code,
  compose: [],
});

describe('FailureDigest', () => {
  it('writes the first failure of an address, counts the rest and sums them up once per window', () => {
    const clock = { now: 0 };
    const digest = new FailureDigest(1_000, 1, () => clock.now);
    expect(digest.offer(failure('a', '1'))).toMatchObject({ request_id: '1' });
    expect(digest.offer(failure('a', '2'))).toBeNull();
    expect(digest.offer(failure('a', '3', 'TOO_MANY_ATTEMPTS', 429))).toBeNull();
    expect(digest.offer(failure('b', '4'))).toMatchObject({ request_id: '4' });
    expect(digest.due()).toEqual([]);
    clock.now = 1_000;
    expect(digest.due()).toEqual([
      expect.objectContaining({
        remote: 'a',
        action: 'auth.failures',
        error: 'auth_error',
        code: 'REPEATED_AUTH_FAILURES',
        count: 2,
        first_at: 't-2',
        last_at: 't-3',
        codes: { INVALID_CREDENTIALS: 1, TOO_MANY_ATTEMPTS: 1 },
        users: ['admin'],
        request_id: '3',
      }),
    ]);
    // Still hammering: counted into the next window, not written in full again.
    expect(digest.offer(failure('a', '5'))).toBeNull();
    clock.now = 2_000;
    expect(digest.due().map((e) => [e.remote, e.count])).toEqual([['a', 1]]);
    // Quiet for a whole window: forgotten, so the next failure is written in full.
    clock.now = 3_000;
    expect(digest.due()).toEqual([]);
    expect(digest.offer(failure('a', '6'))).toMatchObject({ request_id: '6' });
  });

  it('writes the first few failures of a window in full by default', () => {
    const digest = new FailureDigest(60_000);
    const written = Array.from({ length: 15 }, (_, i) => digest.offer(failure('a', String(i)))).filter(Boolean);
    expect(written).toHaveLength(10);
    expect(digest.drain().map((e) => e.count)).toEqual([5]);
  });

  it('passes every other entry through untouched and drains pending counts at shutdown', () => {
    const digest = new FailureDigest(60_000, 1);
    const ok = { ...failure('a', 'ok'), status: 200, error: undefined, code: undefined };
    expect(digest.offer(ok)).toBe(ok);
    const origin = { ...failure('a', 'o', 'ORIGIN_NOT_ALLOWED', 403) };
    expect(digest.offer(origin)).toBe(origin);
    digest.offer(failure('a', '1'));
    digest.offer(failure('a', '2'));
    expect(digest.drain().map((e) => e.count)).toEqual([1]);
  });
});
