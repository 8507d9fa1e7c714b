import { connect } from 'node:net';
import WebSocket from 'ws';
import { startSleepingContainer } from '../support/containers';
import { startApp, TestApp } from '../support/e2e-app';

/** Sends a raw upgrade request and returns the status line and body the server answers with. */
function rawUpgrade(t: TestApp, cuid: string, extraHeaders: number): Promise<{ statusLine: string; body: string }> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ statusLine: head.split('\r\n')[0] ?? '', body });
    });
    const headers = Array.from({ length: extraHeaders }, (_, i) => `X-Pad-${i}: ${i}`).join('\r\n');
    socket.write(
      `GET /ws/${cuid} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: ${t.authHeader}\r\n` +
        `${headers}\r\n\r\n`,
    );
    setTimeout(() => socket.end(), 3_000);
  });
}

describe('reliability: hostile WebSocket upgrades and frames', () => {
  let t: TestApp;
  let cuid: string;
  beforeAll(async () => {
    t = await startApp();
    cuid = await startSleepingContainer(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses an upgrade with hundreds of headers with 431 and the error schema, and one with thousands at the parser', async () => {
    const some = await rawUpgrade(t, cuid, 300);
    expect(some.statusLine).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(some.body)).toMatchObject({ code: 'TOO_MANY_HEADERS', status: 431 });
    const flood = await rawUpgrade(t, cuid, 5000);
    expect(flood.statusLine).toMatch(/^HTTP\/1\.1 431/);
    await t.http().get('/healthz').expect(200);
  });

  it('closes a socket that sends an oversized frame (1009) and keeps serving others', async () => {
    const ws = new WebSocket(`${t.wsUrl}/ws/${cuid}`, { headers: { Authorization: t.authHeader } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ type: 'stdin', data: 'x'.repeat(2 * 1024 * 1024), encoding: 'utf8' }));
    expect(await closed).toBe(1009);

    const next = new WebSocket(`${t.wsUrl}/ws/${cuid}?mode=exec&cmd=${encodeURIComponent('echo still-alive')}`, {
      headers: { Authorization: t.authHeader },
    });
    const frames: { type: string; data?: string; code?: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      next.on('message', (raw: Buffer) => {
        const frame = JSON.parse(raw.toString()) as { type: string; data?: string; code?: number };
        frames.push(frame);
        if (frame.type === 'exit') resolve();
      });
      next.once('error', reject);
    });
    expect(frames.map((f) => f.data ?? '').join('')).toContain('still-alive');
    expect(frames[frames.length - 1]).toEqual({ type: 'exit', code: 0 });
  });
});
