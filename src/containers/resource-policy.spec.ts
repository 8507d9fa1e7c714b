import { fakeConfig } from '../../test/support/fake-config';
import { ValidationError } from '../common/errors/app-error';
import { ResourcePolicy } from './resource-policy';

const policy = (defaults = {}, max = {}): ResourcePolicy =>
  new ResourcePolicy(fakeConfig({ defaultResources: defaults, maxResources: max }));

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as ValidationError).code;
  }
  return undefined;
}

describe('ResourcePolicy', () => {
  const defaults = { cpus: 1, memory: '1g', pids: 512 };

  it('fills what a create omits with the defaults and keeps what it asks', () => {
    expect(policy(defaults).forCreate(undefined)).toEqual({ cpus: 1, memory: '1g', pids: 512 });
    expect(policy(defaults).forCreate({ memory: '4096m' })).toEqual({ cpus: 1, memory: '4096m', pids: 512 });
    expect(policy({}).forCreate({ pids: 10 })).toEqual({ pids: 10 });
  });

  it('refuses a create or update above a maximum with RESOURCE_ABOVE_MAX', () => {
    const p = policy(defaults, { cpus: 1, memory: '2g', pids: 1000 });
    expect(code(() => p.forCreate({ memory: '2049m' }))).toBe('RESOURCE_ABOVE_MAX');
    expect(code(() => p.forCreate({ pids: 1001 }))).toBe('RESOURCE_ABOVE_MAX');
    expect(code(() => p.forCreate({ cpus: 1.01 }))).toBe('RESOURCE_ABOVE_MAX');
    expect(p.forCreate({ memory: '2g', pids: 1000, cpus: 1 })).toEqual({ memory: '2g', pids: 1000, cpus: 1 });
    expect(code(() => p.forUpdate(defaults, { memory: '3g' }))).toBe('RESOURCE_ABOVE_MAX');
  });

  it('checks only what an update changes, so a lowered maximum does not block unrelated edits', () => {
    const p = policy({}, { memory: '1g' });
    expect(p.forUpdate({ memory: '4g' }, { pids: 5 })).toEqual({ memory: '4g', pids: 5 });
  });

  it('an update null puts a limit back to its default, or removes it when there is none', () => {
    expect(policy(defaults).forUpdate({ cpus: 0.5, memory: '2g', pids: 9 }, { memory: null, pids: null })).toEqual({
      cpus: 0.5,
      memory: '1g',
      pids: 512,
    });
    expect(policy({}).forUpdate({ memory: '2g' }, { memory: null })).toEqual({});
  });
});
