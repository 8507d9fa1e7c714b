import type { ParseArgsConfig } from 'node:util';
import type { ContainerManagerClient } from '../client';

export interface Context {
  client: ContainerManagerClient;
  json: boolean;
  /** Draw progress bars (on stderr). */
  progress: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Invocation {
  positionals: string[];
  values: OptionValues;
  /** Everything after `--`. */
  rest: string[];
}

export interface Command {
  usage: string;
  options?: ParseArgsConfig['options'];
  /** Resolves with the process exit code. */
  run(ctx: Context, args: Invocation): Promise<number>;
}

export const str = (values: OptionValues, key: string): string | undefined => {
  const value = values[key];
  return typeof value === 'string' ? value : undefined;
};

export const strs = (values: OptionValues, key: string): string[] => {
  const value = values[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};
