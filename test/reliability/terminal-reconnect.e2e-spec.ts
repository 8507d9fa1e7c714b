import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { basicAuth, PASS, TEST_IMAGE, TestApp, USER } from '../support/e2e-app';
import { ServiceProcess, spawnService, stopService } from '../support/service-process';
import { Frame, TermClient } from '../support/term-client';

const run = promisify(execFile);
const AUTH = basicAuth(USER, PASS);
const CYCLES = 200;
const CONCURRENCY = 4;
/** Busy loops beside the cycles: the slot must come free on a loaded machine, not only on a quiet one. */
const SPINNERS = 2;

const fdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

function sessionsEnded(service: ServiceProcess): number {
  try {
    return readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"terminal.session"')).length;
  } catch {
    return 0;
  }
}

async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Issue #15: a client that reconnects right after its network dropped must get a session. Each cycle
 * opens a shell, waits for its prompt and drops the connection without a close frame (as a network
 * drop does); the next cycle starts at once. Four clients at a time, against the default limit of 10
 * sessions per container, while the dropped sessions are still being swept inside the container.
 */
describe('reliability: terminal reconnects after abrupt disconnects', () => {
  let service: ServiceProcess;
  let cuid: string;
  const spinners: ChildProcess[] = [];

  beforeAll(async () => {
    service = await spawnService();
    const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
    cuid = created.body.cuid as string;
    writeBootPy({ projectsDir: service.projectsDir } as TestApp, cuid, SLEEPING_BOOT);
    await service.http().post(`/containers/${cuid}/start`).expect(200);
  });
  afterEach(() => TermClient.terminateAll());
  afterAll(async () => {
    for (const s of spinners) s.kill('SIGKILL');
    await stopService(service);
  });

  it(`${CYCLES} open/drop cycles at concurrency ${CONCURRENCY} get ${CYCLES} sessions, no refusal, nothing left behind`, async () => {
    const pid = service.child.pid ?? 0;
    const fdsBefore = fdCount(pid);
    const endedBefore = sessionsEnded(service);
    for (let i = 0; i < SPINNERS; i++) {
      spinners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    }
    const refusals: Frame[] = [];
    let opened = 0;
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < CYCLES) {
        next += 1;
        const term = await TermClient.open(service.baseUrl, AUTH, `/ws/${cuid}`);
        term.input('echo rea""dy\n');
        const outcome = await term.until(
          () => term.frames.find((f) => f.type === 'error') ?? (/ready/.test(term.output()) ? 'ready' : null),
          'the prompt or a refusal',
        );
        if (outcome === 'ready') opened += 1;
        else refusals.push(outcome);
        term.ws.terminate(); // no close frame: the server learns of it from the socket alone
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    for (const s of spinners.splice(0)) s.kill('SIGKILL');

    expect(refusals).toEqual([]);
    expect(opened).toBe(CYCLES);
    // Every dropped session is swept and audited; its processes inside the container are gone.
    await until(() => sessionsEnded(service) - endedBefore >= CYCLES, 'every session to end');
    const { stdout } = await run('docker', ['compose', '-p', cuid, 'top'], { timeout: 30_000 });
    expect(stdout).not.toMatch(/bash -l|sh -l/);
    await until(() => fdCount(pid) <= fdsBefore + 2, 'descriptors back to the baseline', 10_000);
  }, 300_000);
});
