import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as http from 'node:http';
import { promisify } from 'node:util';
import { execIn } from '../support/containers';
import { removeProjects, TEST_IMAGE, TestApp } from '../support/e2e-app';
import { freePort, ServiceProcess, spawnService } from '../support/service-process';

const run = promisify(execFile);

/** Python run inside a container: connects, optionally sends, prints what came back (or why not). */
const PROBE = `
import socket, sys
host, port, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
s = socket.socket()
s.settimeout(4)
try:
    s.connect((host, port))
    if payload:
        s.sendall(payload.replace(b"\\\\r\\\\n", b"\\r\\n"))
    data = s.recv(200)
    print("RECEIVED:" + data.decode("latin-1").splitlines()[0] if data else "CLOSED")
except Exception as e:
    print("FAILED:" + type(e).__name__)
`;

async function dockerJson<T>(args: string[]): Promise<T> {
  const { stdout } = await run('docker', args);
  return JSON.parse(stdout) as T;
}

/**
 * Issue #10 item 11: code in a managed container must not reach the service (it could guess the
 * password) nor another container's unpublished port. The service listens on 0.0.0.0 here, as the
 * guide's default deployment does.
 */
describe('reliability: containers are isolated from the service and from each other', () => {
  let service: ServiceProcess;
  let open: ServiceProcess;
  const asApp = (s: ServiceProcess): TestApp => ({ projectsDir: s.projectsDir }) as TestApp;

  beforeAll(async () => {
    service = await spawnService({ HOST: '0.0.0.0' });
    open = await spawnService({ HOST: '0.0.0.0', ALLOW_CONTAINER_ACCESS: 'true' });
  });
  afterAll(async () => {
    for (const s of [service, open]) {
      s.child.kill('SIGKILL');
      await s.exited;
      await removeProjects(s.projectsDir);
      rmSync(s.root, { recursive: true, force: true });
    }
  });

  async function runningContainer(s: ServiceProcess, command: string[]): Promise<{ cuid: string; ip: string }> {
    const created = await s.http().post('/containers').send({ image: TEST_IMAGE, command }).expect(201);
    const cuid = created.body.cuid as string;
    await s.http().post(`/containers/${cuid}/start`).expect(200);
    const networks = await dockerJson<Record<string, { IPAddress: string }>>([
      'inspect',
      '--format',
      '{{json .NetworkSettings.Networks}}',
      `${cuid}-app-1`,
    ]);
    expect(Object.keys(networks)).toEqual(['container-manager']);
    return { cuid, ip: networks['container-manager']?.IPAddress ?? '' };
  }

  async function probe(s: ServiceProcess, cuid: string, host: string, port: number, payload = ''): Promise<string> {
    return (await execIn(asApp(s), cuid, ['python', '-c', PROBE, host, String(port), payload])).trim();
  }

  async function gateway(): Promise<string> {
    const ipam = await dockerJson<{ Config: { Gateway?: string }[] }>([
      'network',
      'inspect',
      '--format',
      '{{json .IPAM}}',
      'container-manager',
    ]);
    return ipam.Config.find((c) => c.Gateway)?.Gateway ?? '';
  }

  it('one shared network, created once with inter-container traffic disabled', async () => {
    const options = await dockerJson<Record<string, string>>([
      'network',
      'inspect',
      '--format',
      '{{json .Options}}',
      'container-manager',
    ]);
    expect(options['com.docker.network.bridge.enable_icc']).toBe('false');
  });

  it("a container cannot reach another container's unpublished port", async () => {
    const server = await runningContainer(service, ['python', '-m', 'http.server', '9000']);
    const client = await runningContainer(service, ['sleep', '100000']);
    // The server answers the host (the port is really open)...
    let answered = '';
    for (let i = 0; i < 50 && answered === ''; i += 1) {
      answered = await new Promise<string>((resolve) => {
        http
          .get({ host: server.ip, port: 9000, path: '/', timeout: 2000 }, (res) => {
            res.resume();
            resolve(String(res.statusCode));
          })
          .on('error', () => setTimeout(() => resolve(''), 100));
      });
    }
    expect(answered).toBe('200');
    // ...but not the other container.
    expect(await probe(service, client.cuid, server.ip, 9000, 'GET / HTTP/1.0\\r\\n\\r\\n')).toMatch(/^FAILED:/);
  });

  it('a container cannot talk to the service through the gateway: closed before any HTTP answer, upgrade too', async () => {
    const client = await runningContainer(service, ['sleep', '100000']);
    const gw = await gateway();
    const port = Number(new URL(service.baseUrl).port);
    const asked = await probe(service, client.cuid, gw, port, 'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
    expect(asked).not.toContain('HTTP/');
    expect(asked).toMatch(/^(CLOSED|FAILED:Connection)/);
    const upgrade =
      'GET /ws/x HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n' +
      'Sec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n\\r\\n';
    const upgraded = await probe(service, client.cuid, gw, port, upgrade);
    expect(upgraded).not.toContain('HTTP/');
    // The service itself still answers from elsewhere.
    await service.http().get('/healthz').expect(200);
  });

  it('with ALLOW_CONTAINER_ACCESS=true the same probe gets an HTTP answer (the refusal above is the filter)', async () => {
    const client = await runningContainer(open, ['sleep', '100000']);
    const port = Number(new URL(open.baseUrl).port);
    const asked = await probe(
      open,
      client.cuid,
      await gateway(),
      port,
      'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n',
    );
    expect(asked).toBe('RECEIVED:HTTP/1.1 401 Unauthorized');
  });
});

/** Issue #10 item 12: published ports bind where the operator says, per port if asked. */
describe('reliability: published ports bind PORT_BIND_ADDRESS or the port host_ip', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await spawnService({ PORT_BIND_ADDRESS: '127.0.0.1' });
  });
  afterAll(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  it('binds loopback by configuration, another address when a port names it, and refuses a bad host_ip', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const created = await service
      .http()
      .post('/containers')
      .send({
        image: TEST_IMAGE,
        command: ['sleep', '100000'],
        ports: [
          { host: a, container: 9000 },
          { host: b, container: 9001, host_ip: '0.0.0.0' },
        ],
      })
      .expect(201);
    const cuid = created.body.cuid as string;
    expect(created.body.ports).toEqual([
      { host: a, container: 9000, protocol: 'tcp' },
      { host: b, container: 9001, protocol: 'tcp', host_ip: '0.0.0.0' },
    ]);
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    const bindings = await dockerJson<Record<string, { HostIp: string; HostPort: string }[]>>([
      'inspect',
      '--format',
      '{{json .HostConfig.PortBindings}}',
      `${cuid}-app-1`,
    ]);
    expect(bindings['9000/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(a) }]);
    expect(bindings['9001/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: String(b) }]);

    for (const hostIp of ['localhost', '127.0.0.1\n', '999.1.1.1', 5]) {
      const res = await service
        .http()
        .patch(`/containers/${cuid}/ports`)
        .send({ ports: [{ host: a, container: 9000, host_ip: hostIp }] });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'INVALID_HOST_IP' });
    }
    const res = await service
      .http()
      .patch(`/containers/${cuid}/ports`)
      .send({ ports: [{ host: a, container: 9000, host_ip: '::1' }] })
      .expect(200);
    expect(res.body.ports).toEqual([{ host: a, container: 9000, protocol: 'tcp', host_ip: '::1' }]);
  });
});

/** Containers made before the shared network (on `network_mode: bridge`) keep working and move at their next `up`. */
describe('reliability: a container on the default bridge moves to the shared network at its next start', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await spawnService({ CONTAINER_NETWORK: 'bridge' });
  });
  afterAll(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  const networksOf = async (cuid: string): Promise<string[]> =>
    Object.keys(
      await dockerJson<Record<string, unknown>>([
        'inspect',
        '--format',
        '{{json .NetworkSettings.Networks}}',
        `${cuid}-app-1`,
      ]),
    );

  it('stays listed and running across the upgrade, then stop/start puts it on the shared network, and delete works', async () => {
    const created = await service
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, command: ['sleep', '100000'] })
      .expect(201);
    const cuid = created.body.cuid as string;
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    expect(await networksOf(cuid)).toEqual(['bridge']);

    service.child.kill('SIGKILL');
    await service.exited;
    service = await spawnService({}, service.root);
    expect((await service.http().get(`/containers/${cuid}`).expect(200)).body.status).toBe('running');
    expect(await networksOf(cuid)).toEqual(['bridge']);
    expect((await execIn({ projectsDir: service.projectsDir } as TestApp, cuid, ['echo', 'alive'])).trim()).toBe(
      'alive',
    );

    await service.http().post(`/containers/${cuid}/stop?timeout=0`).expect(200);
    expect((await service.http().post(`/containers/${cuid}/start`).expect(200)).body.status).toBe('running');
    expect(await networksOf(cuid)).toEqual(['container-manager']);
    await service.http().delete(`/containers/${cuid}`).expect(200);
  });
});
