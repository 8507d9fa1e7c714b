import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { ComposeError, UnavailableError, ValidationError } from '../common/errors/app-error';
import { FakeWorld, fakeWorld, unreachable } from '../../test/support/fake-engine';

/**
 * Every write answers the truth: an error leaves the spec (in memory and on disk) as it was, and a
 * success stays a success even when the engine cannot be asked for the state afterwards.
 */
describe('ContainersService: all or nothing', () => {
  let w: FakeWorld;
  let cuid: string;
  let file: string;
  let before: string;

  beforeEach(async () => {
    w = await fakeWorld();
    cuid = (await w.containers.create({ image: 'img:1', env: { A: '1' }, tags: ['t'] })).cuid;
    file = w.paths.composeFile(cuid);
    before = readFileSync(file, 'utf8');
    w.engine.calls.length = 0;
  });
  afterEach(() => rmSync(w.paths.root, { recursive: true, force: true }));

  const unchanged = (): void => {
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(w.store.get(cuid)?.env).toEqual({ A: '1' });
    expect(w.store.get(cuid)?.ports).toEqual([]);
  };

  it('a PATCH refused because the engine cannot say the state saves nothing', async () => {
    w.engine.failWhen = unreachableFor('docker inspect');
    await expect(w.containers.update(cuid, { env: { B: '2' }, tags: ['x'] })).rejects.toBeInstanceOf(UnavailableError);
    unchanged();
    expect(w.store.get(cuid)?.tags).toEqual(['t']);
  });

  it('a ports PATCH refused because the engine cannot say the state saves nothing', async () => {
    w.engine.failWhen = unreachableFor('docker inspect');
    await expect(w.containers.updatePorts(cuid, [{ host: 9000, container: 80, protocol: 'tcp' }])).rejects.toThrow(
      UnavailableError,
    );
    unchanged();
  });

  it('a recreate that fails puts the old spec back and brings the container back with it', async () => {
    w.engine.dockerStatus = 'running';
    let ups = 0;
    w.engine.failWhen = (call) => (call[0] === 'up' && ++ups === 1 ? unreachable() : undefined);
    await expect(w.containers.update(cuid, { env: { B: '2' } })).rejects.toBeInstanceOf(UnavailableError);
    unchanged();
    expect(w.engine.verbs().filter((v) => v === 'up')).toHaveLength(2);
  });

  it('a recreate that fails for a port answers PORT_BIND_FAILED with the old ports in place', async () => {
    w.engine.dockerStatus = 'running';
    let ups = 0;
    w.engine.failWhen = (call) =>
      call[0] === 'up' && ++ups === 1
        ? new ComposeError('COMPOSE_FAILED', 'up failed', { stderr: ['0.0.0.0:9000: port is already allocated'] })
        : undefined;
    await expect(
      w.containers.updatePorts(cuid, [{ host: 9000, container: 80, protocol: 'tcp' }]),
    ).rejects.toMatchObject({ code: 'PORT_BIND_FAILED' });
    unchanged();
  });

  it('a recreate that worked is a success even if the engine goes away before the read-back', async () => {
    w.engine.dockerStatus = 'running';
    let inspects = 0;
    w.engine.failWhen = (call) => (call[1] === 'inspect' && ++inspects > 1 ? unreachable() : undefined);
    const result = await w.containers.update(cuid, { env: { B: '2' } });
    expect(result).toMatchObject({ status: 'running', recreated: true, env: { A: '1', B: '2' } });
    expect(readFileSync(file, 'utf8')).toContain('B: "2"');
  });

  it('a stopped container takes the change without recreating', async () => {
    w.engine.dockerStatus = 'exited';
    const result = await w.containers.update(cuid, { env: { B: '2' } });
    expect(result).toMatchObject({ status: 'stopped', recreated: false });
    expect(w.engine.verbs()).not.toContain('up');
  });

  it('a create the engine refuses leaves no directory and tries to remove what it made', async () => {
    w.engine.failWhen = (call) => (call[0] === 'create' ? unreachable() : undefined);
    await expect(w.containers.create({ image: 'img:1' })).rejects.toBeInstanceOf(UnavailableError);
    // (`docker ps`: the fake world has no events stream, so every create re-syncs first.)
    expect(w.engine.verbs().filter((v) => v !== 'docker ps')).toEqual(['create', 'down']);
    expect(w.store.all().map((s) => s.cuid)).toEqual([cuid]);
  });

  it('a create while the engine is known to be away refuses before writing anything', async () => {
    w.engine.failWhen = unreachableFor('docker ps');
    const dirs = readdirSync(w.paths.root);
    await expect(w.containers.create({ image: 'img:1' })).rejects.toBeInstanceOf(UnavailableError);
    expect(w.engine.verbs()).toEqual(['docker ps']);
    expect(readdirSync(w.paths.root)).toEqual(dirs);
  });

  it('looks at the image only when the create failed, then refuses a missing one with nothing left', async () => {
    const refusal = new ValidationError('IMAGE_NOT_PRESENT', 'not here', {});
    w.images.isPresent = jest.fn(() => Promise.resolve(false));
    w.images.ensureAvailable = jest.fn(() => Promise.reject(refusal));
    w.engine.failWhen = (call) =>
      call[0] === 'create' ? new ComposeError('COMPOSE_FAILED', 'no image', {}) : undefined;
    const dirs = readdirSync(w.paths.root);
    await expect(w.containers.create({ image: 'gone:1' })).rejects.toBe(refusal);
    expect(w.images.isPresent).toHaveBeenCalledWith('gone:1');
    expect(readdirSync(w.paths.root).filter((d) => !d.startsWith('.deleting-'))).toEqual(dirs);
    expect(w.store.all().map((s) => s.cuid)).toEqual([cuid]);
  });

  it('makes the container again once a missing image was pulled', async () => {
    let creates = 0;
    w.images.isPresent = jest.fn(() => Promise.resolve(false));
    w.images.ensureAvailable = jest.fn(() => Promise.resolve());
    w.engine.failWhen = (call) =>
      call[0] === 'create' && (creates += 1) === 1 ? new ComposeError('COMPOSE_FAILED', 'no image', {}) : undefined;
    const created = await w.containers.create({ image: 'pulled:1' });
    expect(w.images.ensureAvailable).toHaveBeenCalledWith('pulled:1');
    expect(creates).toBe(2);
    expect(existsSync(w.paths.composeFile(created.cuid))).toBe(true);
  });

  it('a create that worked never asks about the image', async () => {
    w.images.isPresent = jest.fn(() => Promise.resolve(true));
    await w.containers.create({ image: 'img:1' });
    expect(w.images.isPresent).not.toHaveBeenCalled();
    expect(w.engine.verbs()).not.toContain('docker image');
  });

  it('a create that worked is a success even if the engine goes away before the read-back', async () => {
    w.engine.failWhen = unreachableFor('docker inspect');
    const created = await w.containers.create({ image: 'img:1' });
    expect(created.status).toBe('created');
    expect(existsSync(w.paths.composeFile(created.cuid))).toBe(true);
  });

  it('a delete the engine refuses keeps the container and its files', async () => {
    w.engine.failWhen = (call) => (call[0] === 'down' ? unreachable() : undefined);
    await expect(w.containers.remove(cuid)).rejects.toBeInstanceOf(UnavailableError);
    unchanged();
    expect(existsSync(w.paths.appDir(cuid))).toBe(true);
  });
});

function unreachableFor(verb: string): (call: string[]) => Error | undefined {
  return (call) => (`${call[0]} ${call[1]}` === verb ? unreachable() : undefined);
}
