import * as pty from 'node-pty';

/** The part of a node-pty terminal a session uses, so specs can hand in a fake. */
export interface PtyHandle {
  readonly pid: number;
  onData(listener: (data: Buffer | string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

export interface PtyOptions {
  cols: number;
  rows: number;
  env: NodeJS.ProcessEnv;
}

export type PtySpawn = (argv: string[], options: PtyOptions) => PtyHandle;

export const PTY_SPAWN = Symbol('PTY_SPAWN');

/** Spawns an argv on a new pty (never through a shell), reading raw bytes so we decide on encodings. */
export const spawnPty: PtySpawn = (argv, { cols, rows, env }) => {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty argv');
  return pty.spawn(file, args, { name: 'xterm-256color', cols, rows, env, encoding: null });
};
