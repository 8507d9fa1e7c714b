export const STATUSES = ['created', 'running', 'paused', 'restarting', 'stopped', 'dead'] as const;
export type Status = (typeof STATUSES)[number];

export interface Port {
  host: number;
  container: number;
  protocol: 'tcp' | 'udp';
}

export interface Resources {
  cpus?: number;
  memory?: string;
  pids?: number;
}

export interface Container {
  cuid: string;
  image: string;
  env: Record<string, string>;
  tags: string[];
  resources: Resources;
  ports: Port[];
  command: string[] | null;
  status: Status;
  created_at: string;
  updated_at: string;
  /** Lifetimes: seconds as last set, and the deadlines they give (null when unset). */
  ttl_s: number | null;
  expires_at: string | null;
  idle_stop_s: number | null;
  idle_stop_at: string | null;
  /** Measured in the background; `complete` false: a lower bound. */
  disk_usage: { app_bytes: number | null; complete: boolean; measured_at: string | null };
  recreated?: boolean;
}

export interface ContainerState {
  status: Status;
  exit_code: number | null;
  started_at: string | null;
  finished_at: string | null;
  restart_count: number;
  oom_killed: boolean;
  pid: number | null;
}

export interface Health {
  status: string;
  compose_version: string;
  docker_version: string;
  uptime_s: number;
}

export interface FileEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  mode: string;
  modified_at: string;
}

export interface AuditEntry {
  timestamp: string;
  request_id: string;
  user: string | null;
  method: string;
  path: string;
  action: string | null;
  cuid: string | null;
  status: number;
  duration_ms: number;
  code?: string;
}

export interface StatsSample {
  cuid: string;
  sampled_at: string;
  cpu: { percent_of_limit: number; percent_of_host: number; limit_cpus: number };
  memory: { usage_bytes: number; limit_bytes: number; percent: number };
  pids: number;
}

/** The API's error body (the integration guide's schema). */
export interface ErrorBody {
  error: string;
  code: string;
  message: string;
  status: number;
  request_id: string;
  details?: Record<string, unknown>;
}
