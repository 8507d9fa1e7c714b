import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ContainerManagerClient } from './client';
import { ApiError, ConnectionError } from './errors';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A local stand-in for the service, answering each request by its number. */
async function fakeService(
  handler: Handler,
): Promise<{ server: Server; client: ContainerManagerClient; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    // A client that goes away mid-answer (as these tests make it) is not this server's error.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.resume();
    req.on('end', () => handler(req, res, seen.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new ContainerManagerClient({ url: `http://127.0.0.1:${port}`, user: 'u', pass: 'p', retryDelayMs: 1 });
  return { server, client, seen };
}

const errorBody = (status: number, code: string): string =>
  JSON.stringify({ error: 'x', code, message: code, status, request_id: 'srv', timestamp: '', details: {} });

/** Formats one event exactly as the service's SSE writer does (id, event, one data line per line). */
const sse = (id: number, event: string, data: unknown): string =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

describe('ContainerManagerClient retries', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('sends a write again after a 503 with the same Idempotency-Key and X-Request-Id', async () => {
    const fake = await fakeService((_req, res, n) => {
      if (n === 1) res.writeHead(503, { 'Content-Type': 'application/json' }).end(errorBody(503, 'DOCKER_UNAVAILABLE'));
      else res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ cuid: 'c1' }));
    });
    servers.push(fake.server);
    expect(await fake.client.createContainer({ image: 'x' })).toEqual({ cuid: 'c1' });
    const keys = fake.seen.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(fake.seen[1]?.headers['x-request-id']).toBe(fake.seen[0]?.headers['x-request-id']);
  });

  it('sends a write again when the connection broke after sending, because it carries a key', async () => {
    const fake = await fakeService((_req, res, n) => {
      if (n === 1) res.socket?.destroy();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"cuid":"c1","deleted":true}');
    });
    servers.push(fake.server);
    expect(await fake.client.deleteContainer('c1')).toEqual({ cuid: 'c1', deleted: true });
    expect(fake.seen[1]?.headers['idempotency-key']).toBe(fake.seen[0]?.headers['idempotency-key']);
  });

  it('does not send a one-shot stream twice, nor retry an answer that says the request was wrong', async () => {
    const breaking = await fakeService((_req, res) => res.socket?.destroy());
    servers.push(breaking.server);
    await expect(breaking.client.uploadZip('c1', Readable.from([Buffer.from('zip')]))).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect(breaking.seen).toHaveLength(1);
    const refusing = await fakeService((_req, res) =>
      res.writeHead(409, { 'Content-Type': 'application/json' }).end(errorBody(409, 'PORT_CONFLICT')),
    );
    servers.push(refusing.server);
    await expect(refusing.client.createContainer({ image: 'x' })).rejects.toMatchObject({
      code: 'PORT_CONFLICT',
      request_id: 'srv',
    });
    expect(refusing.seen).toHaveLength(1);
  });

  it('turns an answer outside the error schema into an ApiError with an HTTP_ code and the request id', async () => {
    const fake = await fakeService((_req, res) => res.writeHead(502).end('<html>bad gateway</html>'));
    servers.push(fake.server);
    const err = (await fake.client.getHealth().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('HTTP_502');
    expect(err.request_id).toBe(fake.seen[0]?.headers['x-request-id']);
  });
});

describe('ContainerManagerClient.streamEvents', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('yields events, resumes with Last-Event-ID after a drop or a break, and reports a reset', async () => {
    const fake = await fakeService((_req, res, n) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': stream open\n\n');
      if (n === 1) {
        res.write(sse(7, 'started', { id: 7, type: 'started', time: 't7', cuid: 'c1' }));
        res.end(`event: dropped\ndata: ${JSON.stringify({ reason: 'slow_client' })}\n\n`);
      } else if (n === 2) {
        res.write(sse(8, 'died', { id: 8, type: 'died', time: 't8', cuid: 'c1', exit_code: 3 }));
        setTimeout(() => res.socket?.destroy(), 50);
      } else {
        res.write(sse(20, 'reset', { reason: 'events_lost', last_event_id: '8', oldest_available_id: 15 }));
        res.write(': heartbeat\n\n');
        res.write(
          sse(21, 'action', { id: 21, type: 'action', time: 't21', cuid: null, action: 'container.list', status: 200 }),
        );
      }
    });
    servers.push(fake.server);
    const got: unknown[] = [];
    for await (const item of fake.client.streamEvents({ type: ['started', 'died', 'action'] })) {
      got.push(item);
      if (got.length === 4) break;
    }
    expect(got).toEqual([
      { id: 7, type: 'started', time: 't7', cuid: 'c1' },
      { id: 8, type: 'died', time: 't8', cuid: 'c1', exit_code: 3 },
      { id: 20, type: 'reset', reason: 'events_lost', last_event_id: '8', oldest_available_id: 15 },
      { id: 21, type: 'action', time: 't21', cuid: null, action: 'container.list', status: 200 },
    ]);
    expect(fake.seen.map((r) => r.headers['last-event-id'])).toEqual([undefined, '7', '8']);
    expect(fake.seen[0]?.url).toBe('/events?type=started%2Cdied%2Caction');
  });
});

describe('ContainerManagerClient stats and audit', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('streams stats samples until the service ends the stream', async () => {
    const fake = await fakeService((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': heartbeat\n\n');
      res.write(`event: stats\ndata: ${JSON.stringify({ cuid: 'c1', pids: 3 })}\n\n`);
      res.write(`event: stats\ndata: ${JSON.stringify({ cuid: 'c1', pids: 4 })}\n\n`);
      res.end(`event: end\ndata: ${JSON.stringify({ reason: 'not_running' })}\n\n`);
    });
    servers.push(fake.server);
    const got: unknown[] = [];
    for await (const sample of fake.client.streamContainerStats('c1')) got.push(sample);
    expect(got).toEqual([
      { cuid: 'c1', pids: 3 },
      { cuid: 'c1', pids: 4 },
    ]);
    expect(fake.seen[0]?.url).toBe('/containers/c1/stats?stream=true');
    expect(fake.seen[0]?.headers.accept).toBe('text/event-stream');
  });

  it('pages the audit log with the cursor, sending lists and booleans as the query expects', async () => {
    const fake = await fakeService((req, res, n) => {
      const body =
        n === 1
          ? { entries: [{ action: 'container.start' }], next_cursor: 'abc' }
          : { entries: [{ action: 'x' }], next_cursor: null };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    servers.push(fake.server);
    const got: unknown[] = [];
    for await (const entry of fake.client.queryAllAudit({ action: ['container.start', 'x'], error: false, limit: 1 }))
      got.push(entry);
    expect(got).toEqual([{ action: 'container.start' }, { action: 'x' }]);
    expect(fake.seen.map((r) => r.url)).toEqual([
      '/audit?action=container.start%2Cx&error=false&limit=1',
      '/audit?action=container.start%2Cx&error=false&limit=1&cursor=abc',
    ]);
  });
});
