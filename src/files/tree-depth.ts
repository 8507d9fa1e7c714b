import { ValidationError } from '../common/errors/app-error';
import { MountDir, MountFs, openOrSkip } from './mount-fs';
import { displayPath, isZippableName } from './path-confinement';
import { FilesErrorCode } from './files.errors';

export function pathTooDeep(dir: MountDir, maxDepth: number): ValidationError {
  return new ValidationError(
    FilesErrorCode.PATH_TOO_DEEP,
    `Directories nest more than ${maxDepth} levels below ${displayPath(dir.segments)}; download a subdirectory`,
    { path: displayPath(dir.segments), max_depth: maxDepth },
  );
}

/**
 * Throws PATH_TOO_DEEP when a directory the zip would hold sits more than `maxDepth` levels below
 * `root`, before anything is sent. Only directories are visited, one descriptor per level, and the
 * walk stops at the first level too deep, so a 20,000-level tree costs `maxDepth` descriptors.
 */
export async function assertDepthWithin(fs: MountFs, root: MountDir, maxDepth: number): Promise<void> {
  const visit = async (dir: MountDir, depth: number): Promise<void> => {
    for (const name of await fs.subdirectories(dir)) {
      if (!isZippableName(name)) continue;
      if (depth === maxDepth) throw pathTooDeep(root, maxDepth);
      const sub = await openOrSkip(() => fs.openDir(dir, name));
      if (!sub) continue;
      try {
        await visit(sub, depth + 1);
      } finally {
        await sub.close();
      }
    }
  };
  await visit(root, 0);
}
