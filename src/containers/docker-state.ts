import type { ContainerStatus } from './container.types';

const PROJECT_LABEL = 'com.docker.compose.project';

/** What the service keeps of one Docker container (from `docker inspect`, or a `docker events` line). */
export interface DockerState {
  id: string;
  cuid: string;
  created: string;
  status: ContainerStatus;
  exit_code: number | null;
  started_at: string | null;
  finished_at: string | null;
  restart_count: number;
  oom_killed: boolean;
  pid: number | null;
}

/** The part of one `docker inspect` item the state is made of. */
export interface InspectResult {
  Id: string;
  Created: string;
  RestartCount?: number;
  Config?: { Labels?: Record<string, string> };
  State: {
    Status: string;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    OOMKilled: boolean;
    Pid: number;
  };
}

/** Docker's `State.Status` as an API status (`exited` is `stopped`; anything unknown too). */
export function toApiStatus(dockerStatus: string): ContainerStatus {
  switch (dockerStatus) {
    case 'created':
      return 'created';
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'restarting':
      return 'restarting';
    case 'dead':
      return 'dead';
    default:
      return 'stopped';
  }
}

/** One inspected container as a state; null for a container no compose project owns. */
export function toState(item: InspectResult): DockerState | null {
  const cuid = item.Config?.Labels?.[PROJECT_LABEL];
  if (!cuid) return null;
  const time = (t: string): string | null => (t && !t.startsWith('0001-') ? t : null);
  return {
    id: item.Id,
    cuid,
    created: item.Created,
    status: toApiStatus(item.State.Status),
    exit_code: item.State.Status === 'exited' || item.State.Status === 'dead' ? item.State.ExitCode : null,
    started_at: time(item.State.StartedAt),
    finished_at: time(item.State.FinishedAt),
    restart_count: item.RestartCount ?? 0,
    oom_killed: item.State.OOMKilled,
    pid: item.State.Pid > 0 ? item.State.Pid : null,
  };
}

/**
 * The status a `docker events` action leaves a container in, or null for one that changes none
 * (`attach`, `kill` — the process may survive the signal —, `exec_*`, `health_status`…). `die` is
 * `stopped` even under a restart policy: the `start` that follows says otherwise.
 */
export function statusAfterEvent(action: string): ContainerStatus | null {
  switch (action) {
    case 'create':
      return 'created';
    case 'start':
    case 'restart':
    case 'unpause':
      return 'running';
    case 'pause':
      return 'paused';
    case 'die':
    case 'stop':
      return 'stopped';
    default:
      return null;
  }
}
