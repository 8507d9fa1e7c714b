/**
 * Cluster benchmark (not a test): `npx ts-node --transpile-only bench/cluster-bench.ts [options]`,
 * against the swarm scripts/swarm/up.sh brings up (three nodes, instances on 127.0.0.1:18081-18083).
 * Prints a table the README can take:
 *  - routing overhead of `GET /containers/:cuid` through a non-owner instance vs through the owner;
 *  - keystroke echo round trip over `/ws/:cuid` through a non-owner vs through the owner;
 *  - `GET /containers` through one instance with N containers per node: the merged cluster-wide
 *    listing vs the same instance's own node alone (`?node=` itself).
 * Each figure beside its anchor, measured in the same run, sides alternating round by round; the
 * medians over the rounds of each round's p50/p99 are printed.
 * Options: --rounds R (5), --requests N per side per round (200), --keys K per side per round (100),
 * --per-node C containers per node for the listing (200; 0 skips it), --list-requests L (50),
 * --keep (leave the listing's containers in place for another run).
 */
import { Agent, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { buildZip } from '../test/support/zip-fixtures';

type NodeName = 'cm-node1' | 'cm-node2' | 'cm-node3';
const NODES: NodeName[] = ['cm-node1', 'cm-node2', 'cm-node3'];
const TEST_IMAGE = process.env.TEST_IMAGE ?? 'cm-test-python:bookworm';
const BOOT = 'import time\nprint("bench up", flush=True)\ntime.sleep(100000)\n';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = arg('rounds', 5);
const REQUESTS = arg('requests', 200);
const KEYS = arg('keys', 100);
const PER_NODE = arg('per-node', 200);
const LIST_REQUESTS = arg('list-requests', 50);
const KEEP = process.argv.includes('--keep');

const auth = `Basic ${Buffer.from(readFileSync(process.env.SWARM_CREDENTIALS ?? '/tmp/cm-swarm/credentials', 'utf8').trim()).toString('base64')}`;
const port = (n: NodeName): number => 18080 + Number(n.slice(-1));
// Keep-alive, as an integrator's client would: the figure is the service's cost, not TCP setup.
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(node: NodeName, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: port(node),
        method,
        path,
        agent,
        headers: {
          Authorization: auth,
          ...(data
            ? {
                'Content-Type': Buffer.isBuffer(body) ? 'application/zip' : 'application/json',
                'Content-Length': data.length,
              }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function json<T>(node: NodeName, method: string, path: string, body?: unknown, expect = [200, 201]): Promise<T> {
  const res = await call(node, method, path, body);
  if (!expect.includes(res.status))
    throw new Error(`${method} ${path} via ${node}: ${res.status} ${res.text.slice(0, 300)}`);
  return (res.text ? JSON.parse(res.text) : null) as T;
}

const pct = (samples: number[], p: number): number => {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const median = (xs: number[]): number => pct(xs, 0.5);
const f = (ms: number): string => ms.toFixed(2);

/** Samples `n` sequential calls of `fn`, after a few warm-up calls. */
async function sample(n: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 5; i += 1) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out;
}

interface Paired {
  anchor: { p50: number[]; p99: number[] };
  measured: { p50: number[]; p99: number[] };
}

/** Rounds alternating which side goes first; each side's p50/p99 per round. */
async function paired(anchor: () => Promise<number[]>, measured: () => Promise<number[]>): Promise<Paired> {
  const r: Paired = { anchor: { p50: [], p99: [] }, measured: { p50: [], p99: [] } };
  for (let round = 0; round < ROUNDS; round += 1) {
    const sides: [keyof Paired, () => Promise<number[]>][] = [
      ['anchor', anchor],
      ['measured', measured],
    ];
    if (round % 2) sides.reverse();
    for (const [name, run] of sides) {
      const samples = await run();
      r[name].p50.push(pct(samples, 0.5));
      r[name].p99.push(pct(samples, 0.99));
    }
  }
  return r;
}

function row(what: string, r: Paired, anchorName: string, measuredName: string): string {
  const a50 = median(r.anchor.p50);
  const m50 = median(r.measured.p50);
  return (
    `| ${what} | ${measuredName}: p50 **${f(m50)} ms**, p99 ${f(median(r.measured.p99))} ms | ` +
    `${anchorName}: p50 ${f(a50)} ms, p99 ${f(median(r.anchor.p99))} ms | **${m50 - a50 >= 0 ? '+' : ''}${f(m50 - a50)} ms** |`
  );
}

function openTerminal(node: NodeName, cuid: string): Promise<{ ws: WebSocket; typed: (ch: string) => Promise<void> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port(node)}/ws/${cuid}`, { headers: { Authorization: auth } });
  let seen = '';
  let waiter: (() => void) | null = null;
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString()) as { type: string; data?: string; encoding?: string };
    if (frame.type !== 'stdout') return;
    seen += frame.encoding === 'base64' ? Buffer.from(frame.data ?? '', 'base64').toString() : (frame.data ?? '');
    waiter?.();
  });
  const until = (pred: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (pred()) return resolve();
      waiter = () => {
        if (pred()) {
          waiter = null;
          resolve();
        }
      };
    });
  let count = 0;
  const typed = async (ch: string): Promise<void> => {
    count += 1;
    if (count % 50 === 0) {
      ws.send(JSON.stringify({ type: 'stdin', data: '\x15', encoding: 'utf8' })); // Ctrl-U: clear the line
      await new Promise((r) => setTimeout(r, 50));
    }
    seen = '';
    ws.send(JSON.stringify({ type: 'stdin', data: ch, encoding: 'utf8' }));
    await until(() => seen.includes(ch));
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      void until(() => /[$#] $/.test(seen)).then(() => resolve({ ws, typed }));
    });
    ws.once('error', reject);
  });
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function main(): Promise<void> {
  const health = await json<{ cluster?: { nodes: number } }>('cm-node1', 'GET', '/healthz');
  if (!health.cluster)
    throw new Error('the instances do not run in cluster mode (no `cluster` in /healthz): nothing to route');
  console.log(
    `cluster bench: ${ROUNDS} rounds, ${REQUESTS} requests and ${KEYS} keys per side per round, ${PER_NODE} containers per node`,
  );
  console.log('NOTE: the machine is shared with other work while this runs; figures are noisy.\n');

  const owner: NodeName = 'cm-node3';
  const via: NodeName = 'cm-node1';
  const { cuid } = await json<{ cuid: string }>(via, 'POST', '/containers', { image: TEST_IMAGE, node: owner });
  const rows: string[] = [];
  try {
    await json(owner, 'POST', `/containers/${cuid}/upload-zip`, buildZip([{ name: 'boot.py', data: BOOT }]));
    await json(owner, 'POST', `/containers/${cuid}/start`);
    const get = (n: NodeName) => () => sample(REQUESTS, async () => void (await json(n, 'GET', `/containers/${cuid}`)));
    rows.push(
      row(
        '`GET /containers/:cuid`',
        await paired(get(owner), get(via)),
        `via the owner (${owner})`,
        `via a non-owner (${via})`,
      ),
    );

    const echo = (n: NodeName) => async (): Promise<number[]> => {
      const term = await openTerminal(n, cuid);
      try {
        return await sample(KEYS, () => term.typed('x'));
      } finally {
        term.ws.close();
      }
    };
    rows.push(
      row(
        'keystroke echo over `/ws/:cuid`, shell mode',
        await paired(echo(owner), echo(via)),
        `via the owner (${owner})`,
        `via a non-owner (${via})`,
      ),
    );
  } finally {
    await call(via, 'DELETE', `/containers/${cuid}`).catch(() => undefined);
  }

  if (PER_NODE > 0) {
    const listed: string[] = [];
    for (const n of NODES) {
      const have = (await json<{ containers: unknown[] }>(n, 'GET', `/containers?node=${n}&limit=500`)).containers
        .length;
      const missing = Math.max(0, PER_NODE - have);
      const started = performance.now();
      await pool(
        Array.from({ length: missing }, (_, i) => i),
        6,
        async () => {
          const c = await json<{ cuid: string }>(n, 'POST', '/containers', { image: TEST_IMAGE, node: n });
          listed.push(c.cuid);
        },
      );
      if (missing)
        console.log(`created ${missing} containers on ${n} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const total = (await json<{ containers: unknown[] }>(via, 'GET', '/containers?limit=500')).containers.length;
    const list = (query: string) => () =>
      sample(LIST_REQUESTS, async () => void (await json(via, 'GET', `/containers${query}`)));
    const r = await paired(list(`?node=${via}&limit=100`), list('?limit=100'));
    rows.push(
      row(
        `\`GET /containers?limit=100\`, 3 nodes × ${PER_NODE} (first page of ${total}+)`,
        r,
        `its own node alone (\`?node=${via}\`)`,
        'merged over the 3 nodes',
      ),
    );
    if (!KEEP) {
      const started = performance.now();
      await pool(listed, 6, async (id) => void (await call(via, 'DELETE', `/containers/${id}`)));
      console.log(`deleted ${listed.length} containers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  console.log('\n| measure | measured | anchor (same run) | added at p50 |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  agent.destroy();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
