import type { ContainerStatus } from '../containers/container.types';

/** What the reaper knows about one container at one moment. */
export interface LifetimeFacts {
  /** Epoch ms, or null without a TTL. */
  expiresAt: number | null;
  idleStopS: number | null;
  /** Epoch ms of the last API call touching the container (or of its last spec change). */
  lastActivity: number;
  status: ContainerStatus;
  openTerminals: number;
}

export type DueAction = 'expire' | 'idle_stop';

/** Only these have something to stop. */
const STOPPABLE: ReadonlySet<ContainerStatus> = new Set(['running', 'paused', 'restarting']);

/** When an unused container will be stopped; null without idle_stop_s. */
export function idleStopAt(idleStopS: number | null, lastActivity: number): number | null {
  return idleStopS === null ? null : lastActivity + idleStopS * 1000;
}

/**
 * What is due now, if anything. Expiry wins over idle-stop (a deleted container needs no stop), and a
 * container with an open terminal is never idle.
 */
export function dueAction(facts: LifetimeFacts, now: number): DueAction | null {
  if (facts.expiresAt !== null && facts.expiresAt <= now) return 'expire';
  const idleAt = idleStopAt(facts.idleStopS, facts.lastActivity);
  if (idleAt === null || idleAt > now) return null;
  return facts.openTerminals === 0 && STOPPABLE.has(facts.status) ? 'idle_stop' : null;
}
