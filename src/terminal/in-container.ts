import { Injectable } from '@nestjs/common';
import type { ComposeCallRecord } from '../common/request-context';
import { ComposeError } from '../common/errors/app-error';
import { ComposeRunner, stderrTail } from '../compose/compose-runner';
import type { SignalName } from './signals';
import { TerminalErrorCode } from './terminal-errors';
import type { ErrorCode } from '../common/errors/error-codes';

/** Every process of a terminal session carries this variable, inherited from the exec'd shell or command. */
export const SESSION_ENV = 'CM_TERMINAL_SESSION';
export const SERVICE = 'app';
const CALL_TIMEOUT_MS = 15_000;

// The scripts run as `sh -c SCRIPT sh <session-id> [signal]` with the session id as an argument, never
// spliced into the text. They need only sh, tr, grep and /proc (there is no ps in minimal images), and
// find the session's processes by the marker in /proc/<pid>/environ: killing the local
// `docker compose exec` CLI would leave them running inside the container.
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

/**
 * Acts on a terminal session's processes inside the container. Calls go straight to the process runner
 * (ComposeRunner.runUnqueued, not run) so a signal never queues behind a slow lifecycle operation's project lock.
 */
@Injectable()
export class InContainer {
  constructor(private readonly compose: ComposeRunner) {}

  /** argv of the session's own `docker compose exec`, marked so its processes can be found later. */
  sessionArgv(cuid: string, sessionId: string, command: string[], tty = true): string[] {
    const marker = ['-e', `${SESSION_ENV}=${sessionId}`];
    return this.compose.execArgv(cuid, [...(tty ? [] : ['-T']), ...marker, SERVICE, ...command]);
  }

  /** Sends a signal to the foreground job of the session's terminal. */
  signalForeground(cuid: string, sessionId: string, signal: SignalName, record: Recorder): Promise<void> {
    return this.exec(
      cuid,
      ['sh', '-c', FOREGROUND, 'sh', sessionId, signal],
      TerminalErrorCode.SIGNAL_FAILED,
      [0, 3],
      record,
    );
  }

  /** Ends every process the session started, including background jobs. */
  sweep(cuid: string, sessionId: string, record: Recorder): Promise<void> {
    return this.exec(cuid, ['sh', '-c', SWEEP, 'sh', sessionId], TerminalErrorCode.SESSION_CLEANUP_FAILED, [0], record);
  }

  /** Sends a signal to the container's main process (its init forwards it to boot.py). */
  signalMain(cuid: string, signal: SignalName, record: Recorder): Promise<void> {
    const argv = this.compose.projectArgv(cuid).concat(['kill', '-s', `SIG${signal}`, SERVICE]);
    return this.call(argv, TerminalErrorCode.SIGNAL_FAILED, [0], record);
  }

  private exec(cuid: string, command: string[], code: ErrorCode, ok: number[], record: Recorder): Promise<void> {
    return this.call(this.compose.execArgv(cuid, ['-T', SERVICE, ...command]), code, ok, record);
  }

  private async call(argv: string[], code: ErrorCode, ok: number[], record: Recorder): Promise<void> {
    const result = await this.compose.runUnqueued(argv, CALL_TIMEOUT_MS);
    record({ argv: auditArgv(argv), exit_code: result.exitCode, duration_ms: result.durationMs });
    if (result.timedOut || result.exitCode === null || !ok.includes(result.exitCode)) {
      throw new ComposeError(code, 'Could not reach the process inside the container', {
        exit_code: result.exitCode,
        stderr: stderrTail(result.stderr),
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
