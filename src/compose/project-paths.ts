import { Injectable } from '@nestjs/common';
import * as path from 'node:path';
import { AppConfig } from '../common/config/app-config';

const CUID = /^c[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isCuid(value: string): boolean {
  return CUID.test(value);
}

/** Where a container's project lives on disk. Only ever called with a validated cuid. */
@Injectable()
export class ProjectPaths {
  readonly root: string;

  constructor(config: AppConfig) {
    this.root = config.composeProjectsDir;
  }

  dir(cuid: string): string {
    if (!isCuid(cuid)) throw new Error(`not a cuid: ${cuid.slice(0, 64)}`);
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
