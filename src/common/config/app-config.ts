import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as path from 'node:path';
import { parseMemorySize } from '../units';
import { Environment } from './environment';

/** Resource limits as the containers feature speaks of them; absent means none. */
export interface ResourceLimits {
  cpus?: number;
  memory?: string;
  pids?: number;
}

/** Typed, read-only view of the validated environment. Never logged. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<Environment, true>) {}

  private get<K extends keyof Environment>(key: K): Environment[K] {
    return this.config.get(key, { infer: true });
  }

  get appUser(): string {
    return this.get('APP_USER');
  }
  get appPass(): string {
    return this.get('APP_PASS');
  }
  get defaultUserUid(): string {
    return this.get('DEFAULT_USER_UID');
  }
  get uid(): number {
    return Number(this.defaultUserUid.split(':')[0]);
  }
  get gid(): number {
    return Number(this.defaultUserUid.split(':')[1]);
  }
  get host(): string {
    return this.get('HOST');
  }
  get port(): number {
    return this.get('PORT');
  }
  get composeProjectsDir(): string {
    return path.resolve(this.get('COMPOSE_PROJECTS_DIR'));
  }
  get logDir(): string {
    return path.resolve(this.get('LOG_DIR'));
  }
  get isDevelopment(): boolean {
    return this.get('NODE_ENV') === 'development';
  }
  get logLevel(): Environment['LOG_LEVEL'] {
    return this.get('LOG_LEVEL');
  }
  get logFormat(): 'json' | 'text' {
    return this.get('LOG_FORMAT') || (this.isDevelopment ? 'text' : 'json');
  }
  get dockerBin(): string {
    return this.get('DOCKER_BIN');
  }
  get composeTimeoutMs(): number {
    return this.get('COMPOSE_TIMEOUT_MS');
  }
  get jsonBodyLimitBytes(): number {
    return this.get('JSON_BODY_LIMIT_BYTES');
  }
  get authMaxFailures(): number {
    return this.get('AUTH_MAX_FAILURES');
  }
  get authWindowMs(): number {
    return this.get('AUTH_WINDOW_S') * 1000;
  }
  get authBackoffMaxMs(): number {
    return this.get('AUTH_BACKOFF_MAX_S') * 1000;
  }
  get auditRotation(): { maxBytes: number; maxFiles: number } {
    return { maxBytes: this.get('AUDIT_MAX_BYTES'), maxFiles: this.get('AUDIT_MAX_FILES') };
  }
  get auditFailureWindowMs(): number {
    return this.get('AUDIT_FAILURE_WINDOW_S') * 1000;
  }
  get uploadLimits(): {
    maxBytes: number;
    maxUncompressedBytes: number;
    maxEntries: number;
    maxRatio: number;
    maxPathDepth: number;
    maxPathBytes: number;
  } {
    return {
      maxBytes: this.get('UPLOAD_MAX_BYTES'),
      maxUncompressedBytes: this.get('UPLOAD_MAX_UNCOMPRESSED_BYTES'),
      maxEntries: this.get('UPLOAD_MAX_ENTRIES'),
      maxRatio: this.get('UPLOAD_MAX_RATIO'),
      maxPathDepth: this.get('UPLOAD_MAX_PATH_DEPTH'),
      maxPathBytes: this.get('UPLOAD_MAX_PATH_BYTES'),
    };
  }
  get terminalMaxSessions(): number {
    return this.get('TERMINAL_MAX_SESSIONS');
  }
  get terminalMaxSessionsPerContainer(): number {
    return this.get('TERMINAL_MAX_SESSIONS_PER_CONTAINER');
  }
  get terminalStdinMaxQueuedBytes(): number {
    return this.get('TERMINAL_STDIN_MAX_QUEUED_BYTES');
  }
  /** ALLOWED_ORIGINS joined with its older name TERMINAL_ALLOWED_ORIGINS; used by REST writes and terminals. */
  get allowedOrigins(): string[] {
    return [this.get('ALLOWED_ORIGINS'), this.get('TERMINAL_ALLOWED_ORIGINS')]
      .join(',')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0);
  }
  get trustedProxies(): string {
    return this.get('TRUSTED_PROXIES');
  }
  get shutdownGraceMs(): number {
    return this.get('SHUTDOWN_GRACE_MS');
  }
  get stateDir(): string {
    const configured = this.get('STATE_DIR');
    return configured ? path.resolve(configured) : path.join(path.dirname(this.composeProjectsDir), 'state');
  }
  get idempotencyTtlMs(): number {
    return this.get('IDEMPOTENCY_TTL_S') * 1000;
  }
  get idempotencyWaitMs(): number {
    return this.get('IDEMPOTENCY_WAIT_S') * 1000;
  }
  /** Applied at create when the request omits the field; null when not configured. */
  get lifetimeDefaults(): { ttl_s: number | null; idle_stop_s: number | null } {
    return { ttl_s: this.get('DEFAULT_TTL_S') || null, idle_stop_s: this.get('DEFAULT_IDLE_STOP_S') || null };
  }
  get eventsRingSize(): number {
    return this.get('EVENTS_RING_SIZE');
  }
  get sseHeartbeatMs(): number {
    return this.get('SSE_HEARTBEAT_MS');
  }
  get sseMaxBufferedBytes(): number {
    return this.get('SSE_MAX_BUFFERED_BYTES');
  }
  /** `{ host, port }` of the unauthenticated metrics listener, or null when there is none. */
  get metricsPublicBind(): { host: string; port: number } | null {
    const value = this.get('METRICS_PUBLIC_BIND');
    const colon = value.lastIndexOf(':');
    if (colon <= 0) return null;
    return { host: value.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(value.slice(colon + 1)) };
  }
  get downloadMaxDepth(): number {
    return this.get('DOWNLOAD_MAX_DEPTH');
  }
  get imagePullPolicy(): Environment['IMAGE_PULL_POLICY'] {
    return this.get('IMAGE_PULL_POLICY');
  }
  /** Registry hosts in lower case; Docker Hub under its canonical name `docker.io`. */
  get imageRegistriesAllowed(): string[] {
    return this.get('IMAGE_REGISTRIES_ALLOWED')
      .split(',')
      .map((r) => r.trim().toLowerCase())
      .filter((r) => r.length > 0)
      .map((r) => (r === 'index.docker.io' || r === 'registry-1.docker.io' ? 'docker.io' : r));
  }
  get defaultResources(): ResourceLimits {
    return limits(this.get('DEFAULT_CPUS'), this.get('DEFAULT_MEMORY'), this.get('DEFAULT_PIDS'));
  }
  get maxResources(): ResourceLimits {
    return limits(this.get('MAX_CPUS'), this.get('MAX_MEMORY'), this.get('MAX_PIDS'));
  }
  get appUsageIntervalMs(): number {
    return this.get('APP_USAGE_INTERVAL_S') * 1000;
  }
  get portBindAddress(): string {
    return this.get('PORT_BIND_ADDRESS');
  }
  get containerNetwork(): string {
    return this.get('CONTAINER_NETWORK');
  }
  get allowContainerAccess(): boolean {
    return this.get('ALLOW_CONTAINER_ACCESS');
  }
  get clusterMode(): boolean {
    return this.get('CLUSTER_MODE') === 'swarm';
  }
  get clusterServiceName(): string {
    return this.get('CLUSTER_SERVICE_NAME');
  }
  get clusterNodeName(): string {
    return this.get('CLUSTER_NODE_NAME');
  }
  /** Static peers (`host:port`), or empty: discover them by DNS. */
  get clusterPeers(): string[] {
    return this.get('CLUSTER_PEERS')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
  }
  get clusterRefreshMs(): number {
    return this.get('CLUSTER_REFRESH_MS');
  }
  get clusterPeerTimeoutMs(): number {
    return this.get('CLUSTER_PEER_TIMEOUT_MS');
  }
}

function limits(cpus: string, memory: string, pids: string): ResourceLimits {
  const out: ResourceLimits = {};
  if (cpus.trim() !== '') out.cpus = Number(cpus);
  const size = memory.trim() === '' ? null : parseMemorySize(memory);
  if (size) out.memory = size.canonical;
  if (pids.trim() !== '') out.pids = Number(pids);
  return out;
}
