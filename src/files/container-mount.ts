import { Injectable } from '@nestjs/common';
import { ProjectPaths } from '../compose/project-paths';
import { ContainersService } from '../containers/containers.service';
import { MountDir, MountFs } from './mount-fs';

/** Finds a container's /app on the host and opens it; the container may be running or not. */
@Injectable()
export class ContainerMount {
  constructor(
    private readonly containers: ContainersService,
    private readonly paths: ProjectPaths,
    private readonly fs: MountFs,
  ) {}

  /**
   * Throws NotFoundError CONTAINER_NOT_FOUND for an unknown cuid, before any path is built from it.
   * Only the spec is needed: files stay reachable while the engine is restarting.
   */
  assertExists(cuid: string): void {
    this.containers.requireSpec(cuid);
  }

  async open(cuid: string): Promise<MountDir> {
    this.assertExists(cuid);
    return this.fs.openRoot(this.paths.appDir(cuid));
  }

  /** Runs `fn` with the mount's root open, and closes it afterwards. */
  async with<T>(cuid: string, fn: (root: MountDir) => Promise<T>): Promise<T> {
    const root = await this.open(cuid);
    try {
      return await fn(root);
    } finally {
      await root.close();
    }
  }
}
