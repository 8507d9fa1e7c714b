import * as http from 'node:http';
import { createContainer, writeBootPy } from './support/containers';
import { startApp, TestApp } from './support/e2e-app';
import { openSse } from './support/sse-client';

// Prints to both outputs, then one numbered stdout line every 200 ms until told to stop.
const CHATTY_BOOT = [
  'import sys, time, os',
  'print("out-1", flush=True)',
  'print("err-1", file=sys.stderr, flush=True)',
  'print("out-2", flush=True)',
  'i = 0',
  'while not os.path.exists("/app/stop"):',
  '    i += 1',
  '    print(f"tick-{i}", flush=True)',
  '    time.sleep(0.2)',
  'print("bye", flush=True)',
  '',
].join('\n');

describe('GET /containers/:cuid/logs (real app, real Docker engine)', () => {
  let t: TestApp;
  let cuid: string;

  beforeAll(async () => {
    t = await startApp();
    cuid = await createContainer(t);
    writeBootPy(t, cuid, CHATTY_BOOT);
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    // Wait until boot.py has printed past its first lines.
    for (let i = 0; i < 100; i += 1) {
      const res = await t.http().get(`/containers/${cuid}/logs?stream=stdout`);
      if (res.text.includes('tick-2')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers text/plain with both outputs, or one of them byte for byte', async () => {
    const all = await t.http().get(`/containers/${cuid}/logs`).expect(200);
    expect(all.headers['content-type']).toBe('text/plain; charset=utf-8');
    // stdout and stderr reach Docker on separate pipes, so their relative order is not fixed.
    expect(all.text.split('\n')).toEqual(expect.arrayContaining(['err-1', 'out-1', 'out-2', 'tick-1']));
    const stderr = await t.http().get(`/containers/${cuid}/logs?stream=stderr`).expect(200);
    expect(stderr.text).toBe('err-1\n');
    const stdout = await t.http().get(`/containers/${cuid}/logs?stream=stdout`).expect(200);
    expect(stdout.text.startsWith('out-1\nout-2\ntick-1\n')).toBe(true);
    expect(stdout.text).not.toContain('err-1');
  });

  it('honours tail (counted over both outputs, as Docker does) and timestamps', async () => {
    const tail = await t.http().get(`/containers/${cuid}/logs?tail=1&timestamps=true`).expect(200);
    expect(tail.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick-\d+\n$/);
    // The engine reads stdout and stderr on separate pipes, so on a loaded machine err-1 can be logged
    // after the first ticks: wait for later ticks, so the last two lines of both outputs are stdout's.
    for (let i = 0; i < 100; i += 1) {
      const res = await t.http().get(`/containers/${cuid}/logs?stream=stdout&tail=1`);
      if (/tick-([4-9]|\d\d)/.test(res.text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const last2 = await t.http().get(`/containers/${cuid}/logs?stream=stdout&tail=2`).expect(200);
    expect(last2.text.trim().split('\n')).toEqual([
      expect.stringMatching(/^tick-\d+$/),
      expect.stringMatching(/^tick-\d+$/),
    ]);
  });

  it('honours since as an age, Unix seconds or an ISO time, and refuses a time that does not exist', async () => {
    const hour = await t.http().get(`/containers/${cuid}/logs?stream=stdout&since=1h`).expect(200);
    expect(hour.text.startsWith('out-1\n')).toBe(true);
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await t.http().get(`/containers/${cuid}/logs?since=${future}`).expect(200)).text).toBe('');
    const iso = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (
        await t
          .http()
          .get(`/containers/${cuid}/logs?since=${encodeURIComponent(iso)}`)
          .expect(200)
      ).text,
    ).toBe('');
    // Only lines from a moment ago: the first lines are older than that.
    await new Promise((r) => setTimeout(r, 1_500));
    const recent = await t.http().get(`/containers/${cuid}/logs?stream=stdout&since=1s`).expect(200);
    expect(recent.text).not.toContain('out-1');
    const bad = await t.http().get(`/containers/${cuid}/logs?since=2026-02-30`).expect(400);
    expect(bad.body.code).toBe('INVALID_SINCE');
  });

  it('sends SSE with stdout and stderr as separate event names when asked for text/event-stream', async () => {
    const sse = await openSse(t.baseUrl, `/containers/${cuid}/logs?tail=all`, t.authHeader);
    await sse.ended;
    expect(sse.events.find((e) => e.data === 'err-1')?.event).toBe('stderr');
    expect(sse.events.find((e) => e.data === 'out-1')?.event).toBe('stdout');
    expect(sse.events[sse.events.length - 1]).toMatchObject({ event: 'end', json: { reason: 'done' } });
  });

  it('follow streams new lines as boot.py writes them', async () => {
    const sse = await openSse(t.baseUrl, `/containers/${cuid}/logs?follow=true&tail=1&stream=stdout`, t.authHeader);
    const first = await sse.waitFor((e) => e.event === 'stdout');
    const n = Number(/tick-(\d+)/.exec(first.data)![1]);
    await sse.waitFor((e) => e.data === `tick-${n + 3}`);
    sse.close();
  });

  it('serves the last output of a stopped container, and follow ends when the container is deleted', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${t.projectsDir}/${cuid}/app/stop`, '');
    await waitForStatus(t, cuid, 'stopped');
    const res = await t.http().get(`/containers/${cuid}/logs?tail=1&stream=stdout`).expect(200);
    expect(res.text).toBe('bye\n');

    const other = await createContainer(t);
    writeBootPy(t, other, 'import time\nwhile True:\n    print("x", flush=True)\n    time.sleep(0.2)\n');
    await t.http().post(`/containers/${other}/start`).expect(200);
    const sse = await openSse(t.baseUrl, `/containers/${other}/logs?follow=true`, t.authHeader);
    await sse.waitFor((e) => e.data === 'x');
    await t.http().delete(`/containers/${other}`).expect(200);
    await sse.ended;
    expect(sse.events[sse.events.length - 1]?.event).toBe('end');
  });

  it('streams a large log to the end, byte for byte in count', async () => {
    const big = await createContainer(t);
    writeBootPy(
      t,
      big,
      'import sys\nfor i in range(200000):\n    sys.stdout.write(f"line {i:08d} ' + 'x'.repeat(40) + '\\n")\n',
    );
    await t.http().post(`/containers/${big}/start`).expect(200);
    await waitForStatus(t, big, 'stopped');
    const bytes = await new Promise<number>((resolve, reject) => {
      http
        .get(
          `${t.baseUrl}/containers/${big}/logs?stream=stdout`,
          { headers: { Authorization: t.authHeader } },
          (res) => {
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.length));
            res.on('end', () => resolve(n));
          },
        )
        .on('error', reject);
    });
    expect(bytes).toBe(200000 * (5 + 8 + 1 + 40 + 1));
  });

  it('404 for an unknown container, 400 for a bad tail', async () => {
    const missing = await t.http().get('/containers/c00000000-0000-4000-8000-000000000000/logs').expect(404);
    expect(missing.body.code).toBe('CONTAINER_NOT_FOUND');
    const bad = await t.http().get(`/containers/${cuid}/logs?tail=-1`).expect(400);
    expect(bad.body.code).toBe('INVALID_TAIL');
  });
});

async function waitForStatus(t: TestApp, cuid: string, status: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const res = await t.http().get(`/containers/${cuid}/status`);
    if (res.body.status === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cuid} never reached ${status}`);
}
