import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import WebSocket from 'ws';
import { SLEEPING_BOOT } from './containers';
import { TEST_IMAGE } from './e2e-app';
import { inErrorSchema, Outcome, SoakLedger, Tracked } from './soak-ledger';
import { buildZip } from './zip-fixtures';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const REQUEST_TIMEOUT_MS = 150_000;

interface Answer {
  outcome: Outcome;
  status?: number;
  body?: unknown;
  raw?: Buffer;
}

class CycleFailed extends Error {}

/**
 * One integrator's program: create, upload, start, exec (terminal socket), download, PATCH while
 * running (a recreate), stop, PATCH while stopped, then delete, or, every third cycle, start again
 * and keep the container. The first failed step ends the cycle (after one more PATCH) and its
 * container is kept, so the final checks still compare it with what this client was told.
 */
export class SoakClient {
  private cycle = 0;
  private patchSeq = 0;

  constructor(
    private readonly id: number,
    private readonly port: number,
    private readonly auth: string,
    private readonly ledger: SoakLedger,
  ) {}

  async runUntil(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      this.cycle += 1;
      const ok = await this.runCycle().then(
        () => true,
        (err) => {
          if (!(err instanceof CycleFailed)) throw err;
          return false;
        },
      );
      // A client that just saw a failure backs off a little, as a real one would.
      if (!ok) await sleep(500);
    }
  }

  private async runCycle(): Promise<void> {
    const created = await this.step('create', () =>
      this.call('post', '/containers').send({ image: TEST_IMAGE, env: { SEQ: '0' }, tags: ['soak', `c${this.id}`] }),
    );
    if (created.outcome === 'unknown') this.ledger.unknownCreates += 1;
    if (created.outcome !== 'ok') throw new CycleFailed();
    const tracked = this.ledger.track((created.body as { cuid: string }).cuid);
    try {
      await this.useContainer(tracked);
    } catch (err) {
      // Like a client that, having seen a failure, tries a different change at once: the final
      // check then shows whether a refused PATCH left anything behind.
      if (err instanceof CycleFailed && tracked.deleted !== 'ok') await this.patch(tracked).catch(() => undefined);
      throw err;
    }
  }

  private async useContainer(tracked: Tracked): Promise<void> {
    const cuid = tracked.cuid;
    const data = randomBytes(48 * 1024);
    const name = `data-${this.id}-${this.cycle}.bin`;
    const upload = await this.step('upload', () =>
      this.call('post', `/containers/${cuid}/upload-zip`)
        .set('Content-Type', 'application/zip')
        .send(
          buildZip([
            { name: 'boot.py', data: SLEEPING_BOOT, method: 0 },
            { name, data, method: 0 },
          ]),
        ),
    );
    tracked.files.push({ name, bytes: data, outcome: upload.outcome });
    this.expectOk(upload);
    this.expectOk(await this.step('start', () => this.call('post', `/containers/${cuid}/start`)));
    await this.exec(cuid, `sha256sum /app/${name}`, createHash('sha256').update(data).digest('hex'));
    await this.download(cuid, name, data);
    await this.patch(tracked);
    this.expectOk(await this.step('stop', () => this.call('post', `/containers/${cuid}/stop?timeout=2`)));
    await this.patch(tracked);
    if (this.cycle % 3 === 0) {
      this.expectOk(await this.step('start', () => this.call('post', `/containers/${cuid}/start`)));
      return;
    }
    const deleted = await this.step('delete', () => this.call('delete', `/containers/${cuid}`));
    tracked.deleted = deleted.outcome;
    this.expectOk(deleted);
  }

  private async patch(tracked: Tracked): Promise<void> {
    const seq = (this.patchSeq += 1) * 100 + this.id;
    const answer = await this.step('patch', () =>
      this.call('patch', `/containers/${tracked.cuid}`).send({ env: { SEQ: String(seq) }, tags: ['soak', `p${seq}`] }),
    );
    tracked.patches.push({ seq, outcome: answer.outcome });
    this.expectOk(answer);
  }

  private async download(cuid: string, name: string, data: Buffer): Promise<void> {
    const answer = await this.step(
      'download',
      () =>
        this.call('get', `/containers/${cuid}/download`)
          .query({ path: name })
          .buffer(true)
          .parse((res, done: (err: Error | null, body: Buffer) => void) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          }),
      (raw) => (raw.equals(data) ? undefined : 'download differs from upload'),
    );
    this.expectOk(answer);
  }

  private async exec(cuid: string, cmd: string, expected: string): Promise<void> {
    const start = Date.now();
    const result = await wsExec(this.port, this.auth, cuid, cmd);
    const wrong = result.outcome === 'ok' && !result.out.startsWith(expected) ? 'exec output differs' : undefined;
    this.ledger.record({
      client: this.id,
      cycle: this.cycle,
      op: 'exec',
      start,
      end: Date.now(),
      outcome: result.outcome,
      code: result.code,
      wrong,
    });
    if (result.outcome !== 'ok' || wrong) throw new CycleFailed();
  }

  /** Every call carries the credentials and a bound on how long it may take. */
  private call(method: 'get' | 'post' | 'patch' | 'delete', url: string): request.Test {
    return request(`http://127.0.0.1:${this.port}`)
      [method](url)
      .set('Authorization', this.auth)
      .timeout(REQUEST_TIMEOUT_MS);
  }

  private async step(
    op: string,
    send: () => request.Test,
    check?: (raw: Buffer) => string | undefined,
  ): Promise<Answer> {
    const start = Date.now();
    const answer = await send().then(
      (res): Answer => ({
        outcome: res.status < 400 ? 'ok' : 'refused',
        status: res.status,
        body: res.body,
        raw: Buffer.isBuffer(res.body) ? res.body : undefined,
      }),
      (err: NodeJS.ErrnoException): Answer => ({ outcome: err.code === 'ECONNREFUSED' ? 'unreached' : 'unknown' }),
    );
    const body = answer.body as { code?: string } | undefined;
    this.ledger.record({
      client: this.id,
      cycle: this.cycle,
      op,
      start,
      end: Date.now(),
      outcome: answer.outcome,
      status: answer.status,
      code: answer.outcome === 'refused' ? body?.code : undefined,
      badBody: answer.outcome === 'refused' && !inErrorSchema(answer.body, answer.status!),
      wrong: answer.outcome === 'ok' && check && answer.raw ? check(answer.raw) : undefined,
    });
    return answer;
  }

  private expectOk(answer: Answer): void {
    const last = this.ledger.ops[this.ledger.ops.length - 1];
    if (answer.outcome !== 'ok' || last?.wrong) throw new CycleFailed();
  }
}

interface ExecResult {
  outcome: Outcome;
  out: string;
  code?: string;
}

/** `mode=exec` over the terminal socket without a pty; resolves once the session is over. */
function wsExec(port: number, auth: string, cuid: string, cmd: string): Promise<ExecResult> {
  const url = `ws://127.0.0.1:${port}/ws/${cuid}?mode=exec&tty=false&cmd=${encodeURIComponent(cmd)}`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { Authorization: auth } });
    let out = '';
    let exit: number | null = null;
    let code: string | undefined;
    let settled = false;
    const settle = (r: ExecResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      ws.terminate();
      settle({ outcome: 'unknown', out, code: 'EXEC_TIMEOUT' });
    }, 60_000);
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as {
        type: string;
        data?: string;
        encoding?: string;
        code?: number;
        error?: { code: string };
      };
      if (frame.type === 'stdout')
        out += frame.encoding === 'base64' ? Buffer.from(frame.data!, 'base64').toString() : frame.data;
      else if (frame.type === 'exit') exit = frame.code ?? null;
      else if (frame.type === 'error') code = frame.error?.code;
    });
    ws.on('unexpected-response', (_req, res) => {
      settle({ outcome: 'refused', out, code: `HTTP_${res.statusCode ?? 0}` });
      ws.terminate();
    });
    ws.on('error', (err: NodeJS.ErrnoException) =>
      settle({ outcome: err.code === 'ECONNREFUSED' ? 'unreached' : 'unknown', out, code: err.code }),
    );
    ws.on('close', () => {
      if (exit === 0) settle({ outcome: 'ok', out });
      else settle({ outcome: code ? 'refused' : 'unknown', out, code: code ?? `EXIT_${exit}` });
    });
  });
}
