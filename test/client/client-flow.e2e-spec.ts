import { Readable } from 'node:stream';
import * as unzipper from 'unzipper';
import { ApiError, ContainerManagerClient, isApiError, LiveEvent, Terminal } from '../../clients/typescript/src';
import { PASS, startApp, TEST_IMAGE, TestApp, USER } from '../support/e2e-app';
import { buildZip } from '../support/zip-fixtures';

jest.setTimeout(180_000);

const GUIDE_CODE = `import os
import time
print(f"Hello from container {os.environ.get('CONTAINER_UID')}")
print(f"Environment: {os.environ.get('APP_ENV', 'development')}")
for i in range(5):
    print(f"Iteration {i+1}")
    time.sleep(0.2)
print("Done!")
`;

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a session's output until `pattern` shows up; fails with what it saw after 30 s or at the end. */
async function until(terminal: Terminal, pattern: RegExp, seen = { text: '' }, waitMs = 30_000): Promise<string> {
  const iterator = terminal[Symbol.asyncIterator]();
  const deadline = Date.now() + waitMs;
  while (!pattern.test(seen.text)) {
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), Math.max(0, deadline - Date.now())).unref());
    const next = await Promise.race([iterator.next(), timer]);
    if (next === 'late' || next.done) throw new Error(`${String(pattern)} not seen in: ${JSON.stringify(seen.text)}`);
    seen.text += next.value.data.toString('utf8');
  }
  return seen.text;
}

/**
 * The size reaches the shell through docker's own exec resize, a moment after the frame: ask again
 * until it shows (a wrong size never does).
 */
async function sizeIs(shell: Terminal, size: string, seen: { text: string }): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    seen.text = '';
    shell.write('stty size\n');
    try {
      await until(shell, new RegExp(`[\\r\\n]${size}\\r`), seen, 2_000);
      return;
    } catch (err) {
      if (attempt === 10) throw err;
    }
  }
}

describe('the TypeScript client against the real service and engine', () => {
  let t: TestApp;
  let client: ContainerManagerClient;

  beforeAll(async () => {
    t = await startApp();
    client = new ContainerManagerClient({ url: t.baseUrl, user: USER, pass: PASS });
  });

  afterAll(() => t.close());

  it("runs the guide's complete integration flow: create, upload, start, watch the output, stop, delete", async () => {
    const container = await client.createContainer({
      image: TEST_IMAGE,
      env: { APP_ENV: 'production' },
      tags: ['automated'],
      resources: { cpus: 0.5, memory: '1024m' },
    });
    expect(container).toMatchObject({ status: 'created', tags: ['automated'] });
    const cuid = container.cuid;
    const progress: number[] = [];
    const zip = buildZip([{ name: 'boot.py', data: GUIDE_CODE }]);
    expect(await client.uploadZip(cuid, zip, { onProgress: (done) => progress.push(done) })).toEqual({
      files: 1,
      bytes: Buffer.byteLength(GUIDE_CODE),
      path: '.',
    });
    expect(progress.at(-1)).toBe(zip.length);
    expect((await client.startContainer(cuid)).status).toBe('running');
    // attach replays what boot.py printed before the socket opened, then streams the rest.
    const attach = await client.openTerminal(cuid, { mode: 'attach', tail: 1000 });
    const output = await until(attach, /Done!/);
    expect(output).toContain(`Hello from container ${cuid}`);
    expect(output).toContain('Environment: production');
    expect(output).toContain('Iteration 5');
    expect(await attach.exit).toBe(0);
    expect((await client.stopContainer(cuid, { timeout: 1 })).status).toBe('stopped');
    expect(await client.deleteContainer(cuid)).toEqual({ cuid, deleted: true });
    await expect(client.getContainer(cuid)).rejects.toMatchObject({ code: 'CONTAINER_NOT_FOUND', status: 404 });
  });

  it('covers every REST operation, streams files both ways, and types every error', async () => {
    expect(await client.getHealth()).toMatchObject({ status: 'ok' });
    const { cuid } = await client.createContainer({ image: TEST_IMAGE, tags: ['ops', 'client'] });
    let uploaded = 0;
    const boot = 'import time\nprint("up", flush=True)\ntime.sleep(100000)\n';
    const zip = buildZip([
      { name: 'boot.py', data: boot },
      { name: 'data/big.bin', data: Buffer.alloc(300_000, 7), level: 1 },
    ]);
    // A stream factory: the body is re-opened if the request has to be sent again.
    await client.uploadZip(
      cuid,
      { open: () => Readable.from([zip]), length: zip.length },
      {
        onProgress: (done) => (uploaded = done),
      },
    );
    expect(uploaded).toBe(zip.length);

    const page = await client.listContainers({ tag: 'client', limit: 1 });
    expect(page.containers.map((c) => c.cuid)).toEqual([cuid]);
    const all = [];
    for await (const c of client.listAllContainers({ tag: 'ops' })) all.push(c.cuid);
    expect(all).toEqual([cuid]);
    expect((await client.getContainerStatus(cuid)).status).toBe('created');
    const updated = await client.updateContainer(cuid, { env: { MODE: 'x' }, tags: ['ops', 'v2'] });
    expect(updated).toMatchObject({ env: { MODE: 'x' }, tags: ['ops', 'v2'], recreated: false });
    expect((await client.updatePorts(cuid, [{ host: 42151, container: 80, protocol: 'tcp' }])).ports).toEqual([
      { host: 42151, container: 80, protocol: 'tcp' },
    ]);

    expect((await client.startContainer(cuid)).status).toBe('running');
    expect((await client.pauseContainer(cuid)).status).toBe('paused');
    const paused = await client.startContainer(cuid).catch((err: unknown) => err);
    expect(isApiError(paused, 'CONTAINER_PAUSED')).toBe(true);
    expect((paused as ApiError).request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.unpauseContainer(cuid)).status).toBe('running');
    expect((await client.restartContainer(cuid, { timeout: 1 })).status).toBe('running');

    expect((await client.listFiles(cuid, 'data')).entries).toEqual([
      expect.objectContaining({ name: 'big.bin', type: 'file', size: 300_000 }),
    ]);
    const file = await client.downloadFile(cuid, 'boot.py');
    expect(file.size).toBe(boot.length);
    expect(await text(file.stream)).toBe(boot);
    const part = await client.downloadFile(cuid, 'data/big.bin', { range: { start: 10, end: 19 } });
    expect(part.status).toBe(206);
    expect(await text(part.stream)).toBe('\x07'.repeat(10));
    const archive = await client.downloadZip(cuid, 'data');
    const chunks: Buffer[] = [];
    for await (const chunk of archive.stream) chunks.push(chunk as Buffer);
    const entries = (await unzipper.Open.buffer(Buffer.concat(chunks))).files.map((f) => [f.path, f.uncompressedSize]);
    expect(entries).toEqual([['big.bin', 300_000]]);
    await expect(client.listFiles(cuid, '../etc')).rejects.toMatchObject({ code: 'PATH_OUTSIDE_MOUNT', status: 403 });

    const result = await client.exec(cuid, ['sh', '-c', 'printf out; printf err >&2; exit 3']);
    expect({ code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() }).toEqual({
      code: 3,
      out: 'out',
      err: 'err',
    });
    expect((await client.exec(cuid, ['echo', "it's $HOME"])).stdout.toString()).toBe("it's $HOME\n");

    expect(await client.keepaliveContainer(cuid)).toMatchObject({ cuid, status: 'running' });
    const sample = await client.getContainerStats(cuid);
    expect(sample).toMatchObject({ cuid, cpu: { percent_of_limit: expect.any(Number) } });
    expect(sample.pids).toBeGreaterThan(0);
    expect(sample.memory.usage_bytes).toBeGreaterThan(0);
    for await (const streamed of client.streamContainerStats(cuid)) {
      expect(streamed).toMatchObject({ cuid, pids: expect.any(Number) });
      break;
    }
    expect((await client.getAllStats()).containers.map((c) => c.cuid)).toContain(cuid);
    for await (const overview of client.streamAllStats()) {
      expect(overview.containers.map((c) => c.cuid)).toContain(cuid);
      break;
    }
    const lines = [];
    for await (const line of client.streamLogs(cuid)) lines.push(line);
    expect(lines).toContainEqual({ stream: 'stdout', line: 'up' });

    const metrics = await client.getMetrics();
    expect(metrics).toMatch(/^# HELP cm_http_requests_total /m);
    expect(metrics).toMatch(/^cm_http_requests_total\{.*route="\/containers\/:cuid\/start".*\} \d+/m);

    // Newest first: the start refused while paused, then the pause, then the first start.
    const newest = await client.queryAudit({ cuid, action: ['container.start', 'container.pause'], limit: 1 });
    expect(newest.entries).toEqual([
      expect.objectContaining({ cuid, action: 'container.start', status: 422, code: 'CONTAINER_PAUSED' }),
    ]);
    expect(newest.next_cursor).toEqual(expect.any(String));
    const starts = [];
    for await (const entry of client.queryAllAudit({ cuid, action: 'container.start', limit: 1 })) starts.push(entry);
    expect(starts.map((e) => e.status)).toEqual([422, 200]);
    const failed = await client.queryAudit({ cuid, error: true });
    expect(failed.entries.map((e) => e.code)).toContain('CONTAINER_PAUSED');

    expect(await client.deleteContainer(cuid)).toEqual({ cuid, deleted: true });
  });

  it('follows /events: the actions and state changes of a container, resuming where it left off', async () => {
    const abort = new AbortController();
    const seen: LiveEvent[] = [];
    let cuid = '';
    const following = (async () => {
      for await (const item of client.streamEvents({ signal: abort.signal })) {
        if (item.type === 'reset') continue;
        seen.push(item);
        const mine = cuid === '' ? [] : seen.filter((e) => e.cuid === cuid);
        if (mine.some((e) => e.type === 'destroyed') && mine.some((e) => e.action === 'container.delete')) return;
      }
    })();
    // A refused create is an action event too: send them until the stream shows one, so it is surely open.
    const markers = new Set<string>();
    while (!seen.some((e) => markers.has(String(e.request_id)))) {
      const refused = (await client.createContainer({} as never).catch((err: unknown) => err)) as ApiError;
      markers.add(String(refused.request_id));
      await new Promise((r) => setTimeout(r, 100));
    }
    cuid = (await client.createContainer({ image: TEST_IMAGE })).cuid;
    await client.uploadZip(cuid, buildZip([{ name: 'boot.py', data: 'import time\ntime.sleep(100000)\n' }]));
    await client.startContainer(cuid);
    await client.stopContainer(cuid, { timeout: 0 });
    await client.deleteContainer(cuid);
    await following;
    abort.abort();

    const mine = seen.filter((e) => e.cuid === cuid);
    const actions = mine.filter((e) => e.type === 'action').map((e) => e.action);
    expect(actions).toEqual([
      'container.create',
      'files.upload',
      'container.start',
      'container.stop',
      'container.delete',
    ]);
    expect(mine.find((e) => e.action === 'container.create')).toMatchObject({ status: 201, user: USER });
    const states = mine.filter((e) => e.type !== 'action').map((e) => e.type);
    expect(states).toEqual(expect.arrayContaining(['created', 'started', 'died', 'destroyed']));
    expect(states.indexOf('started')).toBeLessThan(states.indexOf('died'));
    expect(mine.find((e) => e.type === 'died')).toMatchObject({ exit_code: expect.any(Number) });

    // Resuming after the first of them replays exactly the rest, in order.
    const first = mine[0]!;
    const last = seen[seen.length - 1]!;
    const replayed: LiveEvent[] = [];
    for await (const item of client.streamEvents({ since: first.id, reconnect: false })) {
      if (item.type === 'reset') throw new Error('the ring should still hold these events');
      replayed.push(item);
      if (item.id >= last.id) break;
    }
    expect(replayed).toEqual(seen.filter((e) => e.id > first.id && e.id <= last.id));
  });

  it('drives a shell: write, resize, a signal to the foreground job, close, and the exit code', async () => {
    const { cuid } = await client.createContainer({ image: TEST_IMAGE });
    await client.uploadZip(cuid, buildZip([{ name: 'boot.py', data: 'import time\ntime.sleep(100000)\n' }]));
    await client.startContainer(cuid);
    const shell = await client.openTerminal(cuid, { cols: 90, rows: 20 });
    const seen = { text: '' };
    await until(shell, /\$ $/, seen);
    await sizeIs(shell, '20 90', seen);
    shell.resize(120, 40);
    await sizeIs(shell, '40 120', seen);
    shell.write('sleep 1000\n');
    await new Promise((r) => setTimeout(r, 500));
    shell.signal('INT');
    shell.write('echo after-sleep-$?\n');
    await until(shell, /after-sleep-130/, seen);
    shell.write(Buffer.from('exit 4\n'));
    expect(await shell.exit).toBe(4);

    const attach = await client.openTerminal(cuid, { mode: 'attach' });
    await attach.close();
    expect(await attach.exit).toBeNull();
    await client.deleteContainer(cuid);
  });

  it('maps refusals to ApiError with code and request_id, and connection failures to ConnectionError', async () => {
    await expect(client.openTerminal('cnope')).rejects.toMatchObject({
      name: 'ApiError',
      code: 'CONTAINER_NOT_FOUND',
      status: 404,
    });
    const wrong = new ContainerManagerClient({ url: t.baseUrl, user: USER, pass: 'wrong' });
    const refused = await wrong.getHealth().catch((err: unknown) => err as ApiError);
    expect(refused).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401, error: 'auth_error' });
    await expect(client.createContainer({} as never)).rejects.toMatchObject({ code: 'MISSING_IMAGE', status: 400 });
    const closed = new ContainerManagerClient({
      url: 'http://127.0.0.1:1',
      user: USER,
      pass: PASS,
      retries: 1,
      retryDelayMs: 1,
    });
    await expect(closed.getHealth()).rejects.toMatchObject({ name: 'ConnectionError', code: 'ECONNREFUSED' });
  });
});
