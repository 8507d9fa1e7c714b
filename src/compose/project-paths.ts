import { Injectable } from '@nestjs/common';
import * as path from 'node:path';
import { AppConfig } from '../common/config/app-config';

/**
 * Compose's own rule for a project name; it also keeps a name one path segment (no `/`, no `..`).
 * Callers validate their ids first (containers/cuid.ts); this is the last line under them.
 */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Where a project lives on disk. Only ever called with a validated project name (a cuid). */
@Injectable()
export class ProjectPaths {
  readonly root: string;

  constructor(config: AppConfig) {
    this.root = config.composeProjectsDir;
  }

  dir(cuid: string): string {
    if (!PROJECT_NAME.test(cuid)) throw new Error(`not a project name: ${cuid.slice(0, 64)}`);
    return path.join(this.root, cuid);
  }

  composeFile(cuid: string): string {
    return path.join(this.dir(cuid), 'compose.yaml');
  }

  /** Bind-mounted at /app inside the container. */
  appDir(cuid: string): string {
    return path.join(this.dir(cuid), 'app');
  }

  /** Uploads are extracted here first, then moved into app/, so a failure leaves app/ untouched. */
  stagingRoot(cuid: string): string {
    return path.join(this.dir(cuid), '.staging');
  }
}
