import { fakeConfig } from '../../test/support/fake-config';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  it('blocks an address after the configured failures until the window passes', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(fakeConfig({ authMaxFailures: 3, authWindowMs: 60_000 }), () => now);
    throttle.recordFailure('1.2.3.4');
    throttle.recordFailure('1.2.3.4');
    expect(throttle.retryAfterS('1.2.3.4')).toBe(0);
    throttle.recordFailure('1.2.3.4');
    expect(throttle.retryAfterS('1.2.3.4')).toBe(60);
    expect(throttle.retryAfterS('5.6.7.8')).toBe(0);
    now += 61_000;
    expect(throttle.retryAfterS('1.2.3.4')).toBe(0);
  });

  it('forgets failures older than the window and after a success', () => {
    let now = 0;
    const throttle = new LoginThrottle(fakeConfig({ authMaxFailures: 2, authWindowMs: 1_000 }), () => now);
    throttle.recordFailure('a');
    now += 2_000;
    throttle.recordFailure('a');
    expect(throttle.retryAfterS('a')).toBe(0);
    throttle.recordSuccess('a');
    throttle.recordFailure('a');
    expect(throttle.retryAfterS('a')).toBe(0);
  });
});
