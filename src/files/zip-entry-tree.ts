import { ValidationError } from '../common/errors/app-error';
import { tooManyEntries, UploadLimits } from './zip-limits';
import { FilesErrorCode } from './files.errors';

export type EntryKind = 'file' | 'directory';

/** One file or directory of the tree an archive's names describe. */
export interface TreeNode {
  readonly kind: EntryKind;
  readonly parent: TreeNode | undefined;
  /** Path below the staging tree, target prefix included. */
  readonly segments: readonly string[];
}

interface DirectoryNode extends TreeNode {
  readonly kind: 'directory';
  readonly children: Map<string, TreeNode>;
}

export type PathLimits = Pick<UploadLimits, 'maxEntries' | 'maxPathDepth' | 'maxPathBytes'>;

/**
 * The tree an archive's names add up to, grown one entry at a time by both extraction paths so
 * they hold the archive to the same rules: every path within the depth and byte limits, no name
 * both file and directory (or a file twice), and every node counted against the entry limit,
 * including the parent directories a name only implies (`a/b/c/d` is four). Each entry costs one
 * map lookup per component, so the work grows with the bytes of the names, never with
 * names × depth. The upload's target path is part of every path but not of the count.
 */
export class EntryTree {
  private readonly root: DirectoryNode;
  private readonly base: DirectoryNode;
  private readonly dirs: DirectoryNode[] = [];
  private readonly prefixBytes: number;
  private nodes = 0;

  constructor(
    private readonly limits: PathLimits,
    private readonly prefix: readonly string[],
  ) {
    this.root = directoryNode(undefined, []);
    let node = this.root;
    for (const name of prefix) {
      const child = directoryNode(node, [...node.segments, name]);
      node.children.set(name, child);
      this.dirs.push(child);
      node = child;
    }
    this.base = node;
    this.prefixBytes = prefix.length === 0 ? 0 : Buffer.byteLength(prefix.join('/')) + 1;
  }

  /**
   * Adds an entry whose name has been checked and split into `components`; returns its node, or
   * the existing one for a directory listed twice. `name` is for error messages.
   */
  add(components: readonly string[], kind: EntryKind, name: string): TreeNode {
    const bytes = this.prefixBytes + Buffer.byteLength(components.join('/'));
    if (bytes > this.limits.maxPathBytes) throw pathTooLong(name, this.limits.maxPathBytes);
    const depth = this.prefix.length + components.length;
    if (depth > this.limits.maxPathDepth) throw tooDeep(name, depth, this.limits.maxPathDepth);
    let node = this.base;
    const last = components.length - 1;
    for (let i = 0; i < last; i += 1) node = this.directoryChild(node, components[i] as string, name);
    const leaf = components[last] as string;
    const existing = node.children.get(leaf);
    if (existing) {
      if (existing.kind === 'directory' && kind === 'directory') return existing;
      throw clash(name, existing.segments);
    }
    return this.create(node, leaf, kind);
  }

  /** Every directory, the target path's included, parents before children. */
  get directories(): readonly TreeNode[] {
    return this.dirs;
  }

  /** The staging tree itself: the parent of the target path's first directory. */
  get top(): TreeNode {
    return this.root;
  }

  private directoryChild(parent: DirectoryNode, name: string, entry: string): DirectoryNode {
    const existing = parent.children.get(name);
    if (!existing) return this.create(parent, name, 'directory') as DirectoryNode;
    if (existing.kind !== 'directory') throw clash(entry, existing.segments);
    return existing as DirectoryNode;
  }

  private create(parent: DirectoryNode, name: string, kind: EntryKind): TreeNode {
    this.nodes += 1;
    if (this.nodes > this.limits.maxEntries) throw tooManyEntries(this.nodes, this.limits.maxEntries);
    const segments = [...parent.segments, name];
    const node: TreeNode = kind === 'directory' ? directoryNode(parent, segments) : { kind, parent, segments };
    parent.children.set(name, node);
    if (kind === 'directory') this.dirs.push(node as DirectoryNode);
    return node;
  }
}

function directoryNode(parent: TreeNode | undefined, segments: readonly string[]): DirectoryNode {
  return { kind: 'directory', parent, segments, children: new Map() };
}

function shown(name: string): string {
  return name.slice(0, 128);
}

function clash(name: string, segments: readonly string[]): ValidationError {
  const key = shown(segments.join('/'));
  return new ValidationError(
    FilesErrorCode.ZIP_PATH_CLASH,
    `"${key}" appears in the archive twice, or as both file and directory`,
    {
      entry: shown(name),
      path: key,
    },
  );
}

function tooDeep(name: string, depth: number, limit: number): ValidationError {
  return new ValidationError(FilesErrorCode.ZIP_PATH_TOO_DEEP, `An entry's path has more than ${limit} components`, {
    entry: shown(name),
    depth,
    max_depth: limit,
  });
}

export function pathTooLong(name: string, limit: number): ValidationError {
  return new ValidationError(FilesErrorCode.ZIP_NAME_TOO_LONG, 'An entry name is too long', {
    entry: shown(name),
    max_path_bytes: limit,
  });
}
