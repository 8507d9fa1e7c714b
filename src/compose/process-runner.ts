import { Injectable } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { ChildWatchdog } from './child-watchdog';

export interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
}

const MAX_CAPTURE = 64 * 1024 * 1024;

/**
 * The seam under every CLI call: spawns an argv (never a shell) in its own process group, so a
 * timeout kills the whole tree, and captures bounded output.
 */
@Injectable()
export class ProcessRunner {
  constructor(private readonly watchdog: ChildWatchdog) {}

  run(argv: string[], options: RunOptions): Promise<ProcessResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const child = spawnDetached(argv, options.env, options.cwd);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let timedOut = false;
      let spawnError: Error | null = null;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child, 'SIGKILL');
      }, options.timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (outBytes < MAX_CAPTURE) out.push(chunk);
        outBytes += chunk.length;
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        if (errBytes < MAX_CAPTURE) err.push(chunk);
        errBytes += chunk.length;
      });
      child.on('error', (e) => (spawnError = e));
      child.on('close', (code) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        resolve({
          exitCode: spawnError ? null : code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: spawnError ? `${stderr}${spawnError.message}` : stderr,
          durationMs: Math.round(performance.now() - started),
          timedOut,
        });
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  /**
   * Starts a long-running process (e.g. `docker events`); the caller owns its lifetime, and the
   * watchdog ends it if the service dies. Bounded calls (`run`) are left to finish instead: killing
   * a `compose up` halfway through a recreate would leave two containers behind, and their timeout
   * ends them anyway.
   */
  start(argv: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
    const child = spawnDetached(argv, env, cwd);
    this.watchdog.track(child);
    return child;
  }
}

/** A group of its own, so a timeout or a close kills the whole tree. */
function spawnDetached(argv: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty argv');
  return spawn(file, args, { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
