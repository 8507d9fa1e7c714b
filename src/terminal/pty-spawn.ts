import { readSync } from 'node:fs';
import * as pty from 'node-pty';
import { FdInput } from './fd-input';
import type { ProcessInput } from './terminal-process';

/** The part of a node-pty terminal a session uses, so specs can hand in a fake. */
export interface PtyHandle {
  readonly pid: number;
  onData(listener: (data: Buffer | string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  /** stdin of the pty, with what it holds counted (see FdInput). */
  readonly input: ProcessInput;
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

/** How long output left in the pty after its process exited may take to be read (see keepOutputAtExit). */
export const PTY_DRAIN_LIMIT_MS = 3_000;

/** The most read straight from the pty once libuv has declared it ended: a pty holds far less. */
const DRAIN_MAX_BYTES = 1024 * 1024;

/** Spawns an argv on a new pty (never through a shell), reading raw bytes so we decide on encodings. */
export const spawnPty: PtySpawn = (argv, { cols, rows, env }) => {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty argv');
  const term = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, env, encoding: null });
  const fd = (term as unknown as { fd?: unknown }).fd;
  const input = typeof fd === 'number' ? FdInput.forFd(fd) : null;
  // The input must stop before node-pty closes the descriptor: its number could be reused at once.
  keepOutputAtExit(term, PTY_DRAIN_LIMIT_MS, () => input?.close());
  term.onExit(() => input?.close());
  return Object.assign(term, { input: input ?? unmeteredInput(term) });
};

/** Without node-pty's descriptor (never seen on Linux), its own writer is used, unmeasured. */
function unmeteredInput(term: pty.IPty): ProcessInput {
  return { write: (data) => term.write(data), queuedBytes: 0, onDrained: () => undefined };
}

interface PtySocket {
  destroyed: boolean;
  readableEnded: boolean;
  destroy(error?: Error): unknown;
  emit(event: 'data', chunk: Buffer): boolean;
  once(event: 'close', listener: () => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

/**
 * Two ways node-pty (1.1) loses the last output of a process that exits, both seen under load with
 * 450 KB through `docker compose exec` (a plain read loop on the same pty gets every byte):
 * - it destroys its socket 200 ms after the child exits (a workaround for a macOS socket that
 *   never closes), unread output included. On Linux the socket ends by itself once the pty is
 *   drained, so that timed destroy (the only one without an error before the end) waits for it, up
 *   to PTY_DRAIN_LIMIT_MS;
 * - libuv takes a hang-up after a short read for the end of the stream, while a pty can still hold
 *   output (a paused session meets this: it stops reading, the process exits meanwhile). So at that
 *   end the rest is read straight from the descriptor, which stays open until the socket closes,
 *   and delivered as data before the exit.
 * Both use node-pty's private socket: without one, nothing changes. `beforeClose` runs just before
 * the descriptor is closed.
 */
export function keepOutputAtExit(
  term: pty.IPty,
  limitMs = PTY_DRAIN_LIMIT_MS,
  beforeClose = (): void => undefined,
): void {
  const socket = (term as unknown as { _socket?: PtySocket })._socket;
  const fd = (term as unknown as { fd?: unknown }).fd;
  if (!socket || typeof socket.destroy !== 'function' || typeof fd !== 'number') return;
  const destroy = socket.destroy.bind(socket);
  const destroyNow = (error?: Error): unknown => {
    beforeClose();
    return destroy(error);
  };
  let waiting = false;
  socket.destroy = (error?: Error) => {
    if (error !== undefined || waiting || socket.destroyed || socket.readableEnded) return destroyNow(error);
    waiting = true;
    const timer = setTimeout(() => destroyNow(), limitMs);
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  socket.on('end', () => readRest(fd, (chunk) => socket.emit('data', chunk)));
}

/** Reads a non-blocking descriptor until it has nothing more (EAGAIN) or is gone (EIO, 0). */
function readRest(fd: number, deliver: (chunk: Buffer) => void): void {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (let total = 0; total < DRAIN_MAX_BYTES;) {
    let read: number;
    try {
      read = readSync(fd, buffer, 0, buffer.length, null);
    } catch {
      return;
    }
    if (read <= 0) return;
    total += read;
    deliver(Buffer.from(buffer.subarray(0, read)));
  }
}
