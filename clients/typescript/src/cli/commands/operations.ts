import type { AuditEntry, AuditQuery, StatsSample } from '../../types';
import { Command, Context, str } from '../command';
import { bytes, table } from '../output';
import { UsageError } from '../usage-error';

const STATS_HEADERS = ['CUID', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS', 'NET I/O', 'BLOCK I/O'];

function statsRow(s: StatsSample): string[] {
  return [
    s.cuid,
    `${s.cpu.percent_of_limit.toFixed(2)}%`,
    `${bytes(s.memory.usage_bytes)} / ${bytes(s.memory.limit_bytes)}`,
    `${s.memory.percent.toFixed(2)}%`,
    String(s.pids),
    `${bytes(s.network.rx_bytes)} / ${bytes(s.network.tx_bytes)}`,
    `${bytes(s.block_io.read_bytes)} / ${bytes(s.block_io.write_bytes)}`,
  ];
}

function printStats(ctx: Context, samples: StatsSample[], raw: unknown): void {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(raw)}\n` : table(STATS_HEADERS, samples.map(statsRow)));
}

/** `docker stats` for managed containers: CPU % is of the container's own `cpus` limit. */
export const stats: Command = {
  usage: 'stats [-f] [CUID]   (every running container without CUID; -f: a sample a second)',
  options: { follow: { type: 'boolean', short: 'f' } },
  async run(ctx, { positionals, values }) {
    if (positionals.length > 1) throw new UsageError('stats takes at most one CUID');
    const [cuid] = positionals;
    const follow = values.follow === true;
    if (cuid && follow) {
      for await (const sample of ctx.client.streamContainerStats(cuid)) printStats(ctx, [sample], sample);
    } else if (cuid) {
      const sample = await ctx.client.getContainerStats(cuid);
      printStats(ctx, [sample], sample);
    } else if (follow) {
      for await (const overview of ctx.client.streamAllStats()) printStats(ctx, overview.containers, overview);
    } else {
      const overview = await ctx.client.getAllStats();
      printStats(ctx, overview.containers, overview);
    }
    return 0;
  },
};

const AUDIT_HEADERS = ['TIME', 'USER', 'ACTION', 'CUID', 'STATUS', 'MS', 'CODE', 'REQUEST_ID'];

const auditRow = (e: AuditEntry): string[] => [
  e.timestamp,
  e.user ?? '-',
  e.action ?? `${e.method} ${e.path}`,
  e.cuid ?? '-',
  String(e.status),
  String(e.duration_ms),
  e.code ?? '-',
  e.request_id,
];

/** The audit log, newest first: `--limit` entries (across as many pages as that takes). */
export const audit: Command = {
  usage:
    'audit [--cuid CUID] [--action A,…] [--user U] [--status 4xx] [--errors] [--since ISO] [--until ISO] [--limit N]',
  options: {
    cuid: { type: 'string' },
    action: { type: 'string' },
    user: { type: 'string' },
    status: { type: 'string' },
    errors: { type: 'boolean' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(ctx, { positionals, values }) {
    if (positionals.length > 0) throw new UsageError('audit takes no positional arguments (use --cuid)');
    const limitText = str(values, 'limit') ?? '50';
    if (!/^[1-9]\d*$/.test(limitText)) throw new UsageError('--limit must be a positive integer');
    const limit = Number(limitText);
    const query: AuditQuery = {
      cuid: str(values, 'cuid'),
      action: str(values, 'action'),
      user: str(values, 'user'),
      status: str(values, 'status'),
      since: str(values, 'since'),
      until: str(values, 'until'),
      error: values.errors === true ? true : undefined,
      limit: Math.min(limit, 1000),
    };
    const entries: AuditEntry[] = [];
    for await (const entry of ctx.client.queryAllAudit(query)) {
      entries.push(entry);
      if (entries.length >= limit) break;
    }
    ctx.stdout.write(ctx.json ? `${JSON.stringify(entries, null, 2)}\n` : table(AUDIT_HEADERS, entries.map(auditRow)));
    return 0;
  },
};
