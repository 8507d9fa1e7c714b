import { fakeConfig } from '../../test/support/fake-config';
import type { AppConfig } from '../common/config/app-config';
import { ValidationError } from '../common/errors/app-error';
import type { ComposeRunner } from '../compose/compose-runner';
import { ImageChecker } from './image-checker';
import { registryOf } from './image-registry';

/** A runner where no image is local and every pull succeeds; records what it was asked. */
function setup(config: Partial<Record<keyof AppConfig, unknown>>, local = false) {
  const calls: string[][] = [];
  const compose = {
    runDocker: (args: string[]) => {
      calls.push(args);
      return Promise.resolve({ exitCode: args[0] === 'image' && !local ? 1 : 0, stdout: '', stderr: '' });
    },
  } as unknown as ComposeRunner;
  return { checker: new ImageChecker(compose, fakeConfig(config)), calls };
}

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (err: ValidationError) => err.code,
  );
}

describe('registryOf', () => {
  it.each([
    ['python:3.12-slim', 'docker.io'],
    ['library/python', 'docker.io'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/x', '127.0.0.1:5000'],
    ['localhost/x', 'localhost'],
    ['Registry.Local:5000/x', 'registry.local:5000'],
  ])('%s → %s', (image, registry) => expect(registryOf(image)).toBe(registry));
});

describe('ImageChecker', () => {
  it('never: a local image is fine, a missing one is IMAGE_NOT_PRESENT and nothing is pulled', async () => {
    expect(await codeOf(setup({ imagePullPolicy: 'never' }, true).checker.ensureAvailable('x:1'))).toBeNull();
    const { checker, calls } = setup({ imagePullPolicy: 'never' });
    expect(await codeOf(checker.ensureAvailable('127.0.0.1:9/x'))).toBe('IMAGE_NOT_PRESENT');
    expect(calls.some((c) => c[0] === 'pull')).toBe(false);
  });

  it('allowlist: pulls only from listed registries', async () => {
    const config = { imagePullPolicy: 'allowlist', imageRegistriesAllowed: ['ghcr.io', 'docker.io'] };
    const refused = setup(config);
    expect(await codeOf(refused.checker.ensureAvailable('127.0.0.1:9/x'))).toBe('IMAGE_REGISTRY_NOT_ALLOWED');
    expect(refused.calls.some((c) => c[0] === 'pull')).toBe(false);
    const allowed = setup(config);
    expect(await codeOf(allowed.checker.ensureAvailable('ghcr.io/o/x:1'))).toBeNull();
    expect(allowed.calls).toContainEqual(['pull', '--quiet', '--', 'ghcr.io/o/x:1']);
    expect(await codeOf(setup(config).checker.ensureAvailable('python:3'))).toBeNull();
  });

  it('always: pulls from anywhere', async () => {
    const { checker, calls } = setup({ imagePullPolicy: 'always' });
    expect(await codeOf(checker.ensureAvailable('127.0.0.1:9/x'))).toBeNull();
    expect(calls.some((c) => c[0] === 'pull')).toBe(true);
  });
});
