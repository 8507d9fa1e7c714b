export const CONTAINER_STATUSES = ['created', 'running', 'paused', 'restarting', 'stopped', 'dead'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export interface PortMapping {
  host: number;
  container: number;
  protocol: 'tcp' | 'udp';
  /** Host address the port is published on; PORT_BIND_ADDRESS when absent. */
  host_ip?: string;
}

export interface Resources {
  cpus?: number;
  memory?: string;
  pids?: number;
}

/** What the caller asked for; persisted in compose.yaml (the single source of truth). */
export interface ContainerSpec {
  cuid: string;
  image: string;
  env: Record<string, string>;
  tags: string[];
  resources: Resources;
  ports: PortMapping[];
  command: string[] | null;
  created_at: string;
  updated_at: string;
  /** Lifetime (see src/reaper): delete at expires_at, set from ttl_s at create or at the PATCH that set it. */
  ttl_s?: number | null;
  expires_at?: string | null;
  /** Stop a running container after this long without API calls or open terminals. */
  idle_stop_s?: number | null;
}

/** Space /app takes on the host, measured in the background (never on a request's path). */
export interface DiskUsage {
  /** Allocated bytes under /app; null until the first measurement. */
  app_bytes: number | null;
  /** False when the walk stopped at its entry or depth bound: app_bytes is then a lower bound. */
  complete: boolean;
  measured_at: string | null;
}

/** The API's view of a container: its spec plus live status and the last /app measurement. */
export interface Container extends ContainerSpec {
  status: ContainerStatus;
  disk_usage: DiskUsage;
}
