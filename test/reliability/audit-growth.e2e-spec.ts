import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { basicAuth } from '../support/e2e-app';
import { spawnService } from '../support/service-process';

const MAX_BYTES = 8192;

type Line = Record<string, unknown>;

const readLines = (file: string): Line[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line)
    : [];

/** Every audit file, oldest first: .3, .2, .1, then the live file. */
function auditTrail(logDir: string): { names: string[]; lines: Line[] } {
  const names = readdirSync(logDir)
    .filter((n) => n.startsWith('actions.jsonl'))
    .sort((a, b) => rank(b) - rank(a));
  return { names, lines: names.flatMap((n) => readLines(path.join(logDir, n))) };
}
const rank = (name: string): number => Number(name.split('.').at(-1)) || 0;

describe('reliability: anonymous requests cannot grow the audit log without bound', () => {
  it('collapses repeated failures from one address into counted entries and rotates by size', async () => {
    const service = await spawnService({
      AUDIT_MAX_BYTES: String(MAX_BYTES),
      AUDIT_MAX_FILES: '3',
      AUDIT_FAILURE_WINDOW_S: '1',
    });
    try {
      const anonymous = 300;
      for (let i = 0; i < anonymous; i += 1) {
        const res = await request(service.baseUrl)
          .get(`/containers?probe=${i}`)
          .set('Authorization', i % 3 === 0 ? basicAuth('mallory', `guess-${i}`) : '');
        expect([401, 429]).toContain(res.status); // mallory's guesses are throttled too
      }
      // The window ends: counted entries are written without anything else happening, and with the
      // first failure in full they account for every refused request in a handful of lines.
      const live = path.join(service.logDir, 'actions.jsonl');
      const failuresIn = (lines: Line[]) => lines.filter((l) => l.error === 'auth_error' || l.error === 'rate_limited');
      const counted = (lines: Line[]) =>
        failuresIn(lines).reduce((sum, l) => sum + (typeof l.count === 'number' ? l.count : 1), 0);
      for (let i = 0; i < 100 && counted(readLines(live)) < anonymous; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const early = readLines(live);
      expect(counted(early)).toBe(anonymous);
      const failures = failuresIn(early);
      expect(failures.length).toBeLessThan(20);
      expect(failures[0]).toMatchObject({ status: 401, code: expect.any(String), remote: '127.0.0.1' });
      const summaries = failures.filter((l) => l.action === 'auth.failures');
      expect(summaries[0]).toMatchObject({
        error: 'auth_error',
        code: 'REPEATED_AUTH_FAILURES',
        remote: '127.0.0.1',
        count: expect.any(Number),
        first_at: expect.any(String),
        last_at: expect.any(String),
        users: ['mallory'],
      });
      const codes = summaries.reduce<Record<string, number>>((acc, l) => {
        for (const [code, n] of Object.entries(l.codes as Record<string, number>)) acc[code] = (acc[code] ?? 0) + n;
        return acc;
      }, {});
      expect(Object.keys(codes).sort()).toEqual(['AUTH_REQUIRED', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS']);
      expect(Object.values(codes).reduce((a, b) => a + b, 0)).toBe(anonymous - 10);
      expect(JSON.stringify(early)).not.toContain('guess-');

      // Then more legitimate traffic (each line in full) than four files of AUDIT_MAX_BYTES hold.
      const legitimate = 200;
      for (let i = 0; i < legitimate; i += 1) {
        await service
          .http()
          .get('/containers')
          .set('X-Request-Id', `legit-${String(i).padStart(3, '0')}`)
          .expect(200);
      }
      service.child.kill('SIGTERM');
      await service.exited;

      const { names, lines } = auditTrail(service.logDir);
      expect(names).toEqual(['actions.jsonl.3', 'actions.jsonl.2', 'actions.jsonl.1', 'actions.jsonl']);
      for (const name of names) expect(statSync(path.join(service.logDir, name)).size).toBeLessThanOrEqual(MAX_BYTES);
      // Oldest to newest across .3 … live: the newest run of lines, unbroken and in order; the oldest were dropped.
      const ids = lines.map((l) => String(l.request_id));
      const legit = ids.filter((id) => id.startsWith('legit-'));
      expect(ids).toEqual(legit);
      const first = Number(legit[0]?.slice(6));
      expect(first).toBeGreaterThan(0);
      expect(legit).toEqual(
        Array.from({ length: legitimate - first }, (_, i) => `legit-${String(first + i).padStart(3, '0')}`),
      );
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
