import type { AuditEntry } from '../audit/audit-entry';
import type { AppError } from '../common/errors/app-error';
import type { ComposeCallRecord } from '../common/request-context';
import { isoWithOffset } from '../common/time';
import type { TerminalMode } from './terminal-query';

export interface UpgradeFacts {
  requestId: string;
  remote: string | null;
  path: string;
  openedAt: Date;
  started: number;
}

/** The audit line of a refused upgrade. */
export function refusalEntry(facts: UpgradeFacts, user: string | null, cuid: string | null, err: AppError): AuditEntry {
  return {
    ...common(facts, user, cuid),
    action: 'terminal.open',
    status: err.status,
    error: err.error,
    code: err.code,
    compose: [],
  };
}

export interface SessionFacts {
  user: string;
  cuid: string;
  mode: TerminalMode;
  exitCode: number | null;
  bytesIn: number;
  bytesOut: number;
  compose: ComposeCallRecord[];
  error?: AppError;
}

/** The one audit line of a session, written when it ends. Byte counts only: never the input itself. */
export function sessionEntry(facts: UpgradeFacts, session: SessionFacts): AuditEntry {
  return {
    ...common(facts, session.user, session.cuid),
    action: 'terminal.session',
    status: 101,
    ...(session.error ? { error: session.error.error, code: session.error.code } : {}),
    compose: session.compose,
    opened_at: isoWithOffset(facts.openedAt),
    mode: session.mode,
    exit_code: session.exitCode,
    bytes_in: session.bytesIn,
    bytes_out: session.bytesOut,
  };
}

function common(facts: UpgradeFacts, user: string | null, cuid: string | null) {
  return {
    timestamp: isoWithOffset(new Date()),
    request_id: facts.requestId,
    user,
    remote: facts.remote,
    method: 'GET',
    path: facts.path,
    cuid,
    duration_ms: Math.round(performance.now() - facts.started),
  };
}
