import type { Container } from '../api/types';
import { createBody, emptySpec, fieldOf, patchBody, portsChanged, specOf, splitCommand } from './spec-form';

const loaded = (over: Partial<Container> = {}): Container => ({
  cuid: 'c1',
  image: 'i',
  env: { CONTAINER_UID: 'c1', TAGS: 'a', K: 'v', GONE: 'x' },
  tags: ['a'],
  resources: { memory: '256m', cpus: 1 },
  ports: [{ host: 8080, container: 80, protocol: 'tcp' }],
  command: null,
  status: 'running',
  created_at: '',
  updated_at: '',
  ttl_s: 3600,
  expires_at: '2026-01-01T01:00:00Z',
  idle_stop_s: null,
  idle_stop_at: null,
  disk_usage: { app_bytes: null, complete: false, measured_at: null },
  ...over,
});

describe('spec form', () => {
  it('maps the API’s details.field to the form field it names', () => {
    expect(fieldOf('image')).toBe('image');
    expect(fieldOf('resources.memory')).toBe('memory');
    expect(fieldOf('resources.cpus')).toBe('cpus');
    expect(fieldOf('resources.pids')).toBe('pids');
    expect(fieldOf('resources')).toBe('cpus');
    expect(fieldOf('ports.0.host')).toBe('ports');
    expect(fieldOf('ports')).toBe('ports');
    expect(fieldOf('env')).toBe('env');
    expect(fieldOf('tags')).toBe('tags');
    expect(fieldOf('command')).toBe('command');
    expect(fieldOf('ttl_s')).toBe('ttl');
    expect(fieldOf('idle_stop_s')).toBe('idle_stop');
    expect(fieldOf('cursor')).toBeNull();
    expect(fieldOf(undefined)).toBeNull();
  });

  it('sends only what was filled in, numbers as numbers, and anything else as typed for the API to judge', () => {
    const body = createBody({
      ...emptySpec(),
      image: ' python:3.12-slim ',
      env: [
        { key: 'A', value: '1 $x' },
        { key: ' ', value: 'ignored' },
      ],
      tags: 'web, , v2',
      cpus: '0.5',
      memory: '256m',
      pids: 'many',
      ports: [{ host: '8080', container: '80', protocol: 'tcp' }],
      command: `python -c "print('a b')"`,
    });
    expect(body).toEqual({
      image: 'python:3.12-slim',
      env: { A: '1 $x' },
      tags: ['web', 'v2'],
      resources: { cpus: 0.5, memory: '256m', pids: 'many' },
      ports: [{ host: 8080, container: 80, protocol: 'tcp' }],
      command: ['python', '-c', "print('a b')"],
    });
    expect(createBody({ ...emptySpec(), image: 'x' })).toEqual({ image: 'x' });
    expect(createBody({ ...emptySpec(), image: 'x', ttl: '3600', idleStop: 'soon' })).toEqual({
      image: 'x',
      ttl_s: 3600,
      idle_stop_s: 'soon',
    });
  });

  it('patches only what the edit changed: an unchanged ttl_s is not sent (it would restart its count)', () => {
    const c = loaded();
    const unchanged = specOf(c);
    expect(patchBody(c, unchanged)).toEqual({});
    expect(portsChanged(c, unchanged)).toBe(false);
    expect(patchBody(c, { ...unchanged, idleStop: '900' })).toEqual({ idle_stop_s: 900 });
    expect(patchBody(c, { ...unchanged, ttl: '' })).toEqual({ ttl_s: null });
    expect(patchBody(c, { ...unchanged, ttl: '0' })).toEqual({ ttl_s: 0 });
    expect(
      patchBody(c, {
        ...unchanged,
        env: [
          { key: 'K', value: 'w' },
          { key: 'NEW', value: '1' },
        ],
        tags: 'a, b',
        memory: '',
        pids: '64',
        command: 'python x.py',
      }),
    ).toEqual({
      env: { GONE: null, K: 'w', NEW: '1' },
      tags: ['a', 'b'],
      resources: { memory: null, pids: 64 },
      command: ['python', 'x.py'],
    });
    expect(portsChanged(c, { ...unchanged, ports: [] })).toBe(true);
  });

  it('splits a command line with simple quoting and shows a command so that it splits back the same', () => {
    expect(splitCommand(`sh -c 'echo "hi there"' x`)).toEqual(['sh', '-c', 'echo "hi there"', 'x']);
    const command = ['python', '-c', `print("it's")`, 'a b'];
    const shown = specOf({
      cuid: 'c1',
      image: 'i',
      env: { CONTAINER_UID: 'c1', TAGS: '', K: 'v' },
      tags: [],
      resources: {},
      ports: [],
      command,
      status: 'created',
      created_at: '',
      updated_at: '',
      ttl_s: null,
      expires_at: null,
      idle_stop_s: null,
      idle_stop_at: null,
      disk_usage: { app_bytes: null, complete: false, measured_at: null },
    });
    expect(splitCommand(shown.command)).toEqual(command);
    expect(shown.env).toEqual([{ key: 'K', value: 'v' }]);
  });
});
