import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ROOT_LABEL } from '../compose/labels';
import { ComposeRunner } from '../compose/compose-runner';
import { ProjectPaths } from '../compose/project-paths';
import { LeftoverSweeper } from './leftover-sweeper';
import { AppUsage } from './app-usage';
import { ProjectStore } from './project-store';
import { StateCache } from './state-cache';

/**
 * Rebuilds the service's view at boot from the project directories and Docker, so a restart at any
 * moment (even SIGKILL mid-create) ends with every container listed and no Docker container left
 * that the API does not list.
 */
@Injectable()
export class ContainersBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('ContainersBootstrap');

  constructor(
    private readonly store: ProjectStore,
    private readonly cache: StateCache,
    private readonly compose: ComposeRunner,
    private readonly paths: ProjectPaths,
    private readonly leftovers: LeftoverSweeper,
    private readonly usage: AppUsage,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // In the background: a huge or stubborn leftover of a delete must not hold up (or stop) the boot.
    void this.leftovers.sweep();
    await this.store.load();
    // A create refused while the engine was going away may have left a half-made container that
    // could not be removed then: it goes once the engine is back, not at the next service restart.
    this.cache.afterResync(() => this.removeOrphans());
    this.usage.start();
    await this.cache.start();
    await this.removeOrphans().catch((err: Error) => this.logger.warn(`orphan sweep failed: ${err.message}`));
  }

  /** Containers labelled with this instance's root whose project directory is gone. */
  private async removeOrphans(): Promise<void> {
    const orphans = this.cache.all().filter((s) => !this.store.get(s.cuid));
    if (orphans.length === 0) return;
    this.logger.warn(
      `removing ${orphans.length} container(s) with no project under ${this.paths.root} (${ROOT_LABEL})`,
    );
    await this.compose.runDocker(['rm', '-f', ...orphans.map((o) => o.id)]);
    for (const o of orphans) this.cache.forget(o.cuid);
  }
}
