import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerContainers, SLEEPING_BOOT } from '../support/containers';
import { TEST_IMAGE } from '../support/e2e-app';
import { ServiceProcess, spawnService, stopService } from '../support/service-process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Deadlines live in the projects, not in memory: a TTL or an idle deadline that passes while the
 * service is down is applied at boot, and one that passes after a restart is applied on time.
 */
describe('reliability: lifetimes across restarts', () => {
  let service: ServiceProcess;
  let root: string;

  beforeAll(async () => {
    service = await spawnService();
    root = service.root;
  });
  afterAll(() => stopService(service));

  async function restart(signal: NodeJS.Signals, downForMs = 0): Promise<void> {
    service.child.kill(signal);
    await service.exited;
    await sleep(downForMs);
    service = await spawnService({}, root);
  }

  /** From the listing, which is not activity on the container. */
  async function statusOf(cuid: string): Promise<string> {
    const page = (await service.http().get('/containers').query({ limit: 500 }).expect(200)).body;
    return (page.containers as { cuid: string; status: string }[]).find((c) => c.cuid === cuid)?.status ?? 'gone';
  }

  async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  /** The reaper's audit entry for a container: applied by `system`, naming the deadline it enforced. */
  async function reaperEntry(action: string, cuid: string): Promise<Record<string, unknown> | undefined> {
    await until(
      () => Promise.resolve(readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8').includes(action)),
      action,
    );
    return readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.action === action && e.cuid === cuid);
  }

  const create = async (body: Record<string, unknown>) =>
    (
      await service
        .http()
        .post('/containers')
        .send({ image: TEST_IMAGE, ...body })
        .expect(201)
    ).body as Record<string, string>;

  it('a TTL that passed while the service was down is applied at boot', async () => {
    const c = await create({ ttl_s: 5 });
    const deadline = Date.parse(c.expires_at as string);
    await restart('SIGKILL', Math.max(0, deadline - Date.now()) + 1000);
    const booted = Date.now();
    await until(async () => (await statusOf(c.cuid as string)) === 'gone', 'the expiry at boot');
    expect(Date.now() - booted).toBeLessThan(10_000);
    expect(await dockerContainers(c.cuid as string)).toEqual([]);
    const entry = await reaperEntry('container.expire', c.cuid as string);
    expect(entry).toMatchObject({ user: 'system', status: 200, deadline: c.expires_at });
  });

  it('a TTL that passes after a restart is applied on time', async () => {
    const c = await create({ ttl_s: 5 });
    const deadline = Date.parse(c.expires_at as string);
    await restart('SIGTERM');
    expect(Date.now()).toBeLessThan(deadline);
    await until(async () => (await statusOf(c.cuid as string)) === 'gone', 'the expiry');
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(Date.now()).toBeLessThan(deadline + 10_000);
  });

  it('an idle deadline that passed while the service was down stops the container at boot', async () => {
    const c = await create({ idle_stop_s: 4 });
    const boot = path.join(service.projectsDir, c.cuid as string, 'app', 'boot.py');
    writeFileSync(boot, SLEEPING_BOOT);
    chownSync(boot, 1000, 1000);
    await service.http().post(`/containers/${c.cuid}/start`).expect(200);
    await restart('SIGKILL', 5000);
    const booted = Date.now();
    await until(async () => (await statusOf(c.cuid as string)) === 'stopped', 'the idle stop at boot');
    expect(Date.now() - booted).toBeLessThan(10_000);
    // The deadline it applied is the one that passed while the service was down, not one counted from boot.
    const entry = await reaperEntry('container.idle_stop', c.cuid as string);
    expect(entry).toMatchObject({ user: 'system', status: 200 });
    expect(Date.parse(entry?.deadline as string)).toBeLessThan(booted);
  });
});
