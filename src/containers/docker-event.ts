/** One `docker events` line about a managed container, as the state cache received it. */
export interface DockerContainerEvent {
  containerId: string;
  /** The compose project (our cuid), from the container's labels. */
  cuid: string | null;
  /** Docker's action: `create`, `start`, `die`, `oom`, `health_status: healthy`, … */
  action: string;
  /** Set on `die`. */
  exitCode: number | null;
  /** When the engine saw it, in ms since the epoch. */
  timeMs: number;
}

interface RawEvent {
  id?: string;
  Action?: string;
  status?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export function toContainerEvent(raw: RawEvent, containerId: string): DockerContainerEvent {
  const attrs = raw.Actor?.Attributes ?? {};
  const exit = attrs.exitCode !== undefined ? Number(attrs.exitCode) : NaN;
  return {
    containerId,
    cuid: attrs['com.docker.compose.project'] ?? null,
    action: raw.Action ?? raw.status ?? '',
    exitCode: Number.isInteger(exit) ? exit : null,
    timeMs: raw.timeNano ? Math.floor(raw.timeNano / 1e6) : raw.time ? raw.time * 1000 : Date.now(),
  };
}
