import { parse } from 'yaml';
import type { ContainerSpec } from '../containers/container.types';
import { parseComposeFile, renderComposeFile } from './compose-file';

const spec: ContainerSpec = {
  cuid: 'c11111111-1111-4111-8111-111111111111',
  image: 'python:3.12-slim',
  env: { A: 'a$b ${HOME} $$', NO: 'no', OCT: '0123', NL: 'x\ny', Q: `"'` },
  tags: ['web', 'v$1'],
  resources: { cpus: 0.5, memory: '256m', pids: 64 },
  ports: [{ host: 8080, container: 80, protocol: 'tcp' }],
  command: null,
  created_at: '2024-01-01T00:00:00.000+00:00',
  updated_at: '2024-01-01T00:00:00.000+00:00',
};
const ctx = { user: '1000:1000', appDir: '/srv/p/app', projectsRoot: '/srv/p' };

describe('compose file', () => {
  it('round-trips a spec exactly, including $ and YAML-ambiguous values', () => {
    expect(parseComposeFile(spec.cuid, renderComposeFile(spec, ctx))).toEqual(spec);
  });

  it('escapes $ for compose interpolation and quotes every string', () => {
    const doc = parse(renderComposeFile(spec, ctx));
    expect(doc.services.app.environment.A).toBe('a$$b $${HOME} $$$$');
    expect(doc.services.app.environment.NO).toBe('no');
    expect(renderComposeFile(spec, ctx)).toContain('NO: "no"');
  });

  it('emits the hardened service and nothing else', () => {
    const app = parse(renderComposeFile(spec, ctx)).services.app;
    expect(Object.keys(app).sort()).toEqual(
      [
        'cap_drop',
        'command',
        'deploy',
        'environment',
        'image',
        'init',
        'labels',
        'logging',
        'network_mode',
        'ports',
        'pull_policy',
        'restart',
        'security_opt',
        'stdin_open',
        'user',
        'volumes',
        'working_dir',
      ].sort(),
    );
    expect(app).toMatchObject({
      user: '1000:1000',
      init: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      network_mode: 'bridge',
      command: ['python', '/app/boot.py'],
      volumes: [{ type: 'bind', source: '/srv/p/app', target: '/app' }],
    });
    expect(app.environment).toMatchObject({ CONTAINER_UID: spec.cuid, TAGS: 'web,v$$1' });
  });

  it('refuses a file it did not write', () => {
    expect(() => parseComposeFile(spec.cuid, 'services: {}\n')).toThrow();
  });
});
