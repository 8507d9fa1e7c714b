import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What scripts/swarm/up.sh made: three nodes, each instance on a loopback port of the host. */
export const NODES = ['cm-node1', 'cm-node2', 'cm-node3'] as const;
export type NodeName = (typeof NODES)[number];
export const TEST_IMAGE = process.env.TEST_IMAGE ?? 'cm-test-python:bookworm';
const CREDENTIALS = process.env.SWARM_CREDENTIALS ?? '/tmp/cm-swarm/credentials';

export function baseUrl(node: NodeName): string {
  return `http://127.0.0.1:${18080 + Number(node.slice(-1))}`;
}

export function authHeader(): string {
  let text: string;
  try {
    text = readFileSync(CREDENTIALS, 'utf8').trim();
  } catch {
    throw new Error(`${CREDENTIALS} missing: bring the cluster up first (bash scripts/swarm/up.sh)`);
  }
  return `Basic ${Buffer.from(text).toString('base64')}`;
}

export interface Answer<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** One HTTP call to the instance on `node`, as any client would make it. */
export async function call<T = any>(
  node: NodeName,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Answer<T>> {
  const raw = Buffer.isBuffer(body);
  const res = await fetch(`${baseUrl(node)}${path}`, {
    method,
    headers: {
      Authorization: authHeader(),
      ...(body === undefined ? {} : { 'Content-Type': raw ? 'application/zip' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let parsed: unknown = buf;
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = text ? JSON.parse(text) : null;
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** Runs a command on a node's own engine (the test's view from outside the service). */
export async function onNode(node: NodeName, argv: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run('docker', ['exec', node, ...argv], { timeout: timeoutMs });
  return stdout;
}

/** The compose project's containers on one node's engine, as "name state" lines. */
export async function projectOn(node: NodeName, cuid: string): Promise<string[]> {
  const out = await onNode(node, [
    'docker',
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${cuid}`,
    '--format',
    '{{.Names}} {{.State}}',
  ]);
  return out.split('\n').filter((l) => l.trim() !== '');
}

export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 60_000,
  stepMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Every container of a listing, page by page (small pages on purpose: the merge is what is tested). */
export async function listAll(
  node: NodeName,
  query: string,
  limit: number,
): Promise<{ cuids: string[]; pages: number; items: any[] }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', String(limit));
    if (cursor) q.set('cursor', cursor);
    const res: Answer = await call(node, 'GET', `/containers?${q.toString()}`);
    if (res.status !== 200) throw new Error(`list page ${pages} answered ${res.status}: ${res.text}`);
    items.push(...res.body.containers);
    cursor = res.body.next_cursor;
    pages += 1;
    if (pages > 1000) throw new Error('listing does not end');
  } while (cursor);
  return { cuids: items.map((c) => c.cuid as string), pages, items };
}
