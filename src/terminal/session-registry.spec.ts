import { fakeConfig } from '../../test/support/fake-config';
import { UnavailableError } from '../common/errors/app-error';
import { SessionRegistry } from './session-registry';
import { SessionLimitError } from './terminal-errors';

const registry = (total: number, perContainer: number) =>
  new SessionRegistry(
    fakeConfig({ terminalMaxSessions: total, terminalMaxSessionsPerContainer: perContainer, shutdownGraceMs: 1000 }),
  );

describe('SessionRegistry', () => {
  it('enforces the per-container and total limits, and frees places on release', () => {
    const r = registry(3, 2);
    const a1 = r.reserve('a');
    r.reserve('a');
    expect(() => r.reserve('a')).toThrow(expect.objectContaining({ code: 'TOO_MANY_CONTAINER_SESSIONS' }));
    r.reserve('b');
    expect(() => r.reserve('c')).toThrow(SessionLimitError);
    a1.release();
    a1.release();
    expect(r.size).toBe(2);
    expect(() => r.reserve('c')).not.toThrow();
  });

  it('frees the container place of an ending session at once, and its total place only on release', () => {
    const r = registry(3, 1);
    const a = r.reserve('a');
    expect(() => r.reserve('a')).toThrow(expect.objectContaining({ code: 'TOO_MANY_CONTAINER_SESSIONS' }));
    a.ending();
    a.ending();
    expect(r.openOn('a')).toBe(0);
    const again = r.reserve('a');
    expect(r.openOn('a')).toBe(1);
    r.reserve('b');
    // Still swept, the ending session holds its total place: sweeps stay bounded by TERMINAL_MAX_SESSIONS.
    expect(() => r.reserve('c')).toThrow(expect.objectContaining({ code: 'TOO_MANY_TERMINAL_SESSIONS' }));
    a.release();
    expect(r.openOn('a')).toBe(1);
    expect(() => r.reserve('c')).not.toThrow();
    again.release();
    expect(r.openOn('a')).toBe(0);
  });

  it('shuts every attached session down and refuses new ones meanwhile', async () => {
    const r = registry(10, 10);
    const shutdown = jest.fn().mockResolvedValue(undefined);
    r.reserve('a').attach({ shutdown });
    r.reserve('b').attach({ shutdown });
    await r.beforeApplicationShutdown();
    expect(shutdown).toHaveBeenCalledTimes(2);
    expect(() => r.reserve('a')).toThrow(UnavailableError);
  });

  it('waits at most half the shutdown grace for a session that hangs', async () => {
    jest.useFakeTimers();
    const r = registry(10, 10);
    r.reserve('a').attach({ shutdown: () => new Promise(() => undefined) });
    let done = false;
    void r.beforeApplicationShutdown().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    jest.useRealTimers();
  });
});
