import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Observable, Subject } from 'rxjs';
import { killGroup } from './process-runner';

/**
 * A long-running CLI process read line by line (`docker events`), without its process: callers get
 * its stdout lines and a way to end it, and never a ChildProcess or a signal to send.
 */
export interface LineStream {
  /** Each stdout line as it comes; completes once the process has ended, on its own or by close(). */
  readonly lines: Observable<string>;
  /** Ends the process and everything it started (its process group). Safe to call twice. */
  close(): void;
}

/** Wraps a started process; its stdin is closed and its stderr drained (a full pipe would stall it). */
export function lineStreamOf(child: ChildProcess): LineStream {
  const lines = new Subject<string>();
  child.stdin?.end();
  child.stderr?.resume();
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => lines.next(line));
  child.on('error', () => undefined);
  child.once('close', () => lines.complete());
  let closed = false;
  return {
    lines: lines.asObservable(),
    close: () => {
      if (closed) return;
      closed = true;
      killGroup(child, 'SIGTERM');
    },
  };
}
