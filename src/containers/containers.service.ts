import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ComposeError, NotFoundError } from '../common/errors/app-error';
import { isoWithOffset } from '../common/time';
import { ComposeRunner } from '../compose/compose-runner';
import { isCuid } from './cuid';
import { AppUsage } from './app-usage';
import { CREATE_ARGS, UP_ARGS } from './compose-verbs';
import { ContainerLocks } from './container-locks';
import { Page, paginate } from './container-page';
import { PageMemo } from './page-memo';
import type { Container, ContainerSpec, ContainerStatus, PortMapping } from './container.types';
import type { CreateContainerDto } from './dto/create-container.dto';
import type { ListQueryDto } from './dto/list-query.dto';
import type { UpdateContainerDto } from './dto/update-container.dto';
import { assertIfMatch } from './etag';
import { ImageChecker } from './image-checker';
import { lifetimesOnCreate, lifetimesOnUpdate } from './lifetimes';
import { asBindFailure, assertNoPortConflict, normalizePorts } from './port-rules';
import { ContainerNetwork } from '../network/container-network';
import { ProjectStore } from './project-store';
import { ResourcePolicy } from './resource-policy';
import type { DockerState } from './docker-state';
import { StateCache } from './state-cache';
import { ContainersErrorCode } from './containers.errors';

export interface UpdateResult extends Container {
  /** True when the change was applied to a running container by recreating it. */
  recreated: boolean;
}

/** Creating, reading, changing and deleting containers; the state machine lives in LifecycleService. */
@Injectable()
export class ContainersService {
  private readonly pages = new PageMemo();

  constructor(
    private readonly store: ProjectStore,
    private readonly cache: StateCache,
    private readonly compose: ComposeRunner,
    private readonly images: ImageChecker,
    private readonly locks: ContainerLocks,
    private readonly resources: ResourcePolicy,
    private readonly usage: AppUsage,
    private readonly network: ContainerNetwork,
  ) {}

  /** `cuid`: one reserved beforehand (an Idempotency-Key's); a fresh one otherwise. */
  async create(dto: CreateContainerDto, cuid = `c${randomUUID()}`): Promise<Container> {
    const now = isoWithOffset(new Date());
    const spec: ContainerSpec = {
      cuid,
      image: dto.image,
      env: stringifyEnv(dto.env ?? {}),
      tags: dto.tags ?? [],
      resources: this.resources.forCreate(dto.resources),
      ports: normalizePorts(dto.ports ?? []),
      command: dto.command ?? null,
      created_at: now,
      updated_at: now,
      ...lifetimesOnCreate(dto, now),
    };
    // An engine known to be away refuses the create before anything is written.
    await this.cache.ensureSynced();
    await this.network.ensureReady();
    try {
      return await this.createProject(spec);
    } catch (err) {
      // The image is looked at only when the create failed (the files `pull_policy: never` and
      // `--pull never` make a missing image fail it): one CLI call less on every create. A missing
      // image is then pulled as IMAGE_PULL_POLICY allows, or refused, and the create made again.
      if (!(err instanceof ComposeError) || (await this.images.isPresent(spec.image))) throw err;
      await this.images.ensureAvailable(spec.image);
      return this.createProject(spec);
    }
  }

  /** Writes the project and makes its container; on any failure neither is left behind. */
  private async createProject(spec: ContainerSpec): Promise<Container> {
    await this.locks.forPorts(async () => {
      assertNoPortConflict(spec.cuid, spec.ports, this.store.all());
      await this.store.create(spec);
    });
    return this.locks.forContainer(spec.cuid, async () => {
      const mark = this.cache.mark();
      try {
        await this.compose.run(spec.cuid, CREATE_ARGS);
      } catch (err) {
        // Nothing half-made may stay behind: no container, no directory.
        await this.compose.run(spec.cuid, ['down', '--remove-orphans', '-t', '0']).catch(() => undefined);
        await this.store.remove(spec.cuid);
        throw err;
      }
      return this.view(spec, await this.cache.statusAfter(spec.cuid, mark, 'create', 'created'));
    });
  }

  /** The container with live status; 404 CONTAINER_NOT_FOUND for an unknown or malformed cuid. */
  async get(cuid: string): Promise<Container> {
    const spec = this.requireSpec(cuid);
    await this.cache.ensureSynced();
    this.usage.refreshIfStale(cuid);
    return this.view(spec, this.cache.get(cuid)?.status);
  }

  async status(cuid: string): Promise<Omit<DockerState, 'id' | 'created'> & { cuid: string }> {
    this.requireSpec(cuid);
    await this.cache.ensureSynced();
    await this.cache.detailsSettled();
    const state = this.cache.get(cuid);
    return {
      cuid,
      status: state?.status ?? 'created',
      exit_code: state?.exit_code ?? null,
      started_at: state?.started_at ?? null,
      finished_at: state?.finished_at ?? null,
      restart_count: state?.restart_count ?? 0,
      oom_killed: state?.oom_killed ?? false,
      pid: state?.pid ?? null,
    };
  }

  /**
   * A page of the listing: at once while the state cache is synced (nearly always), once it is
   * otherwise. Not an async function: the listing is the hottest route, and every promise costs it.
   */
  list(query: ListQueryDto): Page | Promise<Page> {
    if (!this.cache.isSynced) return this.cache.ensureSynced().then(() => this.pageOf(query));
    return this.pageOf(query);
  }

  private pageOf(query: ListQueryDto): Page {
    const version = `${this.store.version}:${this.cache.version}:${this.usage.version}`;
    const key = JSON.stringify([query.status, query.tag, query.limit, query.cursor]);
    return this.pages.get(version, key, () => {
      const statusOf = (cuid: string): ContainerStatus => this.cache.get(cuid)?.status ?? 'created';
      return paginate(
        this.store.sorted(),
        statusOf,
        {
          statuses: query.status ? (query.status.split(',') as ContainerStatus[]) : undefined,
          tags: query.tag ? query.tag.split(',').filter((t) => t !== '') : undefined,
          limit: query.limit ?? 50,
          cursor: query.cursor,
        },
        (cuid) => this.usage.get(cuid),
      );
    });
  }

  /** `ifMatch`: the caller's If-Match, checked under the container's lock (412 when it changed since). */
  async update(cuid: string, dto: UpdateContainerDto, ifMatch?: string): Promise<UpdateResult> {
    return this.locks.forContainer(cuid, async () => {
      const prev = this.requireSpec(cuid);
      assertIfMatch(ifMatch, prev);
      const now = isoWithOffset(new Date());
      const next: ContainerSpec = {
        ...prev,
        env: mergeEnv(prev.env, dto.env),
        tags: dto.tags ?? prev.tags,
        resources: this.resources.forUpdate(prev.resources, dto.resources),
        image: dto.image ?? prev.image,
        command: dto.command === undefined ? prev.command : dto.command,
        updated_at: now,
        ...lifetimesOnUpdate(prev, dto, now),
      };
      if (next.image !== prev.image) await this.images.ensureAvailable(next.image);
      return this.apply(prev, next);
    });
  }

  async updatePorts(cuid: string, ports: PortMapping[], ifMatch?: string): Promise<UpdateResult> {
    return this.locks.forContainer(cuid, async () => {
      const prev = this.requireSpec(cuid);
      assertIfMatch(ifMatch, prev);
      const next: ContainerSpec = { ...prev, ports: normalizePorts(ports), updated_at: isoWithOffset(new Date()) };
      return this.apply(prev, next);
    });
  }

  async remove(cuid: string): Promise<{ cuid: string; deleted: true }> {
    return this.locks.forContainer(cuid, async () => {
      this.requireSpec(cuid);
      await this.compose.run(cuid, ['down', '--remove-orphans', '--volumes', '-t', '10']);
      await this.store.remove(cuid);
      this.cache.forget(cuid);
      this.usage.forget(cuid);
      return { cuid, deleted: true as const };
    });
  }

  requireSpec(cuid: string): ContainerSpec {
    const spec = isCuid(cuid) ? this.store.get(cuid) : undefined;
    if (!spec)
      throw new NotFoundError(ContainersErrorCode.CONTAINER_NOT_FOUND, 'Container not found', {
        cuid: cuid.slice(0, 64),
      });
    return spec;
  }

  view(spec: ContainerSpec, status: ContainerStatus | undefined): Container {
    return { ...spec, status: status ?? 'created', disk_usage: this.usage.get(spec.cuid) };
  }

  /**
   * All or nothing: the engine is asked for the container's state before anything is written, so an
   * unreachable engine refuses the change with nothing saved; then the new spec is saved (ports
   * checked under the global ports lock) and, when the container runs, it is recreated. If
   * recreating fails the old spec is written back and the container brought back to how it was.
   */
  private async apply(prev: ContainerSpec, next: ContainerSpec): Promise<UpdateResult> {
    const before = (await this.cache.current(next.cuid))?.status;
    await this.locks.forPorts(async () => {
      assertNoPortConflict(next.cuid, next.ports, this.store.all());
      await this.store.save(next);
    });
    const live = before === 'running' || before === 'restarting' || before === 'paused';
    if (!live) return { ...this.view(next, before), recreated: false };
    try {
      await this.network.ensureReady();
      await this.compose.run(next.cuid, UP_ARGS);
    } catch (err) {
      await this.restore(prev);
      throw asBindFailure(err, next.ports);
    }
    return { ...this.view(next, await this.cache.settledStatus(next.cuid, 'running')), recreated: true };
  }

  /** Puts the previous spec back and, best effort, the container as it ran with it. */
  private async restore(prev: ContainerSpec): Promise<void> {
    await this.store.save(prev);
    await this.compose.run(prev.cuid, UP_ARGS).catch(() => undefined);
    await this.cache.refreshProject(prev.cuid).catch(() => undefined);
  }
}

function stringifyEnv(env: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

function mergeEnv(
  current: Record<string, string>,
  patch: Record<string, string | number | boolean | null> | undefined,
): Record<string, string> {
  if (!patch) return current;
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = String(value);
  }
  return merged;
}
