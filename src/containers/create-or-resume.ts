import { CREATE_ARGS } from './compose-verbs';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { RequestContext } from '../common/request-context';
import { ComposeRunner } from '../compose/compose-runner';
import { ContainerLocks } from './container-locks';
import type { Container } from './container.types';
import { ContainersService } from './containers.service';
import type { CreateContainerDto } from './dto/create-container.dto';
import { ProjectStore } from './project-store';
import { StateCache } from './state-cache';

/**
 * POST /containers: applies the configured lifetime defaults, makes a create with a reserved cuid (an
 * Idempotency-Key's) safe to run twice, and tells the request's audit entry which container it made.
 * When an earlier attempt got as far as writing the project before its process died, this one
 * finishes that same project instead of making another.
 */
@Injectable()
export class CreateOrResume {
  constructor(
    private readonly containers: ContainersService,
    private readonly store: ProjectStore,
    private readonly compose: ComposeRunner,
    private readonly cache: StateCache,
    private readonly locks: ContainerLocks,
    private readonly config: AppConfig,
    private readonly context: RequestContext,
  ) {}

  async create(dto: CreateContainerDto, reservedCuid?: string): Promise<Container> {
    const defaults = this.config.lifetimeDefaults;
    if (dto.ttl_s === undefined) dto.ttl_s = defaults.ttl_s;
    if (dto.idle_stop_s === undefined) dto.idle_stop_s = defaults.idle_stop_s;
    const created =
      reservedCuid !== undefined && this.store.get(reservedCuid)
        ? await this.resume(reservedCuid)
        : await this.containers.create(dto, reservedCuid);
    // The path names no container: the audit entry (and so the `action` event) learns it here.
    this.context.recordCuid(created.cuid);
    return created;
  }

  /**
   * `compose create` is a no-op for a container that exists and makes the one a crash prevented. A
   * failure here leaves the project as it is (it is a whole, listed container): the key stays open.
   */
  private resume(cuid: string): Promise<Container> {
    return this.locks.forContainer(cuid, async () => {
      const spec = this.containers.requireSpec(cuid);
      await this.compose.run(cuid, CREATE_ARGS);
      return this.containers.view(spec, await this.cache.settledStatus(cuid, 'created'));
    });
  }
}
