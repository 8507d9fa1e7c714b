import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AuditLog } from '../src/audit/audit-log';
import { startApp, TestApp } from './support/e2e-app';

interface Entry {
  timestamp: string;
  request_id: string;
  user: string;
  cuid: string | null;
  action: string;
  status: number;
  error?: string;
  code?: string;
  [k: string]: unknown;
}

/** Entry i: a second after entry i-1; alice on even i, bob on odd; every tenth failed. */
function entry(i: number): Entry {
  const failed = i % 10 === 0;
  return {
    timestamp: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString().replace('Z', '+00:00'),
    request_id: `r${i}`,
    user: i % 2 === 0 ? 'alice' : 'bob',
    remote: '127.0.0.1',
    method: 'POST',
    path: '/containers/x/start',
    cuid: i % 3 === 0 ? 'cthree' : null,
    action: i % 4 === 0 ? 'container.stop' : 'container.start',
    status: failed ? 500 : 200,
    duration_ms: 1,
    ...(failed ? { error: 'compose_error', code: 'COMPOSE_FAILED' } : {}),
    compose: [],
  };
}

const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, k) => JSON.stringify(entry(from + k)) + '\n').join('');

describe('GET /audit (real app)', () => {
  let t: TestApp;
  let live: string;
  const all = Array.from({ length: 250 }, (_, i) => entry(i));

  beforeAll(async () => {
    t = await startApp();
    live = t.app.get(AuditLog).filePath;
  });
  afterAll(async () => {
    await t.close();
  });

  /** .2 holds 0–99, .1 holds 100–199, the live file 200–249. */
  async function seed(): Promise<void> {
    await t.app.get(AuditLog).flush();
    writeFileSync(`${live}.2`, lines(0, 100));
    writeFileSync(`${live}.1`, lines(100, 200));
    writeFileSync(live, lines(200, 250));
  }

  async function pageAll(query: string, limit: number, between?: (page: number) => void): Promise<Entry[]> {
    const out: Entry[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page += 1) {
      const res = await t
        .http()
        .get(`/audit?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      expect(res.body.entries.length).toBeLessThanOrEqual(limit);
      out.push(...(res.body.entries as Entry[]));
      cursor = res.body.next_cursor as string | null;
      if (!cursor) return out;
      between?.(page);
    }
    throw new Error('paging never ended');
  }

  const ids = (entries: Entry[]): string[] => entries.map((e) => e.request_id);
  const newestFirst = (pred: (e: Entry) => boolean): string[] => ids(all.filter(pred).reverse());

  it('pages newest first from the live file into the rotated ones, without repeats or gaps', async () => {
    await seed();
    expect(ids(await pageAll('user=alice', 7))).toEqual(newestFirst((e) => e.user === 'alice'));
    expect(ids(await pageAll('user=bob', 50))).toEqual(newestFirst((e) => e.user === 'bob'));
  });

  it('filters by cuid, action, status, error, since and until', async () => {
    const nonAdmin = (e: Entry) => e.user !== 'admin';
    expect(ids(await pageAll('cuid=cthree', 20))).toEqual(newestFirst((e) => e.cuid === 'cthree'));
    expect(ids(await pageAll('action=container.stop&user=bob', 20))).toEqual([]);
    expect(ids(await pageAll('action=container.stop', 20))).toEqual(newestFirst((e) => e.action === 'container.stop'));
    expect(ids(await pageAll('status=5xx&user=alice', 5))).toEqual(newestFirst((e) => e.status === 500));
    expect(ids(await pageAll('error=true&user=alice', 5))).toEqual(newestFirst((e) => e.error !== undefined));
    const since = entry(120).timestamp;
    const until = entry(210).timestamp;
    const inRange = await pageAll(`since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`, 16);
    expect(ids(inRange)).toEqual(
      newestFirst((e, i = Number(e.request_id.slice(1))) => nonAdmin(e) && i >= 120 && i <= 210),
    );
  });

  it('a cursor keeps its place when the files rotate between two pages', async () => {
    await seed();
    const got = await pageAll('user=alice', 10, (page) => {
      if (page !== 1) return;
      // What size-based rotation does: .2 → .3, .1 → .2, live → .1; the writer opens a new live file.
      renameSync(`${live}.2`, `${live}.3`);
      renameSync(`${live}.1`, `${live}.2`);
      renameSync(live, `${live}.1`);
    });
    expect(ids(got)).toEqual(newestFirst((e) => e.user === 'alice'));
    rmSync(`${live}.3`);
  });

  it('400 INVALID_CURSOR for a forged cursor, CURSOR_EXPIRED once its file is gone, INVALID_STATUS for junk', async () => {
    await seed();
    const forged = await t.http().get('/audit?cursor=bm9wZQ').expect(400);
    expect(forged.body).toMatchObject({ error: 'validation_error', code: 'INVALID_CURSOR' });
    const first = await t.http().get('/audit?user=bob&limit=60').expect(200);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    rmSync(`${live}.1`);
    const expired = await t.http().get(`/audit?user=bob&cursor=${first.body.next_cursor}`).expect(400);
    expect(expired.body.code).toBe('CURSOR_EXPIRED');
    const bad = await t.http().get('/audit?status=abc').expect(400);
    expect(bad.body.code).toBe('INVALID_STATUS');
  });

  it('shows the requests that just finished first', async () => {
    await t.http().get('/containers').set('X-Request-Id', 'just-now').expect(200);
    const res = await t.http().get('/audit?user=admin&action=container.list&limit=1').expect(200);
    expect(res.body.entries[0]).toMatchObject({ request_id: 'just-now', action: 'container.list' });
    expect(path.basename(live)).toBe('actions.jsonl');
  });
});
