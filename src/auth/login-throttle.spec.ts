import { fakeConfig } from '../../test/support/fake-config';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  const setup = (values: Record<string, number> = {}) => {
    const clock = { now: 1_000_000 };
    const throttle = new LoginThrottle(
      fakeConfig({ authMaxFailures: 3, authWindowMs: 60_000, authBackoffMaxMs: 8_000, ...values }),
      () => clock.now,
    );
    return { clock, throttle };
  };

  it('locks a key at the limit, then doubles the lock with each further wrong credential, up to the cap', () => {
    const { clock, throttle } = setup();
    throttle.recordFailure('1.2.3.4', 'admin');
    throttle.recordFailure('1.2.3.4', 'admin');
    expect(throttle.retryAfterS('1.2.3.4', 'admin')).toBe(0);
    const locks: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      throttle.recordFailure('1.2.3.4', 'admin');
      locks.push(throttle.retryAfterS('1.2.3.4', 'admin'));
      clock.now += locks[i]! * 1000;
      expect(throttle.retryAfterS('1.2.3.4', 'admin')).toBe(0);
    }
    expect(locks).toEqual([1, 2, 4, 8, 8, 8]);
  });

  it('keeps keys apart: another user name or another address is not locked', () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i += 1) throttle.recordFailure('1.2.3.4', 'admin');
    expect(throttle.retryAfterS('1.2.3.4', 'admin')).toBe(1);
    expect(throttle.retryAfterS('1.2.3.4', 'other')).toBe(0);
    expect(throttle.retryAfterS('5.6.7.8', 'admin')).toBe(0);
  });

  it('forgets a key quiet for the window after its lock, and after a success', () => {
    const { clock, throttle } = setup({ authWindowMs: 10_000 });
    for (let i = 0; i < 5; i += 1) throttle.recordFailure('a', 'u');
    expect(throttle.retryAfterS('a', 'u')).toBe(4);
    clock.now += 4_000 + 9_000;
    throttle.recordFailure('a', 'u');
    expect(throttle.retryAfterS('a', 'u')).toBe(8);
    clock.now += 8_000 + 10_000;
    throttle.recordFailure('a', 'u');
    expect(throttle.retryAfterS('a', 'u')).toBe(0);
    throttle.recordFailure('a', 'u');
    throttle.recordSuccess('a', 'u');
    throttle.recordFailure('a', 'u');
    throttle.recordFailure('a', 'u');
    expect(throttle.retryAfterS('a', 'u')).toBe(0);
  });
});
