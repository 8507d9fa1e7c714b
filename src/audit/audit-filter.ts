import type { AuditEntry } from './audit-entry';

export interface AuditFilter {
  sinceMs?: number;
  untilMs?: number;
  cuid?: string;
  actions?: Set<string>;
  user?: string;
  /** `404` matches that status, `4xx` the class. */
  status?: string;
  error?: boolean;
}

export type Verdict = 'match' | 'skip' | 'older';

/** Whether an entry belongs on the page; `older` means it and everything before it precede `since`. */
export function judge(entry: AuditEntry, filter: AuditFilter): Verdict {
  const time = Date.parse(entry.timestamp);
  if (filter.sinceMs !== undefined && time < filter.sinceMs) return 'older';
  if (filter.untilMs !== undefined && !(time <= filter.untilMs)) return 'skip';
  if (filter.cuid !== undefined && entry.cuid !== filter.cuid) return 'skip';
  if (filter.actions && !filter.actions.has(entry.action ?? '')) return 'skip';
  if (filter.user !== undefined && entry.user !== filter.user) return 'skip';
  if (filter.status !== undefined && !statusMatches(entry.status, filter.status)) return 'skip';
  if (filter.error !== undefined && (entry.error !== undefined) !== filter.error) return 'skip';
  return 'match';
}

function statusMatches(status: number, wanted: string): boolean {
  return wanted.endsWith('xx') ? Math.floor(status / 100) === Number(wanted[0]) : status === Number(wanted);
}
