import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as unzipper from 'unzipper';
import { createContainer, execIn, SLEEPING_BOOT, writeBootPy } from './support/containers';
import { auditLines, PASS, startApp, TEST_IMAGE, TestApp, USER } from './support/e2e-app';
import { GUIDE_FILES, guideZip } from './support/zip-fixtures';

/**
 * Runs the client examples of /work/shared/spec/integration-guide.md, as written (re-indented; only
 * base URL, credentials, image and hard-coded host ports substituted; see each file's header), against
 * the real app and Docker engine. The examples live in test/spec-examples/ and get the service's
 * address and credentials through CM_* environment variables. SPEC_EXAMPLES_VERBOSE=1 prints each
 * example's output.
 */

const execFileP = promisify(execFile);
const EXAMPLES = path.join(__dirname, 'spec-examples');
const PYTHON = '/usr/bin/python3';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running example: output so far, and a way to wait for a line. Never blocks the in-process app. */
class Example {
  stdout = '';
  stderr = '';
  readonly done: Promise<Run>;

  constructor(
    command: string,
    args: string[],
    env: Record<string, string>,
    options: { cwd?: string; timeoutMs?: number } = {},
  ) {
    const child = spawn(command, args, {
      cwd: options.cwd ?? EXAMPLES,
      env: { ...process.env, ...env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (this.stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (this.stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    this.done = new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        if (process.env.SPEC_EXAMPLES_VERBOSE) console.log(`${args[0]} exited ${code}\n${this.stdout}${this.stderr}`);
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
      }),
    );
  }

  async until(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${pattern}; stdout: ${this.stdout} stderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The JSON a driver printed on its `RESULT ` line. */
function result(run: Run): any {
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`no RESULT line; stdout: ${run.stdout} stderr: ${run.stderr}`);
  return JSON.parse(line.slice('RESULT '.length));
}

function expectClean(run: Run): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
}

async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('integration guide client examples (real app, real Docker engine)', () => {
  let t: TestApp;
  /** A running container holding the guide's upload files (boot.py, requirements.txt, data/config.json). */
  let app: string;
  let env: Record<string, string>;

  const python = (script: string, args: string[] = [], timeoutMs?: number): Example =>
    new Example(PYTHON, [path.join(EXAMPLES, script), ...args], env, { timeoutMs });
  const node = (script: string, args: string[] = [], cwd?: string): Example =>
    new Example(process.execPath, [path.join(EXAMPLES, script), ...args], env, { cwd });
  const status = async (cuid: string): Promise<string> =>
    (await t.http().get(`/containers/${cuid}`).expect(200)).body.status as string;

  beforeAll(async () => {
    t = await startApp();
    env = { CM_BASE_URL: t.baseUrl, CM_USER: USER, CM_PASS: PASS, CM_IMAGE: TEST_IMAGE };
    app = await createContainer(t, { tags: ['spec-examples'] });
    await t
      .http()
      .post(`/containers/${app}/upload-zip`)
      .set('Content-Type', 'application/zip')
      .send(guideZip())
      .expect(200);
    await t.http().post(`/containers/${app}/start`).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('Python create_container: 201, prints the cuid, the container exists as requested', async () => {
    const run = await python('create_container.py').done;
    expectClean(run);
    const cuid = /^Created container: (c[0-9a-f-]{36})$/m.exec(run.stdout)?.[1];
    expect(cuid).toBeDefined();
    const got = await t.http().get(`/containers/${cuid}`).expect(200);
    expect(got.body).toMatchObject({
      image: TEST_IMAGE,
      env: { APP_ENV: 'production', DEBUG: 'false' },
      tags: ['web', 'production'],
      resources: { cpus: 1, memory: '4096m', pids: 2048 },
      ports: [{ host: 43180, container: 80, protocol: 'tcp' }],
      status: 'created',
    });
  });

  it('Node listContainers (axios): lists the running and paused containers, and only those', async () => {
    const paused = await createContainer(t);
    writeBootPy(t, paused, SLEEPING_BOOT);
    await t.http().post(`/containers/${paused}/start`).expect(200);
    await t.http().post(`/containers/${paused}/pause`).expect(200);
    const stopped = await createContainer(t);

    const run = await node('list_containers.js').done;
    expectClean(run);
    const cuids = (result(run) as { cuid: string; status: string }[]).map((c) => c.cuid);
    expect(cuids).toEqual(expect.arrayContaining([app, paused]));
    expect(cuids).not.toContain(stopped);
    expect(run.stdout).toMatch(new RegExp(`^Found ${cuids.length} containers$`, 'm'));
    // Under the default page size (50) there is no next page; the example follows one when it exists.
    expect(run.stdout).not.toContain('More results available');
    await t.http().post(`/containers/${paused}/unpause`).expect(200);
  });

  it("Go updateContainer: the exact request Go's net/http sends answers 200 and applies the change", async () => {
    const cuid = await createContainer(t, { env: { OLD_VAR: 'old', KEEP: 'kept' }, tags: ['v1'] });
    // json.Marshal(UpdateRequest{...}): struct field order, map keys sorted, nil -> null, Image omitted.
    const body = '{"env":{"NEW_VAR":"value","OLD_VAR":null},"tags":["updated","v2"],"resources":{"memory":"8192m"}}';
    const url = new URL(`${t.baseUrl}/containers/${cuid}`);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'PATCH',
          headers: {
            'User-Agent': 'Go-http-client/1.1',
            'Content-Length': String(Buffer.byteLength(body)),
            Authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`,
            'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip',
          },
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(200);
    const got = await t.http().get(`/containers/${cuid}`).expect(200);
    expect(got.body.env).toEqual({ KEEP: 'kept', NEW_VAR: 'value' });
    expect(got.body.tags).toEqual(['updated', 'v2']);
    expect(got.body.resources).toMatchObject({ memory: '8192m' });
  });

  it("Ruby ContainerManager.control_action: Net::HTTP's bodiless POST works for every action", async () => {
    const cuid = await createContainer(t);
    writeBootPy(t, cuid, SLEEPING_BOOT);
    const { port } = new URL(t.baseUrl);
    // Base64.encode64("#{username}:#{password}").strip
    const rubyAuth = Buffer.from(`${USER}:${PASS}`)
      .toString('base64')
      .replace(/(.{60})/g, '$1\n')
      .trim();
    expect(rubyAuth).not.toContain('\n');

    /** Net::HTTP::Post.new(uri) with no body, as Ruby writes it on the wire: no Content-Length, no body. */
    const controlAction = (action: string): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (c) => chunks.push(c));
        socket.on('error', reject);
        socket.on('end', () => {
          try {
            resolve(JSON.parse(decodeHttpResponse(Buffer.concat(chunks))));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
        socket.write(
          [
            `POST /containers/${cuid}/${action} HTTP/1.1`,
            'Accept-Encoding: gzip;q=1.0,deflate;q=0.6,identity;q=0.3',
            'Accept: */*',
            'User-Agent: Ruby',
            `Host: 127.0.0.1:${port}`,
            `Authorization: Basic ${rubyAuth}`,
            'Content-Type: application/json',
            'Connection: close',
            '',
            '',
          ].join('\r\n'),
        );
      });

    const expected: [string, string][] = [
      ['start', 'running'],
      ['stop', 'stopped'],
      ['restart', 'running'],
      ['pause', 'paused'],
      ['unpause', 'running'],
    ];
    for (const [action, state] of expected) {
      const parsed = await controlAction(action);
      expect({ action, body: parsed }).toMatchObject({ action, body: { cuid, status: state } });
    }
  });

  it('Python update_ports: returns True and the port list is replaced', async () => {
    const cuid = await createContainer(t, { ports: [{ host: 43181, container: 80 }] });
    const run = await python('update_ports.py', [cuid]).done;
    expectClean(run);
    expect(result(run)).toBe(true);
    const got = await t.http().get(`/containers/${cuid}`).expect(200);
    expect(got.body.ports).toEqual([
      { host: 43300, container: 3000, protocol: 'tcp' },
      { host: 43900, container: 9000, protocol: 'udp' },
    ]);
  });

  it('Python upload_files_to_container: uploads the three files; the container then starts and runs boot.py', async () => {
    const cuid = await createContainer(t, { tags: ['uploaded'] });
    const run = await python('upload_files.py', [cuid]).done;
    expectClean(run);
    expect(result(run)).toBe(true);
    for (const [file, content] of Object.entries(GUIDE_FILES)) {
      expect({ file, content: readFileSync(path.join(t.projectsDir, cuid, 'app', file), 'utf8') }).toEqual({
        file,
        content,
      });
    }
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    expect(await status(cuid)).toBe('running');
    // boot.py's own output, with the CONTAINER_UID and TAGS the service sets
    await eventually(async () => {
      const { stdout } = await execFileP('docker', ['logs', `${cuid}-app-1`]);
      return stdout.includes(`Container ${cuid} started\nTags: uploaded\nWorking...`);
    }, "boot.py's first lines in the container's log");
  });

  it('Node downloadFile and downloadDirectory: the bytes that were uploaded come back', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cm-download-'));
    try {
      const run = await node('download_files.js', [app, 'data/config.json', 'data'], cwd).done;
      expectClean(run);
      expect(run.stdout).toContain('DONE');
      expect(readFileSync(path.join(cwd, 'downloaded_file'), 'utf8')).toBe(GUIDE_FILES['data/config.json']);
      const zip = await unzipper.Open.buffer(readFileSync(path.join(cwd, 'container_backup.zip')));
      const files = zip.files.filter((f) => f.type === 'File');
      expect(files.map((f) => f.path)).toEqual(['config.json']);
      expect((await files[0]?.buffer())?.toString()).toBe(GUIDE_FILES['data/config.json']);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('Python ContainerTerminal: output, resize, INT interrupts the foreground job, exit frame closes', async () => {
    const run = await python('container_terminal.py', [app]).done;
    expectClean(run);
    expect(run.stdout).toMatch(/^hi\r?$/m);
    expect(run.stdout).toMatch(/^30 100\r?$/m);
    expect(run.stdout).toMatch(/^after-int\r?$/m);
    expect(run.stdout).toContain('[Process exited with code 0]');
    expect(run.stdout).toContain('CLOSED True');
    expect(run.stdout).not.toContain('[ERROR]');
  });

  it("Node ContainerExecutor.execute('ls -la /app'): exit code 0 and a listing with boot.py", async () => {
    const run = await node('container_executor.js', [app]).done;
    expectClean(run);
    expect(run.stdout).toMatch(/^Exit code: 0$/m);
    expect(run.stdout).toMatch(/^Output: /m);
    expect(run.stdout).toMatch(/\sboot\.py\r?$/m);
    expect(run.stdout).toMatch(/\srequirements\.txt\r?$/m);
  });

  it('Python stream_logs: existing and newly appended lines of /app/logs/app.log arrive', async () => {
    await execIn(t, app, ['sh', '-c', 'mkdir -p /app/logs && echo "first-line-$((40+2))" > /app/logs/app.log']);
    const example = python('stream_logs.py', [app], 40_000);
    await example.until(/first-line-42/);
    await execIn(t, app, ['sh', '-c', 'echo "second-line-$((40+3))" >> /app/logs/app.log']);
    await example.until(/second-line-43/);
    const run = await example.done;
    expectClean(run);
    expect(run.stdout).toMatch(/\[LOG\] /);
    expect(run.stdout).toContain('STREAM TIMEOUT');
  });

  it('Python safe_api_call + get_container_status: a status dict; a 404 prints the API error, returns None', async () => {
    const missing = 'c00000000-0000-4000-8000-000000000000';
    const run = await python('safe_api_call.py', [app, missing]).done;
    expectClean(run);
    const results = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('RESULT '))
      .map((l) => JSON.parse(l.slice(7)));
    expect(results).toEqual([
      expect.objectContaining({ status: 'running', exit_code: null, pid: expect.any(Number) }),
      null,
    ]);
    expect(run.stdout).toMatch(/^API Error: .+ \(ID: [0-9a-f-]{36}\)$/m);
  });

  it('Python APIClient (connection pooling): create_container answers 201', async () => {
    const run = await python('api_client.py').done;
    expectClean(run);
    const { status: code, body } = result(run);
    expect(code).toBe(201);
    expect(body).toMatchObject({ image: TEST_IMAGE, status: 'created' });
    await t.http().get(`/containers/${body.cuid}`).expect(200);
  });

  it('Python AsyncAPIClient.batch_create: three containers created concurrently', async () => {
    const run = await python('async_api_client.py').done;
    expectClean(run);
    expect(run.stdout).toMatch(/^Created 3 containers$/m);
    const created = result(run) as { cuid: string; image: string }[];
    expect(created).toHaveLength(3);
    expect(new Set(created.map((c) => c.cuid)).size).toBe(3);
    for (const c of created) {
      expect(c.image).toBe(TEST_IMAGE);
      expect(await status(c.cuid)).toBe('created');
    }
  });

  it('Python HealthMonitor: one loop reports the API healthy with the compose version', async () => {
    const run = await python('health_monitor.py').done;
    expectClean(run);
    expect(run.stdout).toMatch(/^API healthy: Compose \d+\.\d+\.\d+/m);
    expect(run.stdout).toContain('STOPPED');
  });

  it('Python analyze_logs: reads the audit log and finds the errors provoked', async () => {
    await t.http().get('/containers/c00000000-0000-4000-8000-000000000001').expect(404);
    await t.http().post('/containers').send({}).expect(400);
    await auditLines(t); // flushes the writer
    const run = await python('analyze_logs.py', [path.join(t.logDir, 'actions.jsonl')]).done;
    expectClean(run);
    const errors = result(run) as { error: string; code: string }[];
    expect(errors).toEqual(
      expect.arrayContaining([
        { error: 'not_found', code: 'CONTAINER_NOT_FOUND' },
        { error: 'validation_error', code: 'MISSING_IMAGE' },
      ]),
    );
    expect(run.stdout).toMatch(new RegExp(`^Found ${errors.length} errors$`, 'm'));
    expect(run.stdout).toMatch(/^Found \d+ slow requests$/m);
  });

  it('Python complete example (ContainerOrchestrator.deploy_and_run): output over attach, then deleted', async () => {
    const run = await python('complete_example.py', [], 90_000).done;
    expectClean(run);
    const cuid = /^Created container: (c[0-9a-f-]{36})$/m.exec(run.stdout)?.[1];
    expect(cuid).toBeDefined();
    expect(run.stdout).toContain('Code uploaded successfully');
    expect(run.stdout).toContain('Container started');
    expect(run.stdout).toContain(`[OUT] Hello from container ${cuid}`);
    expect(run.stdout).toContain('Environment: production');
    for (let i = 1; i <= 5; i++) expect(run.stdout).toMatch(new RegExp(`^(\\[OUT\\] )?Iteration ${i}\\r?$`, 'm'));
    expect(run.stdout).toContain('Done!');
    expect(run.stdout).toContain('Container stopped');
    expect(run.stdout).toContain('Container deleted');
    await eventually(
      async () => (await t.http().get(`/containers/${cuid}`)).status === 404,
      'the container to be gone',
    );
  });
});

/** The body of a raw HTTP/1.1 response (chunked and gzip decoded, as Net::HTTP does). */
function decodeHttpResponse(raw: Buffer): string {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split).toString('latin1').toLowerCase();
  let body = raw.subarray(split + 4);
  if (/^transfer-encoding:\s*chunked/m.test(head)) {
    const parts: Buffer[] = [];
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, eol).toString(), 16);
      if (!size) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  if (/^content-encoding:\s*gzip/m.test(head)) body = gunzipSync(body);
  return body.toString('utf8');
}
