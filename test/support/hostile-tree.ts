import { execFileSync } from 'node:child_process';

/**
 * What code in a container can build in /app, planted straight on the host (as root, owned by the
 * container's uid as the container would leave it): a chain of `depth` nested `a/` directories
 * (deeper than PATH_MAX once depth > 2,048), with, at its bottom and along the way, symlinks to
 * `canary` (a host path outside the tree that must survive), directories with mode 000, a FIFO,
 * names that are not UTF-8, and a directory of many files.
 */
const SCRIPT = `
import os, sys
root, depth, canary, uid, many = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
os.chdir(root)
os.mkdir('many'); os.chown('many', uid, uid)
for i in range(many):
    open(f'many/f{i}', 'w').close()
for i in range(depth):
    os.mkdir('a'); os.chown('a', uid, uid); os.chdir('a')
    if i % 700 == 699:
        os.symlink(canary, 'up-link')
os.symlink(canary, 'canary-link')
os.symlink('/', 'root-link')
with open('data.txt', 'w') as f: f.write('bottom')
os.mkfifo('fifo')
open(b'\\xff\\xfe-not-utf8', 'w').close()
os.mkdir('locked'); open('locked/inside', 'w').close(); os.chmod('locked', 0)
os.mkdir('noexec'); open('noexec/inside', 'w').close(); os.chmod('noexec', 0o600)
for i in range(depth):
    os.chdir('..')
    if i % 500 == 250:
        os.chmod('a', 0)
`;

export function plantHostileTree(
  root: string,
  opts: { depth: number; canary: string; uid?: number; many?: number },
): void {
  execFileSync(
    'python3',
    ['-c', SCRIPT, root, String(opts.depth), opts.canary, String(opts.uid ?? 1000), String(opts.many ?? 0)],
    { timeout: 120_000 },
  );
}

/** How deep the `a/` chain under `root` goes (counted relative to descriptors, like the tree itself). */
export function chainDepth(root: string): number {
  const out = execFileSync(
    'python3',
    [
      '-c',
      "import os,sys\nos.chdir(sys.argv[1])\nn=0\nwhile os.path.isdir('a'):\n os.chdir('a'); n+=1\nprint(n)",
      root,
    ],
    { timeout: 120_000 },
  );
  return Number(out.toString().trim());
}
