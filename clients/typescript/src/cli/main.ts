#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ContainerManagerClient } from '../client';
import { ConnectionError, isApiError } from '../errors';
import type { Command, Context, OptionValues } from './command';
import { create, inspect, lifecycle, ls } from './commands/containers';
import { cp } from './commands/copy';
import { events, logs } from './commands/live';
import { audit, stats } from './commands/operations';
import { exec, shell } from './commands/terminal';
import { resolveConnection } from './config';
import { EXIT, UsageError } from './usage-error';

const COMMANDS: Record<string, Command> = {
  ls,
  create,
  start: lifecycle('start'),
  stop: lifecycle('stop'),
  restart: lifecycle('restart'),
  pause: lifecycle('pause'),
  unpause: lifecycle('unpause'),
  rm: lifecycle('rm'),
  keepalive: lifecycle('keepalive'),
  inspect,
  cp,
  exec,
  shell,
  logs,
  events,
  stats,
  audit,
};

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  pass: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function help(): string {
  return [
    'cm: command line of Container Manager',
    '',
    'usage: cm [--url URL] [--user U] [--pass P] [--config FILE] [--json] [--[no-]progress] COMMAND …',
    '',
    ...Object.values(COMMANDS).map((c) => `  cm ${c.usage}`),
    '',
    'Connection: flags, else CM_URL / CM_USER / CM_PASS, else a JSON file ($CM_CONFIG or',
    '~/.config/cm/config.json) with "url", "user", "pass". URL defaults to http://localhost:8080.',
    'Exit codes: 0 done, 1 the API answered an error (its code and request_id are printed),',
    '2 bad command line, 3 service unreachable; exec and shell exit with the remote exit code.',
    '',
  ].join('\n');
}

export async function main(
  argv: string[],
  io: Pick<Context, 'stdout' | 'stderr' | 'stdin'>,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const dashDash = argv.indexOf('--');
  const head = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const rest = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  let json = head.includes('--json');
  try {
    const name = head.find((arg) => Object.hasOwn(COMMANDS, arg));
    const command = name ? COMMANDS[name] : undefined;
    if (!command || !name) {
      if (head.includes('--help') || head.includes('-h') || head.length === 0) {
        io.stdout.write(help());
        return head.length === 0 ? EXIT.usage : EXIT.ok;
      }
      throw new UsageError(`unknown command: ${head.filter((a) => !a.startsWith('-')).join(' ') || head.join(' ')}`);
    }
    const parsed = parseArgs({
      args: head.filter((arg, i) => !(arg === name && i === head.indexOf(name))),
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    const values = parsed.values as OptionValues;
    json = values.json === true;
    if (values.help === true) {
      io.stdout.write(`usage: cm ${command.usage}\n`);
      return EXIT.ok;
    }
    const connection = resolveConnection({
      flags: {
        url: values.url as string | undefined,
        user: values.user as string | undefined,
        pass: values.pass as string | undefined,
        config: values.config as string | undefined,
      },
      env,
    });
    const ctx: Context = {
      ...io,
      client: new ContainerManagerClient(connection),
      json,
      progress: values['no-progress'] === true ? false : values.progress === true || io.stderr.isTTY === true,
    };
    return await command.run(ctx, { positionals: parsed.positionals, values, rest });
  } catch (err) {
    return report(err, json, io.stderr);
  }
}

/** One line a person can act on (or the error body as JSON with --json), and an exit code a script can. */
function report(err: unknown, json: boolean, stderr: NodeJS.WriteStream): number {
  if (isApiError(err)) {
    const { error, code, message, status, request_id, details } = err;
    stderr.write(
      json
        ? `${JSON.stringify({ error, code, message, status, request_id, details })}\n`
        : `cm: ${code}: ${message} (status ${status}, request_id ${request_id ?? 'none'})\n`,
    );
    return EXIT.api;
  }
  if (err instanceof ConnectionError) {
    stderr.write(
      json
        ? `${JSON.stringify({ error: 'connection_error', code: err.code, message: err.message, request_id: err.request_id })}\n`
        : `cm: ${err.code}: ${err.message} (request_id ${err.request_id})\n`,
    );
    return EXIT.connection;
  }
  const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  stderr.write(
    `cm: ${err instanceof Error ? err.message : String(err)}\n${usage ? 'run `cm --help` for usage\n' : ''}`,
  );
  return usage ? EXIT.usage : EXIT.api;
}

if (require.main === module) {
  void main(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
    process.env,
  ).then((code) => {
    process.exitCode = code;
    // Open handles (a paused stdin, a kept-alive socket) must not hold the exit code hostage.
    setImmediate(() => process.exit(code));
  });
}
