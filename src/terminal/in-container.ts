import { Inject, Injectable } from '@nestjs/common';
import type { ComposeCallRecord } from '../common/request-context';
import { ComposeError } from '../common/errors/app-error';
import { CONTAINER_ENGINE, ContainerEngine } from '../compose/container-engine';
import type { SignalName } from './signals';
import { TerminalErrorCode } from './terminal-errors';
import type { ErrorCode } from '../common/errors/error-codes';

/** Every process of a terminal session carries this variable, inherited from the exec'd shell or command. */
export const SESSION_ENV = 'CM_TERMINAL_SESSION';
export const SERVICE = 'app';
const CALL_TIMEOUT_MS = 15_000;

// The scripts run as `sh -c SCRIPT sh <session-id> [signal]` with the session id as an argument, never
// spliced into the text. They need only sh, tr, grep and /proc (there is no ps in minimal images), and
// find the session's processes by the marker in /proc/<pid>/environ: closing the session's connection
// would leave them running inside the container.
const FIND = `for d in /proc/[0-9]*; do tr '\\000' '\\n' <"$d/environ" 2>/dev/null | grep -qx "${SESSION_ENV}=$sid" || continue;`;

/**
 * Signals the foreground process group of the session's terminal, exactly what Ctrl-C does for INT.
 * A session without a terminal (exec with tty=false) has none: then every process of the session is signalled.
 */
const FOREGROUND = `sid=$1; sig=$2; all=; ${FIND} s=$(cat "$d/stat" 2>/dev/null) || continue; s=\${s##*) }; set -- $s;
if [ "$6" -gt 0 ] 2>/dev/null; then kill -"$sig" -"$6" && exit 0; fi; all="$all \${d#/proc/}"; done;
[ -n "$all" ] && kill -"$sig" $all && exit 0; exit 3`;

/** Hangs up every process of the session, then kills what is still alive after about two seconds. */
const SWEEP = `sid=$1; pids=; ${FIND} pids="$pids \${d#/proc/}"; done; [ -z "$pids" ] && exit 0;
kill -HUP $pids 2>/dev/null; kill -TERM $pids 2>/dev/null; kill -CONT $pids 2>/dev/null;
for i in 1 2 3 4 5 6 7 8 9 10; do alive=; for p in $pids; do s=$(cat /proc/$p/stat 2>/dev/null) || continue;
s=\${s##*) }; case $s in Z*) continue;; esac; alive="$alive $p"; done; [ -z "$alive" ] && exit 0;
sleep 0.2 2>/dev/null || sleep 1; done; kill -KILL $alive 2>/dev/null; exit 0`;

/** One session's place: the project, its running container, and the marker of the session's processes. */
export interface SessionTarget {
  cuid: string;
  containerId: string;
  sessionId: string;
}

/**
 * Acts on a terminal session's processes inside the container, through the engine API: a signal is
 * one short exec (no CLI process), and never queues behind a slow lifecycle operation's project lock.
 */
@Injectable()
export class InContainer {
  constructor(@Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine) {}

  /** Sends a signal to the foreground job of the session's terminal. */
  signalForeground(target: SessionTarget, signal: SignalName, record: Recorder): Promise<void> {
    return this.exec(
      target,
      ['sh', '-c', FOREGROUND, 'sh', target.sessionId, signal],
      TerminalErrorCode.SIGNAL_FAILED,
      [0, 3],
      record,
    );
  }

  /** Ends every process the session started, including background jobs. */
  sweep(target: SessionTarget, record: Recorder): Promise<void> {
    return this.exec(
      target,
      ['sh', '-c', SWEEP, 'sh', target.sessionId],
      TerminalErrorCode.SESSION_CLEANUP_FAILED,
      [0],
      record,
    );
  }

  /** Sends a signal to the container's main process (its init forwards it to boot.py). */
  async signalMain(target: Omit<SessionTarget, 'sessionId'>, signal: SignalName, record: Recorder): Promise<void> {
    const started = performance.now();
    const argv = ['engine', 'kill', '-s', `SIG${signal}`, target.cuid];
    try {
      await this.engine.kill(target.containerId, `SIG${signal}`);
      record({ argv, exit_code: 0, duration_ms: Math.round(performance.now() - started) });
    } catch (err) {
      record({ argv, exit_code: null, duration_ms: Math.round(performance.now() - started) });
      throw new ComposeError(TerminalErrorCode.SIGNAL_FAILED, 'Could not reach the process inside the container', {
        reason: err instanceof Error ? err.message.slice(0, 200) : String(err),
      });
    }
  }

  private async exec(
    target: SessionTarget,
    command: string[],
    code: ErrorCode,
    ok: number[],
    record: Recorder,
  ): Promise<void> {
    const argv = auditArgv(['engine', 'exec', target.cuid, ...command]);
    let result;
    try {
      result = await this.engine.runExec(target.containerId, command, CALL_TIMEOUT_MS);
    } catch (err) {
      record({ argv, exit_code: null, duration_ms: 0 });
      throw new ComposeError(code, 'Could not reach the process inside the container', {
        reason: err instanceof Error ? err.message.slice(0, 200) : String(err),
      });
    }
    record({ argv, exit_code: result.exitCode, duration_ms: result.durationMs });
    if (result.timedOut || result.exitCode === null || !ok.includes(result.exitCode)) {
      throw new ComposeError(code, 'Could not reach the process inside the container', {
        exit_code: result.exitCode,
        stderr: result.output
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(-20),
      });
    }
  }
}

export type Recorder = (call: ComposeCallRecord) => void;

/** The audit keeps what was run up to `sh -c`; script text and user commands stay out of the log. */
export function auditArgv(argv: string[]): string[] {
  const c = argv.indexOf('-c');
  return c > 0 && argv[c - 1] === 'sh' ? [...argv.slice(0, c + 1), '…'] : argv;
}
