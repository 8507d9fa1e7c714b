import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UnavailableError } from '../../src/common/errors/app-error';
import type { ComposeRunner } from '../../src/compose/compose-runner';
import type { ProcessResult } from '../../src/compose/process-runner';
import { ProjectPaths } from '../../src/compose/project-paths';
import { ContainerLocks } from '../../src/containers/container-locks';
import { ContainersService } from '../../src/containers/containers.service';
import type { ImageChecker } from '../../src/containers/image-checker';
import { ProjectStore } from '../../src/containers/project-store';
import { ResourcePolicy } from '../../src/containers/resource-policy';
import type { AppUsage } from '../../src/containers/app-usage';
import type { ContainerNetwork } from '../../src/network/container-network';
import { LeftoverSweeper } from '../../src/containers/leftover-sweeper';
import { TreeRemover } from '../../src/common/fs/tree-remover';
import type { AuditLog } from '../../src/audit/audit-log';
import { StateCache } from '../../src/containers/state-cache';
import { fakeConfig } from './fake-config';

/** The 503 the runner throws when the engine does not answer. */
export const unreachable = (): UnavailableError =>
  new UnavailableError('DOCKER_UNAVAILABLE', 'The Docker engine is not reachable', {});

/**
 * A scripted stand-in for ComposeRunner: records every call (compose verbs as `[verb, …]`, plain
 * docker calls as `['docker', …]`), answers `inspect` with `dockerStatus`, and throws whatever
 * `failWhen` returns for a call, so a spec can take the engine away at any step.
 */
export class FakeEngine {
  readonly calls: string[][] = [];
  /** Docker's `State.Status` of the project's container; null when it has none. */
  dockerStatus: string | null = null;
  failWhen: (call: string[]) => Error | undefined = () => undefined;

  async run(cuid: string, args: string[]): Promise<ProcessResult> {
    return this.answer(args, cuid);
  }

  async runDocker(args: string[]): Promise<ProcessResult> {
    return this.answer(['docker', ...args]);
  }

  verbs(): string[] {
    return this.calls.map((c) => (c[0] === 'docker' ? `docker ${c[1]}` : c[0]!));
  }

  private async answer(call: string[], cuid?: string): Promise<ProcessResult> {
    await Promise.resolve();
    this.calls.push(call);
    const failure = this.failWhen(call);
    if (failure) throw failure;
    const target = cuid ?? call.find((a) => a.startsWith('c') && a.endsWith('-app-1'))?.replace(/-app-1$/, '');
    const inspected = call[0] === 'docker' && call[1] === 'inspect' && this.dockerStatus !== null && target;
    const stdout = inspected ? JSON.stringify([inspectResult(target, this.dockerStatus!)]) : '';
    return { exitCode: 0, stdout, stderr: '', durationMs: 1, timedOut: false };
  }
}

function inspectResult(cuid: string, status: string): unknown {
  return {
    Id: `id-${cuid}`,
    Created: '2026-01-01T00:00:00Z',
    Config: { Labels: { 'com.docker.compose.project': cuid } },
    State: { Status: status, ExitCode: 0, StartedAt: '', FinishedAt: '', OOMKilled: false, Pid: 0 },
  };
}

export interface FakeWorld {
  engine: FakeEngine;
  store: ProjectStore;
  cache: StateCache;
  paths: ProjectPaths;
  locks: ContainerLocks;
  network: ContainerNetwork;
  images: ImageChecker;
  containers: ContainersService;
}

/** A ContainersService on a real ProjectStore in a temp directory, with the engine faked. */
export async function fakeWorld(): Promise<FakeWorld> {
  const root = mkdtempSync(path.join(tmpdir(), 'cm-unit-'));
  const config = fakeConfig({ composeProjectsDir: root, uid: process.getuid!(), gid: process.getgid!() });
  const paths = new ProjectPaths(config);
  const engine = new FakeEngine();
  const runner = engine as unknown as ComposeRunner;
  const leftovers = new LeftoverSweeper(paths, new TreeRemover(), { write: () => undefined } as unknown as AuditLog);
  const store = new ProjectStore(paths, config, leftovers);
  await store.load();
  const cache = new StateCache(runner, paths);
  const locks = new ContainerLocks();
  const images = {
    ensureAvailable: () => Promise.resolve(),
    isPresent: () => Promise.resolve(true),
  } as unknown as ImageChecker;
  const resources = new ResourcePolicy(fakeConfig({ defaultResources: {}, maxResources: {} }));
  const usage = { get: () => null, refreshIfStale: () => undefined, forget: () => undefined } as unknown as AppUsage;
  const network = { ensureReady: () => Promise.resolve() } as unknown as ContainerNetwork;
  const containers = new ContainersService(store, cache, runner, images, locks, resources, usage, network);
  return { engine, store, cache, paths, locks, network, images, containers };
}
