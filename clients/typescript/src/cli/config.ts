import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { UsageError } from './usage-error';

export interface Connection {
  url: string;
  user: string;
  pass: string;
}

interface Sources {
  flags: Partial<Connection> & { config?: string };
  env: NodeJS.ProcessEnv;
}

/**
 * Where `cm` finds the service: flags, then CM_URL / CM_USER / CM_PASS, then a JSON config file
 * (`--config`, else CM_CONFIG, else ~/.config/cm/config.json) with `url`, `user`, `pass`.
 */
export function resolveConnection({ flags, env }: Sources): Connection {
  const file = readConfigFile(flags.config ?? env.CM_CONFIG ?? path.join(homedir(), '.config', 'cm', 'config.json'));
  const url = flags.url ?? env.CM_URL ?? file.url ?? 'http://localhost:8080';
  const user = flags.user ?? env.CM_USER ?? file.user;
  const pass = flags.pass ?? env.CM_PASS ?? file.pass;
  if (!user || pass === undefined) {
    throw new UsageError('credentials missing: set CM_USER and CM_PASS (or --user/--pass, or a config file)');
  }
  return { url, user, pass };
}

function readConfigFile(file: string): Partial<Connection> {
  if (!existsSync(file)) return {};
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const pick = (key: string): string | undefined => (typeof value[key] === 'string' ? value[key] : undefined);
    return { url: pick('url'), user: pick('user'), pass: pick('pass') };
  } catch {
    throw new UsageError(`config file ${file} is not valid JSON`);
  }
}
