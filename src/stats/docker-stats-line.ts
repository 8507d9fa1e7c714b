/** One container's figures from a `docker stats --format '{{json .}}'` line, in numbers. */
export interface RawStats {
  id: string;
  /** Docker's CPU %: 100 is one full core. */
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  memPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

// docker stats redraws the screen between frames even when it writes to a pipe.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g; // eslint-disable-line no-control-regex

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** Parses one output line; null for anything that is not a container's JSON. */
export function parseStatsLine(line: string): RawStats | null {
  const text = line.replace(ANSI, '').trim();
  if (!text.startsWith('{')) return null;
  let raw: Record<string, string>;
  try {
    raw = JSON.parse(text) as Record<string, string>;
  } catch {
    return null;
  }
  if (typeof raw.ID !== 'string' || raw.ID === '') return null;
  const [memUsage, memLimit] = pair(raw.MemUsage);
  const [netRx, netTx] = pair(raw.NetIO);
  const [blockRead, blockWrite] = pair(raw.BlockIO);
  return {
    id: raw.ID,
    cpuPercent: percent(raw.CPUPerc),
    memUsage,
    memLimit,
    memPercent: percent(raw.MemPerc),
    netRx,
    netTx,
    blockRead,
    blockWrite,
    pids: Number.parseInt(raw.PIDs ?? '0', 10) || 0,
  };
}

function percent(value: string | undefined): number {
  const n = Number.parseFloat((value ?? '').replace('%', ''));
  return Number.isFinite(n) ? n : 0;
}

function pair(value: string | undefined): [number, number] {
  const [a, b] = (value ?? '').split('/');
  return [bytes(a), bytes(b)];
}

/** `1.5MiB`, `266B`, `1.2kB` → bytes (docker prints binary units for memory, decimal for I/O). */
export function bytes(value: string | undefined): number {
  const match = /^\s*([\d.]+)\s*([kKMGT]?i?B)\s*$/.exec(value ?? '');
  if (!match) return 0;
  const unit = UNITS[match[2]!.toUpperCase()];
  return unit ? Math.round(Number.parseFloat(match[1]!) * unit) : 0;
}
