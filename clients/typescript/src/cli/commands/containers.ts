import type { Container, CreateContainerRequest, Port } from '../../types';
import { Command, Context, OptionValues, str, strs } from '../command';
import { table } from '../output';
import { UsageError } from '../usage-error';

const ports = (c: Container): string => c.ports.map((p) => `${p.host}:${p.container}/${p.protocol ?? 'tcp'}`).join(',');

export const ls: Command = {
  usage: 'ls [--status running,paused] [--tag TAG]',
  options: { status: { type: 'string' }, tag: { type: 'string' } },
  async run(ctx, { values }) {
    const all: Container[] = [];
    for await (const c of ctx.client.listAllContainers({ status: str(values, 'status'), tag: str(values, 'tag') })) {
      all.push(c);
    }
    if (ctx.json) {
      ctx.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      return 0;
    }
    const rows = all.map((c) => [c.cuid, c.status, c.image, ports(c), c.tags.join(','), c.created_at]);
    ctx.stdout.write(table(['CUID', 'STATUS', 'IMAGE', 'PORTS', 'TAGS', 'CREATED'], rows));
    return 0;
  },
};

export function parsePort(spec: string): Port {
  const match = /^(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(spec);
  if (!match) throw new UsageError(`--port must be HOST:CONTAINER[/tcp|udp], got ${spec}`);
  return { host: Number(match[1]), container: Number(match[2]), protocol: (match[3] ?? 'tcp') as 'tcp' | 'udp' };
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env must be KEY=VALUE, got ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function seconds(values: OptionValues, flag: string, field: 'ttl_s' | 'idle_stop_s'): Partial<CreateContainerRequest> {
  const text = str(values, flag);
  if (text === undefined) return {};
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a number of seconds, got ${text}`);
  return { [field]: Number(text) };
}

export const create: Command = {
  usage:
    'create --image IMAGE [--env K=V]… [--port 8080:80[/udp]]… [--tag T]… [--cpus N] [--memory 512m] [--pids N] ' +
    '[--ttl S] [--idle-stop S] [-- CMD ARGS…]',
  options: {
    image: { type: 'string' },
    env: { type: 'string', multiple: true },
    port: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    cpus: { type: 'string' },
    memory: { type: 'string' },
    pids: { type: 'string' },
    ttl: { type: 'string' },
    'idle-stop': { type: 'string' },
  },
  async run(ctx, { values, rest }) {
    const image = str(values, 'image');
    if (!image) throw new UsageError('create needs --image');
    const resources: NonNullable<CreateContainerRequest['resources']> = {};
    if (str(values, 'cpus') !== undefined) resources.cpus = Number(str(values, 'cpus'));
    if (str(values, 'memory') !== undefined) resources.memory = str(values, 'memory');
    if (str(values, 'pids') !== undefined) resources.pids = Number(str(values, 'pids'));
    const body: CreateContainerRequest = {
      image,
      env: parseEnv(strs(values, 'env')),
      tags: strs(values, 'tag').flatMap((t) => t.split(',')),
      ports: strs(values, 'port').map(parsePort),
      ...(Object.keys(resources).length > 0 ? { resources } : {}),
      ...(rest.length > 0 ? { command: rest } : {}),
      ...seconds(values, 'ttl', 'ttl_s'),
      ...seconds(values, 'idle-stop', 'idle_stop_s'),
    };
    const container = await ctx.client.createContainer(body);
    ctx.stdout.write(ctx.json ? `${JSON.stringify(container, null, 2)}\n` : `${container.cuid}\n`);
    return 0;
  },
};

type Action = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'keepalive' | 'rm';

function act(
  ctx: Context,
  action: Action,
  cuid: string,
  timeout?: number,
): Promise<Container | { cuid: string; deleted: true }> {
  switch (action) {
    case 'start':
      return ctx.client.startContainer(cuid);
    case 'stop':
      return ctx.client.stopContainer(cuid, { timeout });
    case 'restart':
      return ctx.client.restartContainer(cuid, { timeout });
    case 'pause':
      return ctx.client.pauseContainer(cuid);
    case 'unpause':
      return ctx.client.unpauseContainer(cuid);
    case 'keepalive':
      return ctx.client.keepaliveContainer(cuid);
    case 'rm':
      return ctx.client.deleteContainer(cuid);
  }
}

/** start|stop|restart|pause|unpause|keepalive|rm CUID…: one after the other; the first failure ends the command. */
export function lifecycle(action: Action): Command {
  const timed = action === 'stop' || action === 'restart';
  return {
    usage: `${action} ${timed ? '[--timeout S] ' : ''}CUID…`,
    options: timed ? { timeout: { type: 'string' } } : {},
    async run(ctx, { positionals, values }) {
      if (positionals.length === 0) throw new UsageError(`${action} needs at least one CUID`);
      const timeout = str(values, 'timeout') === undefined ? undefined : Number(str(values, 'timeout'));
      const results = [];
      for (const cuid of positionals) {
        const result = await act(ctx, action, cuid, timeout);
        results.push(result);
        if (!ctx.json) ctx.stdout.write(`${cuid}\t${'status' in result ? result.status : 'deleted'}\n`);
      }
      if (ctx.json) ctx.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      return 0;
    },
  };
}

export const inspect: Command = {
  usage: 'inspect CUID',
  async run(ctx, { positionals }) {
    const [cuid] = positionals;
    if (!cuid || positionals.length > 1) throw new UsageError('inspect needs one CUID');
    const [container, state] = await Promise.all([ctx.client.getContainer(cuid), ctx.client.getContainerStatus(cuid)]);
    if (ctx.json) {
      ctx.stdout.write(`${JSON.stringify({ ...container, state }, null, 2)}\n`);
      return 0;
    }
    const rows: [string, string][] = [
      ['cuid', container.cuid],
      ['image', container.image],
      ['status', container.status],
      ['exit code', String(state.exit_code ?? '')],
      ['started', state.started_at ?? ''],
      ['finished', state.finished_at ?? ''],
      ['restarts', String(state.restart_count)],
      ['oom killed', String(state.oom_killed)],
      ['ports', ports(container)],
      ['tags', container.tags.join(',')],
      ['resources', JSON.stringify(container.resources)],
      ['command', container.command ? container.command.join(' ') : '(default) python /app/boot.py'],
      ['env', Object.keys(container.env).sort().join(',')],
      ['created', container.created_at],
      ['updated', container.updated_at],
      ['expires', container.expires_at ?? ''],
      ['idle stop', container.idle_stop_at ?? ''],
    ];
    ctx.stdout.write(rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n') + '\n');
    return 0;
  },
};
