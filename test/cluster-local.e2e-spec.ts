import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { basicAuth, PASS, TEST_IMAGE, USER } from './support/e2e-app';
import { freePort, ServiceProcess, spawnService, stopService } from './support/service-process';
import { openSse } from './support/sse-client';
import { TermClient } from './support/term-client';
import { buildZip } from './support/zip-fixtures';

/**
 * Cluster mode on one host: three built service processes on loopback ports against the one engine,
 * each with its own projects directory (so its own containers) and node name, knowing each other by
 * CLUSTER_PEERS instead of Swarm DNS. Every call below goes through an instance that does not own
 * the container. The real multi-node swarm is scripts/swarm/ (swarm-infra).
 */
jest.setTimeout(240_000);

const NAMES = ['n1', 'n2', 'n3'] as const;
const BOOT = 'import time\nprint("booted on the owner", flush=True)\ntime.sleep(100000)\n';

describe('cluster mode on one host (CLUSTER_PEERS)', () => {
  const nodes: ServiceProcess[] = [];
  const stopped = new Set<ServiceProcess>();
  const authHeader = basicAuth(USER, PASS);

  beforeAll(async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const peers = ports.map((p) => `127.0.0.1:${p}`).join(',');
    for (const [i, name] of NAMES.entries()) {
      nodes.push(
        await spawnService(
          { CLUSTER_MODE: 'swarm', CLUSTER_NODE_NAME: name, CLUSTER_PEERS: peers, CLUSTER_REFRESH_MS: '300' },
          undefined,
          { port: ports[i] },
        ),
      );
    }
    // Every instance has seen the two others.
    for (const node of nodes) {
      expect(
        await waitFor(async () => {
          const res = await node.http().get('/nodes');
          return (res.body as { nodes?: { reachable: boolean }[] }).nodes?.filter((n) => n.reachable).length === 3;
        }),
      ).toBe(true);
    }
  });

  afterAll(async () => {
    TermClient.terminateAll();
    for (const node of nodes) if (!stopped.has(node)) await stopService(node);
  });

  const n1 = (): ServiceProcess => nodes[0]!;
  const n2 = (): ServiceProcess => nodes[1]!;
  const n3 = (): ServiceProcess => nodes[2]!;

  async function createOn(via: ServiceProcess, node: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await via
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, node, ...extra });
    expect(res.status).toBe(201);
    expect(res.body.node).toBe(node);
    return res.body.cuid as string;
  }

  it('reports the cluster in /healthz and every node in GET /nodes', async () => {
    const health = await n1().http().get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body.cluster).toEqual({ mode: 'swarm', nodes: 3, nodes_ready: 3, self: 'n1' });
    const res = await n2().http().get('/nodes');
    expect(res.status).toBe(200);
    const list = res.body.nodes as Record<string, unknown>[];
    expect(list.map((n) => n.hostname).sort()).toEqual(['n1', 'n2', 'n3']);
    for (const n of list) {
      expect(n).toMatchObject({ state: 'ready', availability: 'active', reachable: true, labels: {} });
      expect(typeof n.engine_version).toBe('string');
      expect(n.cpus).toBeGreaterThan(0);
      expect(n.memory_free_bytes).toBeGreaterThan(0);
      expect(n.containers).toMatchObject({ running: expect.any(Number), created: expect.any(Number) });
    }
  });

  it('routes REST, upload, download, logs and a terminal through a node that does not own the container', async () => {
    const cuid = await createOn(n1(), 'n2');
    // The project lives on n2 alone.
    expect(() => readFileSync(path.join(n2().projectsDir, cuid, 'compose.yaml'))).not.toThrow();
    expect(() => readFileSync(path.join(n1().projectsDir, cuid, 'compose.yaml'))).toThrow();

    const via = n3();
    const got = await via.http().get(`/containers/${cuid}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ cuid, node: 'n2', status: 'created' });

    const zip = buildZip([
      { name: 'boot.py', data: BOOT },
      { name: 'data/blob.bin', data: randomBytes(3 * 1024 * 1024) },
    ]);
    const up = await via.http().post(`/containers/${cuid}/upload-zip`).set('Content-Type', 'application/zip').send(zip);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ files: 2 });
    const onDisk = readFileSync(path.join(n2().projectsDir, cuid, 'app', 'data', 'blob.bin'));
    expect(onDisk.length).toBe(3 * 1024 * 1024);

    const down = await via
      .http()
      .get(`/containers/${cuid}/download?path=data/blob.bin`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(down.status).toBe(200);
    expect(Buffer.compare(down.body as Buffer, onDisk)).toBe(0);
    const ranged = await via.http().get(`/containers/${cuid}/download?path=boot.py`).set('Range', 'bytes=0-5');
    expect(ranged.status).toBe(206);
    expect(ranged.text).toBe('import');

    const started = await via.http().post(`/containers/${cuid}/start`);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ cuid, status: 'running', node: 'n2' });

    const logs = await openSse(via.baseUrl, `/containers/${cuid}/logs?follow=true`, authHeader);
    expect(logs.status).toBe(200);
    const line = await logs.waitFor((e) => e.event === 'stdout' && e.data.includes('booted on the owner'), 30_000);
    expect(line.data).toContain('booted on the owner');
    logs.close();

    const term = await TermClient.open(
      via.baseUrl,
      authHeader,
      `/ws/${cuid}?mode=exec&cmd=${encodeURIComponent('echo routed-$((6*7))')}`,
    );
    await term.closed;
    expect(term.output()).toContain('routed-42');
    expect(term.frames.find((f) => f.type === 'exit')?.code).toBe(0);

    // The non-owner's audit entry says who served it and who owns the container; the owner's, too.
    expect(
      await waitFor(() =>
        Promise.resolve(
          auditOf(via).some(
            (e) => e.cuid === cuid && e.served_by === 'n3' && e.owner_node === 'n2' && e.method === 'GET',
          ),
        ),
      ),
    ).toBe(true);
    expect(auditOf(n2()).some((e) => e.cuid === cuid && e.served_by === 'n2' && e.owner_node === 'n2')).toBe(true);
    expect(
      await waitFor(() =>
        Promise.resolve(
          auditOf(n2()).some((e) => e.action === 'terminal.session' && e.cuid === cuid && e.served_by === 'n2'),
        ),
      ),
    ).toBe(true);

    const removed = await via.http().delete(`/containers/${cuid}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ cuid, deleted: true, node: 'n2' });
    expect((await n1().http().get(`/containers/${cuid}`)).status).toBe(404);
  });

  it('lists every node’s containers once across pages, filters by node, and refuses bad placements', async () => {
    const made = [await createOn(n2(), 'n1'), await createOn(n3(), 'n2'), await createOn(n1(), 'n3')];
    const placed = await n1().http().post('/containers').send({ image: TEST_IMAGE });
    expect(placed.status).toBe(201);
    made.push(placed.body.cuid as string);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/containers?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await n2().http().get(query);
      expect(page.status).toBe(200);
      expect(page.body.containers.length).toBeLessThanOrEqual(1);
      seen.push(...(page.body.containers as { cuid: string }[]).map((c) => c.cuid));
      cursor = page.body.next_cursor as string | null;
      pages += 1;
    } while (cursor && pages < 50);
    for (const cuid of made) expect(seen.filter((c) => c === cuid)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);

    const onN3 = await n1().http().get('/containers?node=n3&limit=500');
    expect(onN3.status).toBe(200);
    expect((onN3.body.containers as { node: string }[]).every((c) => c.node === 'n3')).toBe(true);
    expect((onN3.body.containers as { cuid: string }[]).map((c) => c.cuid)).toContain(made[2]);

    const unknownNode = await n1().http().post('/containers').send({ image: TEST_IMAGE, node: 'nowhere' });
    expect(unknownNode.status).toBe(400);
    expect(unknownNode.body).toMatchObject({ error: 'validation_error', code: 'UNKNOWN_NODE' });
    const noMatch = await n1()
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, placement: { labels: { zone: 'x' } } });
    expect(noMatch.status).toBe(422);
    expect(noMatch.body).toMatchObject({ error: 'state_error', code: 'NO_NODE_AVAILABLE' });
    const badList = await n1().http().get('/containers?limit=0');
    expect(badList.status).toBe(400);
    expect(badList.body.code).toBe('INVALID_LIMIT');
    // Still a single-host validation: the owner refuses a bad image exactly as one host would.
    const bad = await n1().http().post('/containers').send({ node: 'n2' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MISSING_IMAGE');
  });

  it('merges every node’s /events into one stream, tagged with the node, resumable with Last-Event-ID', async () => {
    const stream = await openSse(n1().baseUrl, '/events', authHeader);
    expect(stream.status).toBe(200);
    // Peers' streams are opened once this node's has answered.
    await new Promise((r) => setTimeout(r, 500));
    const cuid = await createOn(n3(), 'n2', { command: ['sleep', '100000'] });
    const created = await stream.waitFor((e) => e.event === 'created' && e.json?.cuid === cuid, 20_000);
    expect(created.json.node).toBe('n2');
    const vector = JSON.parse(Buffer.from(created.id ?? '', 'base64url').toString('utf8')) as Record<string, string>;
    expect(Object.keys(vector)).toContain('n2');
    stream.close();
    // Resuming after that event: what n2 did since comes back, the create itself does not.
    await n1().http().post(`/containers/${cuid}/start`).expect(200);
    const resumed = await openSse(n1().baseUrl, '/events', authHeader, { 'Last-Event-ID': created.id ?? '' });
    const started = await resumed.waitFor((e) => e.event === 'started' && e.json?.cuid === cuid, 20_000);
    expect(started.json.node).toBe('n2');
    expect(resumed.events.some((e) => e.event === 'created' && e.json?.cuid === cuid)).toBe(false);
    resumed.close();
  });

  it('shows a killed node’s containers as unknown / node_down and answers 503 NODE_UNAVAILABLE for them', async () => {
    const onN3 = await createOn(n1(), 'n3');
    const onN2 = await createOn(n1(), 'n2');
    // n1 has listed n3 since the create (its directory refreshes every 300 ms).
    expect(
      await waitFor(async () => {
        const res = await n1().http().get('/containers?node=n3&limit=500');
        return (res.body.containers as { cuid: string }[]).some((c) => c.cuid === onN3);
      }),
    ).toBe(true);
    n3().child.kill('SIGKILL');
    await n3().exited;

    expect(
      await waitFor(async () => {
        const res = await n1().http().get('/containers?limit=500');
        const entry = (res.body.containers as Record<string, unknown>[]).find((c) => c.cuid === onN3);
        return entry?.status === 'unknown' && entry.node_down === true && entry.node === 'n3';
      }, 10_000),
    ).toBe(true);
    const call = await n1().http().get(`/containers/${onN3}`);
    expect(call.status).toBe(503);
    expect(call.body).toMatchObject({ error: 'unavailable', code: 'NODE_UNAVAILABLE', details: { node: 'n3' } });
    // n2 notices within its refresh interval, and reports it.
    expect(
      await waitFor(async () => {
        const res = await n2().http().get('/nodes');
        const n3Facts = (res.body.nodes as { hostname: string; reachable: boolean }[]).find((n) => n.hostname === 'n3');
        return n3Facts?.reachable === false;
      }, 10_000),
    ).toBe(true);
    const health = await n2().http().get('/healthz');
    expect(health.body.cluster).toMatchObject({ nodes: 3, nodes_ready: 2 });
    // Nothing else is affected.
    const other = await n1().http().get(`/containers/${onN2}`);
    expect(other.status).toBe(200);
    expect(other.body.node).toBe('n2');
    const explicit = await n1().http().post('/containers').send({ image: TEST_IMAGE, node: 'n3' });
    expect(explicit.status).toBe(503);
    expect(explicit.body.code).toBe('NODE_UNAVAILABLE');
    const placed = await n1().http().post('/containers').send({ image: TEST_IMAGE });
    expect(placed.status).toBe(201);
    expect(placed.body.node).not.toBe('n3');
    // The killed process's containers are this suite's to remove.
    await stopService(n3());
    stopped.add(n3());
  });
});

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

async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}
