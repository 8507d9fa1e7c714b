export const CONTAINER_STATUSES = ['created', 'running', 'paused', 'restarting', 'stopped', 'dead'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export interface PortMapping {
  host: number;
  container: number;
  protocol: 'tcp' | 'udp';
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

/** The API's view of a container: its spec plus live status. */
export interface Container extends ContainerSpec {
  status: ContainerStatus;
}
