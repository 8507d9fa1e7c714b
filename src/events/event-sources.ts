import type { AuditEntry } from '../audit/audit-entry';
import { isoWithOffset } from '../common/time';
import type { DockerContainerEvent } from '../containers/docker-event';
import type { NewLiveEvent } from './live-event';

const SIMPLE_ACTIONS: Record<string, NewLiveEvent['type']> = {
  create: 'created',
  start: 'started',
  die: 'died',
  oom: 'oom',
  pause: 'paused',
  unpause: 'unpaused',
  restart: 'restarting',
  destroy: 'destroyed',
};

/** A Docker event as a live event; null for the ones clients do not need (attach, kill, exec_*…). */
export function fromDockerEvent(event: DockerContainerEvent): NewLiveEvent | null {
  const time = isoWithOffset(new Date(event.timeMs));
  if (event.action.startsWith('health_status')) {
    const health = event.action.slice(event.action.indexOf(':') + 1).trim();
    return { type: 'health', time, cuid: event.cuid, health };
  }
  const type = SIMPLE_ACTIONS[event.action];
  if (!type) return null;
  return { type, time, cuid: event.cuid, ...(type === 'died' ? { exit_code: event.exitCode } : {}) };
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A finished API action as a live event. Reads (listing, downloads, the event stream itself, scrapes)
 * are left out: they change nothing and would drown the changes; terminal sessions are kept.
 */
export function fromAuditEntry(entry: AuditEntry): NewLiveEvent | null {
  if (!entry.action) return null;
  if (READ_METHODS.has(entry.method) && !entry.action.startsWith('terminal.')) return null;
  return {
    type: 'action',
    time: entry.timestamp,
    cuid: entry.cuid,
    action: entry.action,
    status: entry.status,
    code: entry.code ?? null,
    request_id: entry.request_id,
    user: entry.user,
    duration_ms: entry.duration_ms,
  };
}
