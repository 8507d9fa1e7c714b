import { dueAction, idleStopAt, LifetimeFacts } from './deadlines';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const facts = (over: Partial<LifetimeFacts> = {}): LifetimeFacts => ({
  expiresAt: null,
  idleStopS: null,
  lastActivity: NOW - 60_000,
  status: 'running',
  openTerminals: 0,
  ...over,
});

describe('reaper deadlines', () => {
  it('does nothing without a lifetime', () => {
    expect(dueAction(facts(), NOW)).toBeNull();
  });

  it('expires at the deadline, not before, whatever the state', () => {
    expect(dueAction(facts({ expiresAt: NOW + 1 }), NOW)).toBeNull();
    expect(dueAction(facts({ expiresAt: NOW }), NOW)).toBe('expire');
    expect(dueAction(facts({ expiresAt: NOW - 3_600_000, status: 'stopped' }), NOW)).toBe('expire');
  });

  it('applies a deadline that passed long ago (while the service was down)', () => {
    expect(dueAction(facts({ idleStopS: 10, lastActivity: NOW - 86_400_000 }), NOW)).toBe('idle_stop');
  });

  it('stops a running container idle for idle_stop_s', () => {
    expect(dueAction(facts({ idleStopS: 61 }), NOW)).toBeNull();
    expect(dueAction(facts({ idleStopS: 60 }), NOW)).toBe('idle_stop');
    expect(dueAction(facts({ idleStopS: 60, status: 'paused' }), NOW)).toBe('idle_stop');
  });

  it('never idle-stops a container with an open terminal, or one that is not running', () => {
    expect(dueAction(facts({ idleStopS: 1, openTerminals: 1 }), NOW)).toBeNull();
    for (const status of ['created', 'stopped', 'dead'] as const) {
      expect(dueAction(facts({ idleStopS: 1, status }), NOW)).toBeNull();
    }
  });

  it('prefers expiry when both are due', () => {
    expect(dueAction(facts({ idleStopS: 1, expiresAt: NOW }), NOW)).toBe('expire');
  });

  it('places idle_stop_at idle_stop_s after the last activity', () => {
    expect(idleStopAt(null, NOW)).toBeNull();
    expect(idleStopAt(30, NOW)).toBe(NOW + 30_000);
  });
});
