import { parse } from 'yaml';
import type { ContainerSpec } from './container.types';
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
const ctx = {
  user: '1000:1000',
  appDir: '/srv/p/app',
  projectsRoot: '/srv/p',
  network: 'container-manager',
  portBindAddress: '0.0.0.0',
};

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
      command: ['python', '/app/boot.py'],
      volumes: [{ type: 'bind', source: '/srv/p/app', target: '/app' }],
    });
    expect(app.environment).toMatchObject({ CONTAINER_UID: spec.cuid, TAGS: 'web,v$$1' });
  });

  it('joins the one shared network, created outside compose', () => {
    const doc = parse(renderComposeFile(spec, ctx));
    expect(doc.networks).toEqual({ default: { name: 'container-manager', external: true } });
    expect(doc.services.app.network_mode).toBeUndefined();
    const legacy = parse(renderComposeFile(spec, { ...ctx, network: 'bridge' }));
    expect(legacy.networks).toBeUndefined();
    expect(legacy.services.app.network_mode).toBe('bridge');
  });

  it('binds ports to PORT_BIND_ADDRESS unless a port names its own host_ip', () => {
    const ports = [
      { host: 8080, container: 80, protocol: 'tcp' as const },
      { host: 8081, container: 81, protocol: 'udp' as const, host_ip: '::1' },
    ];
    const app = parse(renderComposeFile({ ...spec, ports }, { ...ctx, portBindAddress: '127.0.0.1' })).services.app;
    expect(app.ports).toEqual([
      { target: 80, published: '8080', protocol: 'tcp', host_ip: '127.0.0.1' },
      { target: 81, published: '8081', protocol: 'udp', host_ip: '::1' },
    ]);
  });

  it('never renders a control character into a compose setting', () => {
    expect(() => renderComposeFile({ ...spec, resources: { memory: '512m\n' } }, ctx)).toThrow(/control character/);
    expect(() => renderComposeFile({ ...spec, tags: ['a\rb'] }, ctx)).toThrow(/control character/);
  });

  it('reads a raw memory value an older version stored as its canonical spelling', () => {
    const raw = renderComposeFile(spec, ctx).replace('memory: "256m"', 'memory: " 256M\\n"');
    expect(raw).toContain('" 256M\\n"');
    expect(parseComposeFile(spec.cuid, raw).resources.memory).toBe('256m');
  });

  it('refuses a file it did not write', () => {
    expect(() => parseComposeFile(spec.cuid, 'services: {}\n')).toThrow();
  });
});
