import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import request from 'supertest';
import { basicAuth, TEST_IMAGE, USER } from '../support/e2e-app';
import { freePort, ServiceProcess, spawnService, stopService } from '../support/service-process';

/**
 * X-CM-Forwarded is the loop guard between instances, and any client can send it. It must buy
 * nothing: auth runs before it is read, a forwarded request still needs the credentials, and an
 * authenticated client that forges it only gets this node's own answer (no routing, no fan-out).
 */
jest.setTimeout(120_000);

describe('cluster mode: a forged X-CM-Forwarded gains nothing', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let onB = '';

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    const peers = ports.map((p) => `127.0.0.1:${p}`).join(',');
    const env = (name: string): Record<string, string> => ({
      CLUSTER_MODE: 'swarm',
      CLUSTER_NODE_NAME: name,
      CLUSTER_PEERS: peers,
      CLUSTER_REFRESH_MS: '300',
    });
    a = await spawnService(env('fa'), undefined, { port: ports[0] });
    b = await spawnService(env('fb'), undefined, { port: ports[1] });
    for (let i = 0; i < 100; i += 1) {
      const res = await a.http().post('/containers').send({ image: TEST_IMAGE, node: 'fb' });
      if (res.status === 201) {
        onB = res.body.cuid as string;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(onB).not.toBe('');
  });

  afterAll(async () => {
    await stopService(a);
    await stopService(b);
  });

  const anonymous = (s: ServiceProcess, method: 'get' | 'post', route: string, headers: Record<string, string>) => {
    const req = request(s.baseUrl)[method](route);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req;
  };

  it.each([
    ['get', '/containers'],
    ['get', '/nodes'],
    ['get', '/containers/ONB'],
    ['post', '/containers/ONB/stop'],
    ['post', '/containers'],
  ] as const)('anonymous %s %s with X-CM-Forwarded is 401, and the owner never hears of it', async (method, route) => {
    const id = `forged-${method}-${route.replace(/\W/g, '')}`;
    const res = await anonymous(a, method, route.replace('ONB', onB), { 'X-CM-Forwarded': 'fb', 'X-Request-Id': id });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'auth_error', code: 'AUTH_REQUIRED' });
    const wrong = await anonymous(a, method, route.replace('ONB', onB), {
      'X-CM-Forwarded': 'fa',
      Authorization: basicAuth(USER, 'not-the-password'),
      'X-Request-Id': `${id}-wrong`,
    });
    expect(wrong.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(auditOf(b).some((e) => String(e.request_id).startsWith(id))).toBe(false);
  });

  it('an anonymous terminal upgrade for another node’s container is refused here with 401, never piped', async () => {
    const answer = await upgrade(a.port, `/ws/${onB}?mode=exec&cmd=id`, {
      'X-CM-Forwarded': 'fb',
      'X-Request-Id': 'forged-ws',
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'AUTH_REQUIRED' });
    const noForge = await upgrade(a.port, `/ws/${onB}?mode=exec&cmd=id`, { 'X-Request-Id': 'anon-ws' });
    expect(noForge.status).toBe(401);
    expect(auditOf(b).some((e) => String(e.request_id).startsWith('forged-ws') || e.request_id === 'anon-ws')).toBe(
      false,
    );
  });

  it('an authenticated client forging the header gets only this node’s own answer', async () => {
    const routed = await a.http().get(`/containers/${onB}`);
    expect(routed.status).toBe(200);
    expect(routed.body.node).toBe('fb');
    // With the header, a serves it itself: it does not own the container, so it is not found here.
    const forged = await a.http().get(`/containers/${onB}`).set('X-CM-Forwarded', 'fb');
    expect(forged.status).toBe(404);
    expect(forged.body.code).toBe('CONTAINER_NOT_FOUND');
    const list = await a.http().get('/containers?limit=500').set('X-CM-Forwarded', 'fb');
    expect(list.status).toBe(200);
    expect((list.body.containers as { cuid: string }[]).map((c) => c.cuid)).not.toContain(onB);
  });
});

function upgrade(
  port: number,
  route: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: route,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    req.once('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('upgrade accepted'));
    });
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

function auditOf(s: ServiceProcess): Record<string, unknown>[] {
  try {
    return readFileSync(path.join(s.logDir, 'actions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}
