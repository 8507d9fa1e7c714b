import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a local process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) * 1024;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process ended between the listing and the read
  }
}

/**
 * Processes descending from `root` whose command line contains `needle`. Only descendants count, so
 * `docker` processes of other tests or of the engine itself do not.
 */
export function descendantsMatching(root: number, needle: string): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`);
    // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parent.set(Number(name), ppid);
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops += 1) {
      if (p === root) return true;
    }
    return false;
  };
  return [...parent.keys()].filter(
    (pid) => descends(pid) && readOr(`/proc/${pid}/cmdline`).split('\0').join(' ').includes(needle),
  );
}

/** Calls `probe` every `everyMs` until stopped, keeping the largest value seen. */
export function sampleMax(probe: () => number, everyMs = 20): { stop: () => number; readonly max: number } {
  let max = probe();
  const timer = setInterval(() => {
    try {
      max = Math.max(max, probe());
    } catch {
      // a process gone mid-read: skip this sample
    }
  }, everyMs);
  return {
    get max() {
      return max;
    },
    stop: () => {
      clearInterval(timer);
      return max;
    },
  };
}
