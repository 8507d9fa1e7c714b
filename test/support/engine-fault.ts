import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DockerProxy } from './docker-proxy';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface EngineOutageTimes {
  /** When the engine was taken away. */
  downAt: number;
  /** When it answered `docker info` again. */
  backAt: number;
}

/** Takes "the Docker engine" away from the service under test and brings it back. */
export interface EngineFault {
  readonly kind: 'engine-restart' | 'proxy';
  /** Environment for the service (a DOCKER_HOST when it must go through a proxy). */
  readonly serviceEnv: Record<string, string>;
  setup(): Promise<void>;
  outage(): Promise<EngineOutageTimes>;
  teardown(): Promise<void>;
}

/**
 * `engine-restart` really restarts dockerd (SIGTERM, wait for it to exit, start it again with the
 * same argv, environment and working directory; containerd is left running, or started if it died):
 * what a host's engine upgrade does to the service. It stops every container on the host, so it is
 * for CI, where test files run one at a time. `proxy` cuts a relay in front of the socket instead,
 * which other users of the engine do not notice. SOAK_ENGINE_FAULT chooses; the default is a real
 * restart when this process may signal dockerd (root), else the proxy.
 */
export function engineFault(): EngineFault {
  const wanted = process.env.SOAK_ENGINE_FAULT;
  if (wanted === 'proxy' || (wanted === undefined && process.getuid?.() !== 0)) return proxyFault();
  if (wanted !== undefined && wanted !== 'restart') throw new Error(`SOAK_ENGINE_FAULT must be restart or proxy`);
  return restartFault();
}

function proxyFault(): EngineFault {
  const proxy = new DockerProxy(path.join('/tmp', `cm-soak-proxy-${process.pid}.sock`));
  return {
    kind: 'proxy',
    serviceEnv: { DOCKER_HOST: proxy.dockerHost },
    setup: () => proxy.up(),
    outage: async () => {
      const downAt = Date.now();
      await proxy.down();
      // About as long as dockerd takes to stop its containers and come back.
      await sleep(3_000);
      await proxy.up();
      return { downAt, backAt: Date.now() };
    },
    teardown: () => proxy.down(),
  };
}

function restartFault(): EngineFault {
  return {
    kind: 'engine-restart',
    serviceEnv: {},
    setup: async () => {
      await daemonPid('dockerd');
    },
    outage: restartDockerd,
    teardown: () => Promise.resolve(),
  };
}

/** The live (not zombie) process of that exact name. */
async function daemonPid(name: string): Promise<number> {
  const { stdout } = await run('ps', ['-C', name, '-o', 'pid=,stat=']).catch(() => ({ stdout: '' }));
  const live = stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, stat]) => pid && stat && !stat.startsWith('Z'));
  if (live.length !== 1) throw new Error(`expected one running ${name}, found ${live.length}`);
  return Number(live[0]![0]);
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function engineAnswers(): Promise<boolean> {
  return run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 }).then(
    () => true,
    () => false,
  );
}

async function restartDockerd(): Promise<EngineOutageTimes> {
  const pid = await daemonPid('dockerd');
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  // Start the very binary that ran: its argv[0] may be a bare name its own PATH found, and ours may not.
  argv[0] = readlinkSync(`/proc/${pid}/exe`);
  const env = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const cwd = readlinkSync(`/proc/${pid}/cwd`);
  const systemd = readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes('docker.service');
  const downAt = Date.now();
  if (systemd) {
    await run('systemctl', ['restart', 'docker'], { timeout: 120_000 });
  } else {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 1200 && alive(pid); i += 1) await sleep(50);
    if (alive(pid)) throw new Error('dockerd did not exit within 60 s of SIGTERM');
    await daemonPid('containerd').catch(() => startDetached(['containerd'], process.env, '/', 'containerd.log'));
    rmSync('/var/run/docker.pid', { force: true });
    startDetached(argv, { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env }, cwd, 'dockerd.log');
  }
  for (let i = 0; i < 240; i += 1) {
    if (await engineAnswers()) return { downAt, backAt: Date.now() };
    await sleep(250);
  }
  // Last resort, so a failed restart never leaves the host without an engine.
  await run('bash', [path.resolve(__dirname, '../../scripts/provision-docker.sh'), 'engine'], { timeout: 180_000 });
  return { downAt, backAt: Date.now() };
}

/** A daemon in its own session, logging where the provisioning script logs, outliving this process. */
function startDetached(argv: string[], env: NodeJS.ProcessEnv, cwd: string, logName: string): void {
  const dir = process.env.PROVISION_LOG_DIR ?? '/var/log/container-manager-provision';
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const log = openSync(path.join(dir, logName), 'a');
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
}
