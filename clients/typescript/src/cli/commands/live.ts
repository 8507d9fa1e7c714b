import type { EventStreamItem } from '../../live-types';
import { Command, str } from '../command';
import { UsageError } from '../usage-error';

export const logs: Command = {
  usage: 'logs [-f] [--tail N] CUID',
  options: { follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const [cuid] = positionals;
    if (!cuid || positionals.length > 1) throw new UsageError('logs needs one CUID');
    const follow = values.follow === true;
    const tail = str(values, 'tail');
    if (tail !== undefined && !/^(\d+|all)$/.test(tail)) throw new UsageError('--tail must be a line count or all');
    for await (const { stream, line } of ctx.client.streamLogs(cuid, {
      follow,
      tail: tail === undefined || tail === 'all' ? tail : Number(tail),
    })) {
      (stream === 'stderr' ? ctx.stderr : ctx.stdout).write(`${line}\n`);
    }
    return 0;
  },
};

export function describeEvent(item: EventStreamItem): string {
  if (item.type === 'reset') {
    return `${new Date().toISOString()}  reset       -  events after ${item.last_event_id} were lost; re-read state`;
  }
  const details =
    item.type === 'action'
      ? `${item.action ?? ''} ${item.status ?? ''}${item.code ? ` ${item.code}` : ''} ${item.duration_ms ?? ''}ms ${item.user ?? ''}`
      : item.type === 'died'
        ? `exit_code=${String(item.exit_code ?? '')}`
        : item.type === 'health'
          ? `health=${item.health ?? ''}`
          : '';
  return `${item.time}  ${item.type.padEnd(10)}  ${item.cuid ?? '-'}  ${details}`.trimEnd();
}

export const events: Command = {
  usage: 'events [--type died,oom,action…] [--cuid CUID,…] [--since ID]',
  options: { type: { type: 'string' }, cuid: { type: 'string' }, since: { type: 'string' } },
  async run(ctx, { values }) {
    for await (const item of ctx.client.streamEvents({
      type: str(values, 'type'),
      cuid: str(values, 'cuid'),
      since: str(values, 'since'),
    })) {
      ctx.stdout.write(`${ctx.json ? JSON.stringify(item) : describeEvent(item)}\n`);
    }
    return 0;
  },
};
