import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { SessionRegistry } from '../src/terminal/session-registry';
import { createContainer, startSleepingContainer, writeBootPy } from './support/containers';
import { auditLines, startApp, TestApp } from './support/e2e-app';

const run = promisify(execFile);

interface Frame {
  type: string;
  data?: string;
  encoding?: 'utf8' | 'base64';
  code?: number;
  error?: Record<string, unknown>;
  /** The bytes of a binary output message (`output=binary`), its stream byte taken off. */
  raw?: Buffer;
}

/** A test client: collects every frame, and waits for what a test expects with generous timeouts. */
class Term {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  private waiters: (() => void)[] = [];

  /** Every client a test opened, so a failing test cannot leave sessions that count against the limits. */
  static readonly opened = new Set<Term>();

  constructor(readonly ws: WebSocket) {
    Term.opened.add(this);
    ws.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      if (isBinary) this.frames.push({ type: bytes[0] === 2 ? 'stderr' : 'stdout', raw: bytes.subarray(1) });
      else this.frames.push(JSON.parse(bytes.toString()) as Frame);
      this.notify();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    void this.closed.then(() => this.notify());
  }

  static open(t: TestApp, cuid: string, query = '', headers: Record<string, string> = {}): Promise<Term> {
    const ws = new WebSocket(`${t.wsUrl}/ws/${cuid}${query}`, { headers: { Authorization: t.authHeader, ...headers } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Term(ws)));
      ws.once('error', reject);
    });
  }

  output(stream = 'stdout'): string {
    return this.frames
      .filter((f) => f.type === stream)
      .map((f) => (f.encoding === 'base64' ? Buffer.from(f.data ?? '', 'base64').toString() : (f.data ?? '')))
      .join('');
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  input(text: string): void {
    this.send({ type: 'stdin', data: text, encoding: 'utf8' });
  }

  async until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames).slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilOutput(pattern: RegExp, stream = 'stdout'): Promise<RegExpMatchArray> {
    return this.until(() => this.output(stream).match(pattern) ?? undefined, `output ${pattern}`);
  }

  untilFrame(type: string): Promise<Frame> {
    return this.until(() => this.frames.find((f) => f.type === type), `a ${type} frame`);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

/** An upgrade the server refuses: its HTTP status, headers and JSON body. */
function refused(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: JSON.parse(text) as Record<string, unknown>,
        }),
      );
    });
  });
}

async function top(cuid: string): Promise<string> {
  const { stdout } = await run('docker', ['compose', '-p', cuid, 'top'], { timeout: 30_000 });
  return stdout;
}

async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The guide's Node.js ContainerExecutor, unchanged apart from taking the URL and credentials from the test. */
class ContainerExecutor {
  wsUrl: string;
  auth: string;
  constructor(baseUrl: string, cuid: string, username: string, password: string) {
    this.wsUrl = `ws://${baseUrl.replace('http://', '')}/ws/${cuid}`;
    this.auth = Buffer.from(`${username}:${password}`).toString('base64');
  }

  async execute(command: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, { headers: { Authorization: `Basic ${this.auth}` } });
      let output = '';
      let errorOutput = '';
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'stdin', data: command + '\n', encoding: 'utf8' }));
        setTimeout(() => {
          ws.send(JSON.stringify({ type: 'stdin', data: 'exit\n', encoding: 'utf8' }));
        }, 100);
      });
      ws.on('message', (data) => {
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the guide's code, kept as written
        const msg = JSON.parse(data.toString());
        if (msg.type === 'stdout') {
          output += msg.encoding === 'base64' ? Buffer.from(msg.data, 'base64').toString() : msg.data;
        } else if (msg.type === 'stderr') {
          errorOutput += msg.encoding === 'base64' ? Buffer.from(msg.data, 'base64').toString() : msg.data;
        } else if (msg.type === 'exit') {
          ws.close();
          resolve({ exitCode: msg.code, stdout: output, stderr: errorOutput });
        } else if (msg.type === 'error') {
          ws.close();
          reject(new Error(msg.error.message));
        }
      });
      ws.on('error', reject);
    });
  }
}

function expectErrorBody(body: Record<string, unknown> | undefined, error: string, code: string, status: number): void {
  expect(body).toMatchObject({ error, code, status, details: expect.any(Object) });
  expect(body?.request_id).toEqual(expect.any(String));
  expect(body?.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
}

describe('terminal /ws/:cuid (real app, real Docker engine)', () => {
  let t: TestApp;
  let cuid: string;

  beforeAll(async () => {
    t = await startApp({ TERMINAL_MAX_SESSIONS_PER_CONTAINER: '3', TERMINAL_ALLOWED_ORIGINS: 'https://ide.example' });
    cuid = await startSleepingContainer(t);
  });
  afterEach(async () => {
    for (const term of Term.opened) term.ws.terminate();
    await Promise.all([...Term.opened].map((term) => term.closed));
    Term.opened.clear();
    // A session holds its place until its leftovers in the container are swept: wait, so limits start clean.
    const registry = t.app.get(SessionRegistry);
    await eventually(() => Promise.resolve(registry.size === 0), 'the sessions of the last test to finish');
  });
  afterAll(async () => {
    await t.close();
  });

  it("runs the guide's ContainerExecutor: listing on stdout, exit frame with the shell's code", async () => {
    const [user, pass] = Buffer.from(t.authHeader.slice(6), 'base64').toString().split(/:(.*)/s);
    const executor = new ContainerExecutor(t.baseUrl, cuid, user ?? '', pass ?? '');
    const result = await executor.execute('ls -la /app');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('boot.py');
    expect(result.stdout).toMatch(/total \d+/);
  });

  it('exec mode ends with the command exit code, and runs pipes through sh -c', async () => {
    const three = await Term.open(t, cuid, `?mode=exec&cmd=${encodeURIComponent('exit 3')}`);
    expect(await three.untilFrame('exit')).toEqual({ type: 'exit', code: 3 });
    expect(await three.closed).toBe(1000);
    const piped = await Term.open(t, cuid, `?cmd=${encodeURIComponent('echo abc | tr a-c x-z')}`);
    expect((await piped.untilFrame('exit')).code).toBe(0);
    expect(piped.output()).toContain('xyz');
  });

  it('exec with tty=false keeps stdout and stderr apart, byte-exact, and takes signals', async () => {
    const cmd = 'echo out; echo err >&2; exit 2';
    const term = await Term.open(t, cuid, `?mode=exec&tty=false&cmd=${encodeURIComponent(cmd)}`);
    expect(await term.untilFrame('exit')).toEqual({ type: 'exit', code: 2 });
    expect(term.output('stdout')).toBe('out\n');
    expect(term.output('stderr')).toBe('err\n');
    const sleeper = await Term.open(t, cuid, `?mode=exec&tty=false&cmd=${encodeURIComponent('sleep 100')}`);
    await eventually(async () => (await top(cuid)).includes('sleep 100'), 'sleep 100 to run');
    sleeper.send({ type: 'signal', name: 'TERM' });
    expect(await sleeper.untilFrame('exit')).toEqual({ type: 'exit', code: 143 });
  });

  it('output=binary: output as binary messages (stream byte, raw bytes), stdout and stderr apart; exit stays JSON', async () => {
    const cmd = "printf 'a\\377\\376b'; printf err >&2; head -c 300000 /dev/zero | tr '\\0' x";
    const term = await Term.open(t, cuid, `?mode=exec&tty=false&output=binary&cmd=${encodeURIComponent(cmd)}`);
    expect(await term.untilFrame('exit')).toEqual({ type: 'exit', code: 0 });
    const bytes = (stream: string): Buffer =>
      Buffer.concat(term.frames.filter((f) => f.type === stream).map((f) => f.raw ?? Buffer.from('NOT BINARY')));
    expect(bytes('stdout')).toEqual(Buffer.concat([Buffer.from([0x61, 0xff, 0xfe, 0x62]), Buffer.alloc(300000, 'x')]));
    expect(bytes('stderr').toString()).toBe('err');
    expect(term.frames.filter((f) => f.type === 'stdout').length).toBeGreaterThan(1);
    // On a pty too: the shell's bytes as they are.
    const pty = await Term.open(t, cuid, `?output=binary`);
    pty.send({ type: 'stdin', data: 'echo bin$((6*7))\n', encoding: 'utf8' });
    await pty.until(
      () => /bin42/.test(Buffer.concat(pty.frames.map((f) => f.raw ?? Buffer.alloc(0))).toString()),
      'bin42',
    );
    expect(pty.frames.every((f) => f.type === 'exit' || f.raw !== undefined)).toBe(true);
    pty.send({ type: 'close' });
    await pty.closed;
  });

  it('delivers multibyte UTF-8 intact and never split across frames; invalid bytes as base64', async () => {
    const cmd = `python -c "import sys; sys.stdout.write('😀é中' * 50000)"`;
    const term = await Term.open(t, cuid, `?mode=exec&cmd=${encodeURIComponent(cmd)}`);
    expect((await term.untilFrame('exit')).code).toBe(0);
    const stdout = term.frames.filter((f) => f.type === 'stdout');
    expect(stdout.length).toBeGreaterThan(1);
    expect(stdout.every((f) => f.encoding === 'utf8')).toBe(true);
    expect(stdout.map((f) => f.data).join('')).toBe('😀é中'.repeat(50000));
    const binary = await Term.open(t, cuid, `?mode=exec&cmd=${encodeURIComponent("printf 'a\\377\\376b'")}`);
    await binary.untilFrame('exit');
    const frame = binary.frames.find((f) => f.type === 'stdout');
    expect(frame?.encoding).toBe('base64');
    expect(Buffer.from(frame?.data ?? '', 'base64')).toEqual(Buffer.from([0x61, 0xff, 0xfe, 0x62]));
  });

  it('applies the initial size and resize frames to the pty', async () => {
    const term = await Term.open(t, cuid, '?cols=100&rows=30');
    // Docker applies an exec's size just after starting it, so the very first command may still see 80x24.
    await term.until(() => {
      term.input('stty size\n');
      return /^30 100\r?$/m.test(term.output());
    }, 'stty to report 30 100');
    term.send({ type: 'resize', cols: 132, rows: 43 });
    await term.until(() => {
      term.input('stty size\n');
      return /^43 132\r?$/m.test(term.output());
    }, 'stty to report 43 132');
    term.send({ type: 'close' });
    await term.closed;
  });

  it('INT interrupts the foreground job of the shell, and the shell carries on', async () => {
    const term = await Term.open(t, cuid);
    term.input('echo sleep""ing; sleep 100\n');
    await term.untilOutput(/^sleeping\r?$/m);
    await eventually(async () => (await top(cuid)).includes('sleep 100'), 'sleep 100 to run');
    term.send({ type: 'signal', name: 'INT' });
    term.input('echo "rc=$?"\n'); // typed ahead: the shell reads it once sleep has died of SIGINT
    await term.untilOutput(/^rc=130\r?$/m);
    term.input('exit 4\n');
    expect((await term.untilFrame('exit')).code).toBe(4);
  });

  it('closing the socket ends the session processes inside the container, background jobs included', async () => {
    const term = await Term.open(t, cuid);
    term.input('sleep 9999 & sleep 9998\n');
    await eventually(async () => (await top(cuid)).includes('sleep 9998'), 'sleep 9998 to run');
    expect(await top(cuid)).toContain('sleep 9999');
    term.ws.terminate(); // no close frame: the client just vanishes
    await eventually(async () => !/sleep 999[89]/.test(await top(cuid)), 'the sleeps to be gone');
  });

  it('a shell that exits leaves no background job behind', async () => {
    const term = await Term.open(t, cuid);
    term.input('sleep 9996 & exit 0\n');
    expect((await term.untilFrame('exit')).code).toBe(0);
    await eventually(async () => !(await top(cuid)).includes('sleep 9996'), 'sleep 9996 to be gone');
  });

  it('refuses an unauthenticated upgrade with 401, a Basic challenge and no socket; audits it', async () => {
    const none = await refused(`${t.wsUrl}/ws/${cuid}`, {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    expectErrorBody(none.body, 'auth_error', 'AUTH_REQUIRED', 401);
    const wrong = await refused(`${t.wsUrl}/ws/${cuid}`, {
      Authorization: `Basic ${Buffer.from('mallory:nope').toString('base64')}`,
      'X-Request-Id': 'ws-auth-1',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['x-request-id']).toBe('ws-auth-1');
    expectErrorBody(wrong.body, 'auth_error', 'INVALID_CREDENTIALS', 401);
    const entry = (await auditLines(t)).find((l) => l.request_id === 'ws-auth-1');
    expect(entry).toMatchObject({ action: 'terminal.open', status: 401, error: 'auth_error', user: 'mallory' });
  });

  it('refuses a foreign browser Origin with 403 and accepts its own host and the allowed list', async () => {
    const evil = await refused(`${t.wsUrl}/ws/${cuid}`, {
      Authorization: t.authHeader,
      Origin: 'https://evil.example',
    });
    expect(evil.status).toBe(403);
    expectErrorBody(evil.body, 'auth_error', 'ORIGIN_NOT_ALLOWED', 403);
    const own = await Term.open(t, cuid, '?mode=exec&cmd=true', { Origin: t.baseUrl });
    expect((await own.untilFrame('exit')).code).toBe(0);
    const listed = await Term.open(t, cuid, '?mode=exec&cmd=true', { Origin: 'https://ide.example' });
    expect((await listed.untilFrame('exit')).code).toBe(0);
  });

  it('answers an unknown or malformed cuid with 404 CONTAINER_NOT_FOUND before upgrading', async () => {
    const unknown = await refused(`${t.wsUrl}/ws/c00000000-0000-4000-8000-000000000000`, {
      Authorization: t.authHeader,
    });
    expect(unknown.status).toBe(404);
    expectErrorBody(unknown.body, 'not_found', 'CONTAINER_NOT_FOUND', 404);
    const malformed = await refused(`${t.wsUrl}/ws/..%2F..%2Fetc`, { Authorization: t.authHeader });
    expectErrorBody(malformed.body, 'not_found', 'CONTAINER_NOT_FOUND', 404);
    const badQuery = await refused(`${t.wsUrl}/ws/${cuid}?mode=rootkit`, { Authorization: t.authHeader });
    expectErrorBody(badQuery.body, 'validation_error', 'INVALID_MODE', 400);
    const badOutput = await refused(`${t.wsUrl}/ws/${cuid}?output=text`, { Authorization: t.authHeader });
    expectErrorBody(badOutput.body, 'validation_error', 'INVALID_OUTPUT_FORMAT', 400);
  });

  it('answers a container that is not running with a CONTAINER_NOT_RUNNING error frame, then closes', async () => {
    const idle = await createContainer(t);
    const term = await Term.open(t, idle);
    const frame = await term.untilFrame('error');
    expectErrorBody(frame.error, 'state_error', 'CONTAINER_NOT_RUNNING', 422);
    await term.closed;
    expect(term.frames).toHaveLength(1);
  });

  it('answers invalid frames with validation error frames and keeps the session usable', async () => {
    const term = await Term.open(t, cuid);
    const bad: [unknown, string][] = [
      ['{"type":', 'INVALID_JSON'],
      ['[1,2]', 'INVALID_FRAME'],
      [{ type: 'dance' }, 'UNKNOWN_FRAME_TYPE'],
      [{ type: 'stdin', data: 'a*b', encoding: 'base64' }, 'INVALID_BASE64'],
      [{ type: 'stdin', data: 42 }, 'INVALID_STDIN_DATA'],
      [{ type: 'stdin', data: 'x', encoding: 'latin1' }, 'INVALID_ENCODING'],
      [{ type: 'resize', cols: '80', rows: 24 }, 'INVALID_TERMINAL_SIZE'],
      [{ type: 'signal', name: 'BOOM' }, 'INVALID_SIGNAL'],
    ];
    for (const [frame, code] of bad) {
      const before = term.frames.length;
      term.send(frame);
      const reply = await term.until(
        () => term.frames.slice(before).find((f) => f.type === 'error'),
        `an error frame for ${code}`,
      );
      expectErrorBody(reply.error, 'validation_error', code, 400);
    }
    term.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await term.until(
      () => term.frames.some((f) => f.error?.code === 'BINARY_FRAME_UNSUPPORTED'),
      'BINARY_FRAME_UNSUPPORTED',
    );
    term.send({ type: 'stdin', data: Buffer.from('echo ok-$((40+2))\n').toString('base64'), encoding: 'base64' });
    await term.untilOutput(/^ok-42\r?$/m);
    term.input('exit\n');
    expect((await term.untilFrame('exit')).code).toBe(0);
  });

  it('limits sessions per container with a TOO_MANY_CONTAINER_SESSIONS frame and close code 1013', async () => {
    const open = await Promise.all([1, 2, 3].map(() => Term.open(t, cuid)));
    await Promise.all(open.map((term) => term.untilOutput(/\$ $/)));
    const extra = await Term.open(t, cuid);
    const frame = await extra.untilFrame('error');
    expectErrorBody(frame.error, 'rate_limited', 'TOO_MANY_CONTAINER_SESSIONS', 429);
    expect(await extra.closed).toBe(1013);
    for (const term of open) term.send({ type: 'close' });
    await Promise.all(open.map((term) => term.closed));
    const again = await Term.open(t, cuid, '?mode=exec&cmd=true');
    expect((await again.untilFrame('exit')).code).toBe(0);
  });

  it('attach mode replays boot.py output, forwards stdin, keeps stderr apart and ends with its exit code', async () => {
    const app = await createContainer(t);
    writeBootPy(
      t,
      app,
      [
        'import sys',
        'print("hello from boot ✓", flush=True)',
        'line = sys.stdin.readline()',
        'print(f"got: {line.strip()}", flush=True)',
        'print("to stderr", file=sys.stderr, flush=True)',
        'sys.exit(7)',
        '',
      ].join('\n'),
    );
    await t.http().post(`/containers/${app}/start`).expect(200);
    const term = await Term.open(t, app, '?mode=attach');
    await term.untilOutput(/hello from boot ✓/);
    term.input('ping\n');
    await term.untilOutput(/got: ping/);
    expect(await term.untilFrame('exit')).toEqual({ type: 'exit', code: 7 });
    expect(term.output('stderr')).toContain('to stderr');
    const exit = term.frames.findIndex((f) => f.type === 'exit');
    expect(exit).toBe(term.frames.length - 1);
  });

  it('writes one terminal.session audit line per session, with sizes and never the input', async () => {
    const term = await Term.open(t, cuid, '', { 'X-Request-Id': 'ws-audit-1' });
    term.input('echo not-for-the-log-4711 >/dev/null; exit 5\n');
    expect((await term.untilFrame('exit')).code).toBe(5);
    await term.closed;
    const lines = await auditLines(t);
    const entry = await (async () => {
      for (let i = 0; i < 40; i++) {
        const found = (await auditLines(t)).find((l) => l.request_id === 'ws-audit-1');
        if (found) return found;
        await new Promise((r) => setTimeout(r, 250));
      }
      return undefined;
    })();
    expect(entry).toMatchObject({
      action: 'terminal.session',
      status: 101,
      user: 'admin',
      cuid,
      mode: 'shell',
      exit_code: 5,
      bytes_in: expect.any(Number),
      bytes_out: expect.any(Number),
      opened_at: expect.any(String),
      duration_ms: expect.any(Number),
    });
    expect(entry?.bytes_in).toBeGreaterThan(10);
    expect(lines.length).toBeGreaterThan(0);
    expect(readFileSync(`${t.logDir}/actions.jsonl`, 'utf8')).not.toContain('not-for-the-log-4711');
  });

  it('on application shutdown sends exit and closes every terminal, ending its processes', async () => {
    const term = await Term.open(t, cuid);
    term.input('sleep 9997\n');
    await eventually(async () => (await top(cuid)).includes('sleep 9997'), 'sleep 9997 to run');
    await t.app.close();
    expect(await term.closed).toBe(1001);
    expect(term.frames.some((f) => f.type === 'exit')).toBe(true);
    expect(await top(cuid)).not.toContain('sleep 9997');
  });
});
