import type { Status } from '../api/types';

export type Action = 'start' | 'stop' | 'restart' | 'pause' | 'unpause';
export const ACTIONS: { action: Action; label: string }[] = [
  { action: 'start', label: 'Start' },
  { action: 'stop', label: 'Stop' },
  { action: 'restart', label: 'Restart' },
  { action: 'pause', label: 'Pause' },
  { action: 'unpause', label: 'Unpause' },
];

/**
 * Which actions the API would refuse in this state (422) or that would change nothing; those
 * buttons are disabled. The service stays the judge: a call made anyway shows its answer.
 */
export function allowed(action: Action, status: Status): boolean {
  switch (action) {
    case 'start':
      return status === 'created' || status === 'stopped' || status === 'dead';
    case 'stop':
      return status === 'running' || status === 'restarting' || status === 'paused';
    case 'restart':
      return status !== 'paused';
    case 'pause':
      return status === 'running';
    case 'unpause':
      return status === 'paused';
  }
}
