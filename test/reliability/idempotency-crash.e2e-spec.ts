import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerContainers } from '../support/containers';
import { TEST_IMAGE } from '../support/e2e-app';
import { ServiceProcess, spawnService, stopService } from '../support/service-process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A create whose server is SIGKILLed mid-way, retried with the same Idempotency-Key after a restart,
 * ends with exactly one whole container: the key and its reserved cuid are on disk before anything is
 * created, and the retry finishes that same container.
 */
describe('reliability: Idempotency-Key across a SIGKILL of the server', () => {
  let service: ServiceProcess;
  let root: string;

  beforeAll(async () => {
    service = await spawnService();
    root = service.root;
  });
  afterAll(() => stopService(service));

  async function restart(): Promise<void> {
    service.child.kill('SIGKILL');
    await service.exited;
    service = await spawnService({}, root);
  }

  const projects = (): string[] => readdirSync(service.projectsDir).filter((n) => n.startsWith('c'));

  it.each([0, 30, 80, 150, 300, 600])(
    'kill %i ms into a create, retry with the same key: one container',
    async (delayMs) => {
      const key = `crash-create-${delayMs}`;
      const body = { image: TEST_IMAGE, tags: [`crash-${delayMs}`] };
      const before = new Set(projects());
      const send = () => service.http().post('/containers').set('Idempotency-Key', key).send(body);
      const pending = send().then(
        (r) => r.status,
        () => 'killed',
      );
      await sleep(delayMs);
      await restart();
      await pending;

      // What the killed attempt left on disk, if anything, is what the retry must finish.
      const leftBehind = projects().filter((p) => !before.has(p));
      const retry = await send();
      expect(retry.status).toBe(201);
      if (leftBehind.length > 0) expect(leftBehind).toEqual([retry.body.cuid]);
      const again = await send().expect(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body.cuid).toBe(retry.body.cuid);

      const made = projects().filter((p) => !before.has(p));
      expect(made).toEqual([retry.body.cuid]);
      const listed = (
        await service
          .http()
          .get('/containers')
          .query({ tag: `crash-${delayMs}` })
          .expect(200)
      ).body.containers as { cuid: string }[];
      expect(listed.map((c) => c.cuid)).toEqual([retry.body.cuid]);
      // Whole: Docker has its one container.
      expect(await dockerContainers(retry.body.cuid as string)).toHaveLength(1);
    },
  );

  it('a kill after the project is written but before Docker has its container: the retry finishes that one', async () => {
    // A docker CLI that lingers before `compose create`, so the kill lands exactly in that window.
    const slowDocker = path.join(root, 'slow-docker.sh');
    writeFileSync(slowDocker, '#!/bin/sh\ncase " $* " in *" create "*) sleep 8;; esac\nexec docker "$@"\n');
    chmodSync(slowDocker, 0o755);
    service.child.kill('SIGKILL');
    await service.exited;
    service = await spawnService({ DOCKER_BIN: slowDocker }, root);

    const before = new Set(projects());
    const body = { image: TEST_IMAGE, tags: ['window'] };
    const send = () => service.http().post('/containers').set('Idempotency-Key', 'in-the-window').send(body);
    const pending = send().then(
      (r) => r.status,
      () => 'killed',
    );
    let made: string[] = [];
    for (let i = 0; i < 200 && made.length === 0; i += 1) {
      await sleep(50);
      made = projects().filter((p) => !before.has(p));
    }
    expect(made).toHaveLength(1);
    await restart();
    await pending;
    expect(await dockerContainers(made[0] as string)).toEqual([]);

    const retry = await send().expect(201);
    expect(retry.body.cuid).toBe(made[0]);
    expect(projects().filter((p) => !before.has(p))).toEqual(made);
    expect(await dockerContainers(made[0] as string)).toHaveLength(1);
  });

  it('replays a finished answer after a restart, and still refuses another body', async () => {
    const body = { image: TEST_IMAGE, tags: ['after-restart'] };
    const first = await service.http().post('/containers').set('Idempotency-Key', 'survives').send(body).expect(201);
    await restart();
    const again = await service.http().post('/containers').set('Idempotency-Key', 'survives').send(body).expect(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    const other = await service
      .http()
      .post('/containers')
      .set('Idempotency-Key', 'survives')
      .send({ ...body, tags: ['x'] })
      .expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
