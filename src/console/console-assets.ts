import { Injectable } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One built file of the console, held in memory: the whole bundle is a few hundred kB. */
export interface ConsoleAsset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Where `npm run build` writes the console (web/dist). Resolved from this file's place, which is
 * two levels under the repository both in dist/console and in src/console, so the built service
 * and the tests find the same assets. Outside dist/ on purpose: `nest build` empties dist/.
 */
export const DEFAULT_CONSOLE_DIR = join(__dirname, '..', '..', 'web', 'dist');

/**
 * The built console, read once at boot. Only names found in the build directory are ever served,
 * so no request path reaches the filesystem.
 */
@Injectable()
export class ConsoleAssets {
  private readonly files = new Map<string, ConsoleAsset>();

  constructor(dir: string = DEFAULT_CONSOLE_DIR) {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) this.files.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }

  get built(): boolean {
    return this.files.has('index.html');
  }

  get(name: string): ConsoleAsset | undefined {
    return this.files.get(name);
  }
}
