import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import { promisify } from 'node:util';
import { LiveStreams } from '../../src/common/http/live-streams';
import { EventHub } from '../../src/events/event-hub';
import { EventsModule } from '../../src/events/events.module';
import { createContainer, writeBootPy } from '../support/containers';
import { PASS, startApp, TestApp, USER } from '../support/e2e-app';
import { openSse } from '../support/sse-client';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live streams under abuse (real app)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ SSE_MAX_BUFFERED_BYTES: '65536' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('drops an /events client that stops reading, with a final `dropped` event, instead of buffering for it', async () => {
    const streams = t.app.select(EventsModule).get(LiveStreams, { strict: true });
    const hub = t.app.get(EventHub);
    const port = Number(new URL(t.baseUrl).port);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const auth = Buffer.from(`${USER}:${PASS}`).toString('base64');
    socket.write(
      `GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    for (let i = 0; i < 50 && streams.size === 0; i += 1) await sleep(20);
    expect(streams.size).toBe(1);
    socket.pause();

    // Far more than the kernel's socket buffers and the 64 KiB allowance; the client reads nothing.
    const filler = 'x'.repeat(4096);
    for (let round = 0; round < 400 && streams.size > 0; round += 1) {
      for (let i = 0; i < 50; i += 1) hub.publish({ type: 'action', time: '', cuid: null, action: 'fill', filler });
      await sleep(5);
    }
    expect(streams.size).toBe(0);

    // What the client gets once it reads again: the events that fitted, then `dropped`, then the end.
    socket.resume();
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    await new Promise((r) => socket.once('close', r));
    expect(text).toContain('event: dropped\ndata: {"reason":"slow_client"');
    expect(text.length).toBeLessThan(16 * 1024 * 1024);
  });

  it('ends the engine log stream as soon as the client goes away, and starts no process for it', async () => {
    const cuid = await createContainer(t);
    writeBootPy(t, cuid, 'import time\nwhile True:\n    print("x", flush=True)\n    time.sleep(0.2)\n');
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    // This process holds the app, so its sockets are the follower's three: client, server, engine.
    const sockets = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
        } catch {
          return false;
        }
      }).length;
    const dockerChildren = async (): Promise<number> => {
      const { stdout } = await run('ps', ['-o', 'args=', '--ppid', String(process.pid)]);
      return stdout.split('\n').filter((l) => l.startsWith('docker logs')).length;
    };
    await sleep(2_500); // the engine client's idle pooled sockets close after 2 s
    const baseline = sockets();
    const sse = await openSse(t.baseUrl, `/containers/${cuid}/logs?follow=true`, t.authHeader);
    await sse.waitFor((e) => e.data === 'x');
    expect(sockets()).toBeGreaterThanOrEqual(baseline + 3);
    expect(await dockerChildren()).toBe(0);
    sse.close();
    let left = sockets();
    for (let i = 0; i < 50 && left > baseline; i += 1) {
      await sleep(100);
      left = sockets();
    }
    expect(left).toBeLessThanOrEqual(baseline);
  });

  it('ends every open stream at shutdown, so stopping the service does not wait on them', async () => {
    const other = await startApp();
    const events = await openSse(other.baseUrl, '/events', other.authHeader);
    const stats = await openSse(other.baseUrl, '/stats?stream=true', other.authHeader);
    await other.stop();
    await Promise.all([events.ended, stats.ended]);
    expect(events.events[events.events.length - 1]).toMatchObject({ event: 'end', json: { reason: 'shutdown' } });
    expect(stats.events[stats.events.length - 1]).toMatchObject({ event: 'end', json: { reason: 'shutdown' } });
    const { rmSync } = await import('node:fs');
    rmSync(other.root, { recursive: true, force: true });
  });
});
