import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UnavailableError } from '../common/errors/app-error';
import { FakeWorld, fakeWorld, unreachable } from '../../test/support/fake-engine';
import { LifecycleService } from './lifecycle.service';

/** Actions answer what happened: refused before anything ran, or done, even when the read-back fails. */
describe('LifecycleService: answers that tell the truth', () => {
  let w: FakeWorld;
  let lifecycle: LifecycleService;
  let cuid: string;

  beforeEach(async () => {
    w = await fakeWorld();
    lifecycle = new LifecycleService(w.containers, w.engine as never, w.cache, w.paths, w.locks, w.network);
    cuid = (await w.containers.create({ image: 'img:1' })).cuid;
    writeFileSync(path.join(w.paths.appDir(cuid), 'boot.py'), 'print(1)\n');
    w.engine.calls.length = 0;
  });
  afterEach(() => rmSync(w.paths.root, { recursive: true, force: true }));

  it('an engine that cannot say the state refuses the action before anything runs', async () => {
    w.engine.dockerStatus = 'running';
    w.engine.failWhen = (call) => (call[1] === 'inspect' ? unreachable() : undefined);
    await expect(lifecycle.run(cuid, 'stop')).rejects.toBeInstanceOf(UnavailableError);
    expect(w.engine.verbs()).toEqual(['docker inspect']);
  });

  it.each([
    ['start', 'exited', 'running'],
    ['stop', 'running', 'stopped'],
    ['pause', 'running', 'paused'],
    ['unpause', 'paused', 'running'],
    ['restart', 'running', 'running'],
  ] as const)(
    '%s that worked answers %s → %s even when the engine is gone for the read-back',
    async (action, from, to) => {
      w.engine.dockerStatus = from;
      let inspects = 0;
      w.engine.failWhen = (call) => (call[1] === 'inspect' && ++inspects > 1 ? unreachable() : undefined);
      await expect(lifecycle.run(cuid, action, 1)).resolves.toMatchObject({ cuid, status: to });
    },
  );

  it('a stop that worked marks the cache stale, so the next read asks the engine again', async () => {
    w.engine.dockerStatus = 'running';
    let inspects = 0;
    w.engine.failWhen = (call) => (call[1] === 'inspect' && ++inspects > 1 ? unreachable() : undefined);
    await lifecycle.run(cuid, 'stop', 1);
    expect(w.cache.isSynced).toBe(false);
  });

  it('a paused container whose stop fails is paused again, as it was', async () => {
    w.engine.dockerStatus = 'paused';
    w.engine.failWhen = (call) => (call[0] === 'stop' ? unreachable() : undefined);
    await expect(lifecycle.run(cuid, 'stop', 1)).rejects.toBeInstanceOf(UnavailableError);
    expect(w.engine.verbs()).toEqual(['docker inspect', 'unpause', 'stop', 'pause']);
  });

  it('a start the engine refuses changes no spec', async () => {
    const spec = w.store.get(cuid);
    w.engine.dockerStatus = 'exited';
    w.engine.failWhen = (call) => (call[0] === 'up' ? unreachable() : undefined);
    await expect(lifecycle.run(cuid, 'start')).rejects.toBeInstanceOf(UnavailableError);
    expect(w.store.get(cuid)).toBe(spec);
  });
});
