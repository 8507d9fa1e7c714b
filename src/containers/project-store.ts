import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../common/config/app-config';
import { errnoOf, ioFailure } from '../common/errors/io-failure';
import { parseComposeFile, renderComposeFile } from './compose-file';
import { ProjectPaths } from '../compose/project-paths';
import { isCuid } from './cuid';
import { compareSpecs } from './container-page';
import type { ContainerSpec } from './container.types';
import { LeftoverSweeper } from './leftover-sweeper';
import { ContainersErrorCode } from './containers.errors';

/**
 * compose-projects/<cuid>/compose.yaml is the single source of truth; this keeps an in-memory copy
 * of every spec so listing never touches the disk, and writes files atomically (temp + fsync + rename).
 */
@Injectable()
export class ProjectStore {
  private readonly logger = new Logger('ProjectStore');
  private readonly specs = new Map<string, ContainerSpec>();
  /** Listing order, rebuilt lazily after a change rather than sorted on every request. */
  private sortedCache: ContainerSpec[] | null = null;
  private changes = 0;

  constructor(
    private readonly paths: ProjectPaths,
    private readonly config: AppConfig,
    private readonly leftovers: LeftoverSweeper,
  ) {}

  /** Loads every project from disk; removes directories a crash left without a compose file. */
  async load(): Promise<void> {
    await fs.mkdir(this.paths.root, { recursive: true });
    this.specs.clear();
    this.sortedCache = null;
    this.changes += 1;
    for (const name of await fs.readdir(this.paths.root)) {
      if (!isCuid(name)) continue;
      const spec = await this.readFromDisk(name);
      if (spec) this.specs.set(name, spec);
      this.sortedCache = null;
      this.changes += 1;
    }
  }

  /** Moves on every change of any spec (a listing built at one version is current until it moves). */
  get version(): number {
    return this.changes;
  }

  get(cuid: string): ContainerSpec | undefined {
    return this.specs.get(cuid);
  }

  all(): ContainerSpec[] {
    return [...this.specs.values()];
  }

  /** Every spec in (created_at, cuid) order. */
  sorted(): readonly ContainerSpec[] {
    this.sortedCache ??= [...this.specs.values()].sort(compareSpecs);
    return this.sortedCache;
  }

  /** Creates the project directory and its app/ mount, owned by the container user, then the compose file. */
  async create(spec: ContainerSpec): Promise<void> {
    const dir = this.paths.dir(spec.cuid);
    const app = this.paths.appDir(spec.cuid);
    try {
      await fs.mkdir(dir, { mode: 0o750 });
      await fs.mkdir(app, { mode: 0o755 });
      await fs.chown(app, this.config.uid, this.config.gid);
      await this.writeFile(spec);
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      throw ioFailure(
        err,
        ContainersErrorCode.PROJECT_WRITE_FAILED,
        'Could not write the container project',
        errnoDetail(err),
      );
    }
    this.specs.set(spec.cuid, spec);
    this.sortedCache = null;
    this.changes += 1;
  }

  async save(spec: ContainerSpec): Promise<void> {
    try {
      await this.writeFile(spec);
    } catch (err) {
      throw ioFailure(
        err,
        ContainersErrorCode.PROJECT_WRITE_FAILED,
        'Could not write the container project',
        errnoDetail(err),
      );
    }
    this.specs.set(spec.cuid, spec);
    this.sortedCache = null;
    this.changes += 1;
  }

  /**
   * Deletes a project: once its directory is moved aside the container is gone (it can never load
   * again), so only that move can fail the delete; the bytes are removed now, or later in the
   * background if something in them resists (see LeftoverSweeper).
   */
  async remove(cuid: string): Promise<void> {
    const leftover = await this.leftovers.moveAside(cuid);
    this.specs.delete(cuid);
    this.sortedCache = null;
    this.changes += 1;
    if (leftover) await this.leftovers.remove(leftover);
  }

  private render(spec: ContainerSpec): string {
    return renderComposeFile(spec, {
      user: this.config.defaultUserUid,
      appDir: this.paths.appDir(spec.cuid),
      projectsRoot: this.paths.root,
      network: this.config.containerNetwork,
      portBindAddress: this.config.portBindAddress,
    });
  }

  private async writeFile(spec: ContainerSpec): Promise<void> {
    const file = this.paths.composeFile(spec.cuid);
    const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
    const text = this.render(spec);
    try {
      const handle = await fs.open(tmp, 'wx', 0o640);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
    } catch (err) {
      // A full or failing disk must not leave a partial temp file beside the real one.
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async readFromDisk(cuid: string): Promise<ContainerSpec | null> {
    const dir = this.paths.dir(cuid);
    for (const entry of await fs.readdir(dir).catch(() => [] as string[])) {
      if (entry.startsWith('compose.yaml.tmp-')) await fs.rm(path.join(dir, entry), { force: true });
    }
    let text: string;
    try {
      text = await fs.readFile(this.paths.composeFile(cuid), 'utf8');
    } catch {
      this.logger.warn(`removing ${cuid}: no compose.yaml (interrupted create)`);
      const leftover = await this.leftovers.moveAside(cuid).catch((err: Error) => {
        this.logger.error(`could not move ${cuid} aside: ${err.message}`);
        return null;
      });
      if (leftover) await this.leftovers.remove(leftover);
      return null;
    }
    let spec: ContainerSpec;
    try {
      spec = parseComposeFile(cuid, text);
    } catch (err) {
      this.logger.error(`skipping ${cuid}: ${(err as Error).message}`);
      return null;
    }
    await this.migrate(spec, text);
    return spec;
  }

  /**
   * Rewrites a compose file written by an older version or under other settings (the shared network,
   * PORT_BIND_ADDRESS, a raw memory value), so the container's next `up` runs as configured now.
   * A running container is left as it is until then.
   */
  private async migrate(spec: ContainerSpec, text: string): Promise<void> {
    if (this.render(spec) === text) return;
    try {
      await this.writeFile(spec);
    } catch (err) {
      this.logger.warn(`could not rewrite the compose file of ${spec.cuid}: ${(err as Error).message}`);
    }
  }
}

/** The project tests and clients read `details.errno`, present only when the call had one. */
function errnoDetail(err: unknown): { errno?: string } {
  const errno = errnoOf(err);
  return errno === 'UNKNOWN' ? {} : { errno };
}
