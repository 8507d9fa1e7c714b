import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';

/**
 * The watchdog's whole program, run as `node -e` (no file to find, no shell). It reads `+pid` /
 * `-pid` lines on stdin; when stdin ends — the service exited or was SIGKILLed, so the kernel
 * closed the pipe — it sends SIGTERM to every process group still listed, SIGKILL a second later,
 * and exits. Ctrl+C and hang-ups meant for the service are ignored: only the pipe decides.
 */
const WATCHDOG_SOURCE = `'use strict';
const groups = new Set();
let pending = '';
let finishing = false;
for (const s of ['SIGINT', 'SIGHUP']) process.on(s, () => undefined);
const kill = (signal) => {
  for (const pid of groups) {
    try { process.kill(-pid, signal); } catch { groups.delete(pid); }
  }
};
const finish = () => {
  if (finishing) return;
  finishing = true;
  kill('SIGTERM');
  if (groups.size === 0) process.exit(0);
  setTimeout(() => { kill('SIGKILL'); process.exit(0); }, 1000);
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (line[0] === '+') groups.add(pid); else groups.delete(pid);
  }
});
process.stdin.on('end', finish);
process.stdin.on('close', finish);
process.stdin.on('error', finish);
`;

/**
 * Makes sure no long-running child (`docker events`, `logs --follow`, terminal execs) outlives the
 * service, even a SIGKILLed one (Node has no PR_SET_PDEATHSIG). Children run in their own process groups (so a timeout can kill a whole tree), which also means
 * nothing kills them when the service dies; one small watchdog process, fed the groups over a pipe
 * whose only writer is the service, kills them when that pipe closes. It is respawned if it dies.
 */
@Injectable()
export class ChildWatchdog implements OnApplicationShutdown {
  private readonly logger = new Logger('ChildWatchdog');
  private readonly tracked = new Set<number>();
  private watchdog: ChildProcess | null = null;
  private stopped = false;

  /** Registers a child that leads its own process group; it is forgotten when it exits. */
  track(child: ChildProcess): void {
    const pid = child.pid;
    if (pid === undefined || this.stopped) return;
    this.tracked.add(pid);
    this.send(`+${pid}`);
    child.once('exit', () => {
      this.tracked.delete(pid);
      this.send(`-${pid}`);
    });
  }

  /** The watchdog's pid, for tests and diagnostics. */
  get watchdogPid(): number | undefined {
    return this.watchdog?.pid;
  }

  /** A clean stop: closing the pipe makes the watchdog kill whatever is still running, then exit. */
  onApplicationShutdown(): void {
    this.stopped = true;
    this.watchdog?.stdin?.end();
    this.watchdog = null;
  }

  private send(line: string): void {
    const stdin = this.ensureWatchdog()?.stdin;
    if (stdin?.writable) stdin.write(`${line}\n`);
  }

  private ensureWatchdog(): ChildProcess | null {
    if (this.watchdog || this.stopped) return this.watchdog;
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
      // Its own group: a signal to the service's group (a terminal's Ctrl+C) must not take it down first.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: {},
    });
    this.watchdog = watchdog;
    // Neither the watchdog nor its pipe may keep the service's event loop alive.
    watchdog.unref();
    (watchdog.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
    watchdog.stdin?.on('error', () => undefined);
    watchdog.on('error', (err) => this.logger.error(`child watchdog failed: ${err.message}`));
    watchdog.once('exit', () => {
      if (this.watchdog !== watchdog) return;
      this.watchdog = null;
      if (this.stopped) return;
      this.logger.warn('child watchdog exited; starting a new one');
      // A second's pause, so a watchdog that cannot run is not respawned in a tight loop.
      setTimeout(() => {
        for (const pid of this.tracked) this.send(`+${pid}`);
      }, 1000).unref();
    });
    return watchdog;
  }
}
