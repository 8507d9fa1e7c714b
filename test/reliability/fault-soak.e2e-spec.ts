import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { basicAuth, PASS, removeProjects, USER } from '../support/e2e-app';
import { engineFault, EngineFault } from '../support/engine-fault';
import { ServiceProcess, spawnService } from '../support/service-process';
import { SoakClient } from '../support/soak-client';
import { SoakLedger, Tracked } from '../support/soak-ledger';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 4);
const LOAD_MS = Number(process.env.SOAK_SECONDS ?? 75) * 1000;
/** After a fault, errors of requests still in flight or just retried belong to it. */
const SETTLE_MS = 2_000;

/**
 * Issue 18: mixed parallel load on the built service (a real process), an engine restart and a
 * SIGKILL of the service's process group while it runs, then: nothing acknowledged is lost, nothing
 * refused was applied, nothing deleted is left, every status agrees with Docker, every uploaded file
 * is byte-identical, and every audit line parses. Prints the figures the README reports.
 */
describe('reliability: faults under load', () => {
  let fault: EngineFault;
  let service: ServiceProcess;
  const ledger = new SoakLedger();
  const figures: Record<string, unknown> = {};
  const auth = basicAuth(USER, PASS);

  beforeAll(async () => {
    fault = engineFault();
    await fault.setup();
    service = await spawnService(fault.serviceEnv, undefined, { detached: true });
  });
  afterAll(async () => {
    killGroup(service);
    await service.exited;
    await fault.teardown();
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  const api = (): request.Agent => request.agent(service.baseUrl).set('Authorization', auth);

  /** Polls until `GET route` answers 200; resolves with the time it did. */
  async function until200(route: string, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ok = await api()
        .get(route)
        .timeout(10_000)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return Date.now();
      await sleep(100);
    }
    throw new Error(`${route} did not answer 200 within ${timeoutMs} ms`);
  }

  const statuses = async (): Promise<Map<string, string>> => {
    const body = (await api().get('/containers').query({ limit: 500 }).expect(200)).body as {
      containers: { cuid: string; status: string }[];
    };
    return new Map(body.containers.map((c) => [c.cuid, c.status]));
  };

  async function restartEngine(): Promise<void> {
    const running = [...(await statuses())].filter(([, s]) => s === 'running').map(([c]) => c);
    const { downAt, backAt } = await fault.outage();
    const apiBack = await until200('/containers');
    const after = await statuses();
    ledger.windows.push({ name: 'engine', from: downAt, to: apiBack + SETTLE_MS });
    figures.engine = {
      fault: fault.kind,
      unreachable_s: (backAt - downAt) / 1000,
      api_recovered_after_engine_s: (apiBack - backAt) / 1000,
      // With `restart: "no"` a real restart stops them; the final check compares every status with Docker's.
      running_before: running.length,
      reported_stopped_after: running.filter((c) => after.get(c) === 'stopped').length,
    };
  }

  async function killAndRestartService(): Promise<void> {
    const killedAt = Date.now();
    killGroup(service);
    await service.exited;
    service = await spawnService(fault.serviceEnv, service.root, { detached: true, port: service.port });
    const healthy = Date.now();
    ledger.windows.push({ name: 'service', from: killedAt, to: healthy + SETTLE_MS });
    figures.service = { restart_to_healthy_s: (healthy - killedAt) / 1000 };
  }

  it('keeps every answer true through an engine restart and a service SIGKILL', async () => {
    const started = Date.now();
    const deadline = started + LOAD_MS;
    const clients = Array.from({ length: CLIENTS }, (_, i) => new SoakClient(i + 1, service.port, auth, ledger));
    const load = Promise.all(clients.map((c) => c.runUntil(deadline)));
    const faults = (async () => {
      await sleep(LOAD_MS * 0.25);
      await restartEngine();
      await sleep(Math.max(LOAD_MS * 0.6 - (Date.now() - started), 10_000));
      await killAndRestartService();
    })();
    await Promise.all([load, faults]);
    await until200('/containers');

    const loadFigures = ledger.figures();
    Object.assign(figures, { clients: CLIENTS, load_s: LOAD_MS / 1000, ...loadFigures });
    const checks = await finalChecks();
    Object.assign(figures, checks);
    console.log(`fault soak figures:\n${JSON.stringify(figures, null, 2)}`);

    expect(ledger.ops.filter((o) => o.badBody)).toEqual([]);
    expect(ledger.ops.filter((o) => o.wrong)).toEqual([]);
    expect(ledger.errorsOutsideFaults()).toEqual([]);
    expect(checks.violations).toEqual([]);
    expect(ledger.ops.length).toBeGreaterThan(CLIENTS * 10);
  }, 300_000);

  async function finalChecks(): Promise<{ violations: string[] } & Record<string, unknown>> {
    const violations: string[] = [];
    const listed = (await api().get('/containers').query({ limit: 500 }).expect(200)).body.containers as {
      cuid: string;
      status: string;
    }[];
    const listedIds = new Set(listed.map((c) => c.cuid));
    let filesChecked = 0;
    for (const tracked of ledger.containers.values()) {
      filesChecked += await checkContainer(tracked, listedIds, violations);
    }
    // Containers the clients never heard of can only come from creates whose answer was lost.
    const strangers = [...listedIds].filter((c) => !ledger.containers.has(c));
    if (strangers.length > ledger.unknownCreates) violations.push(`unexplained containers: ${strangers.join(',')}`);
    await checkStatusesAgree(violations);
    const auditLines = checkAudit(violations);
    return {
      containers_at_end: listed.length,
      files_checked: filesChecked,
      audit_lines: auditLines,
      violations,
    };
  }

  async function checkContainer(t: Tracked, listedIds: Set<string>, violations: string[]): Promise<number> {
    const res = await api().get(`/containers/${t.cuid}`);
    const dir = path.join(service.projectsDir, t.cuid);
    if (t.deleted === 'ok') {
      if (res.status !== 404 || existsSync(dir) || listedIds.has(t.cuid))
        violations.push(`${t.cuid}: deleted but listed`);
      if ((await dockerProject(t.cuid)).length > 0) violations.push(`${t.cuid}: deleted but Docker holds it`);
      return 0;
    }
    if (res.status === 404) {
      if (t.deleted !== 'unknown') violations.push(`${t.cuid}: acknowledged container lost (delete: ${t.deleted})`);
      return 0;
    }
    const body = res.body as { env: Record<string, string>; tags: string[] };
    // The winning PATCH: the last acknowledged one, or one after it whose answer was lost. Never a refused one.
    const lastOk = t.patches.map((p) => p.outcome).lastIndexOf('ok');
    const allowed = new Set([lastOk < 0 ? '0' : String(t.patches[lastOk]!.seq)]);
    t.patches.slice(lastOk + 1).forEach((p) => p.outcome === 'unknown' && allowed.add(String(p.seq)));
    const seq = body.env.SEQ ?? 'missing';
    if (!allowed.has(seq)) violations.push(`${t.cuid}: env SEQ=${seq}, allowed ${[...allowed].join('|')}`);
    const expectedTag = seq === '0' ? body.tags[1]?.startsWith('c') : body.tags[1] === `p${seq}`;
    if (!expectedTag) violations.push(`${t.cuid}: tags ${body.tags.join(',')} do not go with SEQ=${seq}`);
    let checked = 0;
    for (const f of t.files) {
      const file = path.join(dir, 'app', f.name);
      const present = existsSync(file);
      if (f.outcome === 'ok' && !present) violations.push(`${t.cuid}: acknowledged upload ${f.name} lost`);
      if ((f.outcome === 'refused' || f.outcome === 'unreached') && present)
        violations.push(`${t.cuid}: refused upload ${f.name} was applied`);
      if (present && !readFileSync(file).equals(f.bytes)) violations.push(`${t.cuid}: ${f.name} differs`);
      checked += present ? 1 : 0;
    }
    return checked;
  }

  async function checkStatusesAgree(violations: string[]): Promise<void> {
    let mismatches: string[] = [];
    // Events reach the cache asynchronously; give the last ones a moment to land.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const { stdout } = await run('docker', [
        'ps',
        '-a',
        '--filter',
        `label=io.container-manager.root=${service.projectsDir}`,
        '--format',
        '{{.Label "com.docker.compose.project"}} {{.State}}',
      ]);
      const docker = new Map(
        stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => l.split(' ') as [string, string]),
      );
      const listed = (await api().get('/containers').query({ limit: 500 }).expect(200)).body.containers as {
        cuid: string;
        status: string;
      }[];
      mismatches = listed
        .map((c) => {
          const state = docker.get(c.cuid);
          const expected = state === undefined ? 'created' : state === 'exited' ? 'stopped' : state;
          return c.status === expected ? '' : `${c.cuid}: API ${c.status}, Docker ${state ?? 'none'}`;
        })
        .filter((m) => m !== '');
      const listedIds = new Set(listed.map((c) => c.cuid));
      for (const cuid of docker.keys()) if (!listedIds.has(cuid)) mismatches.push(`${cuid}: in Docker, not listed`);
      if (mismatches.length === 0) return;
      await sleep(1_000);
    }
    violations.push(...mismatches);
  }

  function checkAudit(violations: string[]): number {
    const lines = readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    lines.forEach((line, i) => {
      try {
        JSON.parse(line);
      } catch {
        violations.push(`audit line ${i + 1} does not parse`);
      }
    });
    return lines.length;
  }

  async function dockerProject(cuid: string): Promise<string[]> {
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${cuid}`]);
    const projects = readdirSync(service.projectsDir).filter((d) => d === cuid);
    return [...stdout.split('\n').filter((l) => l.trim() !== ''), ...projects];
  }
});

/** SIGKILL to the whole process group, as a supervisor killing the service would. */
function killGroup(service: ServiceProcess): void {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  try {
    process.kill(-service.child.pid!, 'SIGKILL');
  } catch {
    service.child.kill('SIGKILL');
  }
}
