import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { readFileSync } from 'node:fs';
import { parseAddressList } from '../http/address-list';
import { LOG_LEVELS, type LogThreshold } from '../logging/log-levels';
import { parseMemorySize } from '../units';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

@ValidatorConstraint({ name: 'addressList' })
class IsAddressList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      parseAddressList(value);
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'TRUSTED_PROXIES must be a comma list of IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8';
  }
}
const toBool = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^(true|false|1|0)$/i.test(value.trim()) ? /^(true|1)$/i.test(value.trim()) : value;

const OPTIONAL_COUNT = /^(\d{1,9})?$/;
const OPTIONAL_CPUS = /^(\d{1,4}(\.\d{1,3})?)?$/;
const OPTIONAL_SIZE = /^(\d+(\.\d+)? ?[bkmgtBKMGT]?([iI]?[bB])?)?$/;
// A network name as Docker accepts it; `host` and `none` would undo the isolation, so they are refused.
const NETWORK_NAME = /^(?!(host|none)$)[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** Longest ttl_s / idle_stop_s: ten years. */
export const MAX_LIFETIME_S = 315_360_000;

/** Every setting the service reads from the environment (or `.env`), validated once at boot. */
export class Environment {
  @IsString()
  @IsNotEmpty({ message: 'APP_USER is required' })
  APP_USER!: string;

  @IsString()
  @IsNotEmpty({ message: 'APP_PASS is required' })
  APP_PASS!: string;

  @Matches(/^\d{1,10}:\d{1,10}$/, { message: 'DEFAULT_USER_UID must look like uid:gid, e.g. 1000:1000' })
  DEFAULT_USER_UID = '1000:1000';

  @IsString()
  HOST = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @IsString()
  COMPOSE_PROJECTS_DIR = 'compose-projects';

  @IsString()
  LOG_DIR = 'logs';

  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'production';

  /** Least severe service log level written; each level includes those above it. */
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogThreshold = 'log';

  /** `json` (one object per line) or `text`; empty: text under NODE_ENV=development, JSON otherwise. */
  @IsIn(['json', 'text', ''], { message: 'LOG_FORMAT must be json or text' })
  LOG_FORMAT: 'json' | 'text' | '' = '';

  @IsString()
  DOCKER_BIN = 'docker';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  COMPOSE_TIMEOUT_MS = 120_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  JSON_BODY_LIMIT_BYTES = 1_048_576;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTH_MAX_FAILURES = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTH_WINDOW_S = 60;

  /** Longest lock of one (address, user name) after repeated wrong credentials; the back-off doubles up to it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTH_BACKOFF_MAX_S = 300;

  /** Comma list of proxy addresses/CIDRs whose X-Forwarded-For is believed; empty: nobody's. */
  @IsOptional()
  @Validate(IsAddressList)
  TRUSTED_PROXIES = '';

  /** Comma list of browser origins allowed besides pages of this host (REST writes and terminals). */
  @IsOptional()
  @IsString()
  ALLOWED_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(4096)
  AUDIT_MAX_BYTES = 104_857_600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  AUDIT_MAX_FILES = 10;

  /** Repeated failed logins from one address are written as one counted entry per this many seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUDIT_FAILURE_WINDOW_S = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_BYTES = 1_073_741_824;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_UNCOMPRESSED_BYTES = 4_294_967_296;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_ENTRIES = 100_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_RATIO = 200;

  /** Components of an extracted path below /app; deep trees break deletes and downloads (PATH_MAX). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  UPLOAD_MAX_PATH_DEPTH = 64;

  /** Bytes of an extracted path below /app; at most 3072, which leaves room for the host's prefix in PATH_MAX. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3072)
  UPLOAD_MAX_PATH_BYTES = 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TERMINAL_MAX_SESSIONS = 100;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TERMINAL_MAX_SESSIONS_PER_CONTAINER = 10;

  /** stdin bytes one session may hold for a process that does not read them; a frame beyond it closes the session. */
  @Transform(toInt)
  @IsInt()
  @Min(64 * 1024)
  TERMINAL_STDIN_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

  /** Older name of ALLOWED_ORIGINS, still honoured (the two lists are joined). */
  @IsOptional()
  @IsString()
  TERMINAL_ALLOWED_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_GRACE_MS = 10_000;

  /** Service state that is not a project (the Idempotency-Key store); empty: `state` beside COMPOSE_PROJECTS_DIR. */
  @IsOptional()
  @IsString()
  STATE_DIR = '';

  @Transform(toInt)
  @IsInt()
  @Min(60)
  IDEMPOTENCY_TTL_S = 86_400;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600)
  IDEMPOTENCY_WAIT_S = 30;

  /** 0: containers get no TTL unless a request sets one. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(MAX_LIFETIME_S)
  DEFAULT_TTL_S = 0;

  /** 0: containers are never idle-stopped unless a request sets idle_stop_s. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(MAX_LIFETIME_S)
  DEFAULT_IDLE_STOP_S = 0;
  /** How many past events `/events` keeps for clients that reconnect. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  EVENTS_RING_SIZE = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SSE_HEARTBEAT_MS = 15_000;

  /** Unread bytes an SSE client may hold before it is dropped (its memory on the server). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  SSE_MAX_BUFFERED_BYTES = 1_048_576;

  /** `host:port` of an extra listener serving only `/metrics` without auth; empty: none. */
  @IsOptional()
  @Matches(/^(|[A-Za-z0-9.:[\]-]+:\d{1,5})$/, { message: 'METRICS_PUBLIC_BIND must look like 127.0.0.1:9464' })
  METRICS_PUBLIC_BIND = '';
  /** download-zip holds one descriptor per directory level, so this bounds its descriptors too. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  DOWNLOAD_MAX_DEPTH = 128;
  /** `never`: only images already on the host; `allowlist`: pull from IMAGE_REGISTRIES_ALLOWED; `always`: pull from anywhere. */
  @IsIn(['never', 'allowlist', 'always'], { message: 'IMAGE_PULL_POLICY must be never, allowlist or always' })
  IMAGE_PULL_POLICY: 'never' | 'allowlist' | 'always' = 'never';

  /** Comma list of registry hosts (`docker.io`, `ghcr.io`, `registry.local:5000`) pulls may use under `allowlist`. */
  @IsString()
  @Matches(/^[A-Za-z0-9.:,\s-]*$/, { message: 'IMAGE_REGISTRIES_ALLOWED must be a comma list of registry hosts' })
  IMAGE_REGISTRIES_ALLOWED = '';

  /** Limits a create gets when it omits them; empty means none. */
  @Matches(OPTIONAL_SIZE, { message: 'DEFAULT_MEMORY must be a size like 1g, or empty' })
  DEFAULT_MEMORY = '1g';

  @Matches(OPTIONAL_COUNT, { message: 'DEFAULT_PIDS must be an integer, or empty' })
  DEFAULT_PIDS = '512';

  @Matches(OPTIONAL_CPUS, { message: 'DEFAULT_CPUS must be a number like 1 or 0.5, or empty' })
  DEFAULT_CPUS = '1';

  /** The most a request may ask for; empty means no maximum beyond the host's own. */
  @Matches(OPTIONAL_SIZE, { message: 'MAX_MEMORY must be a size like 8g, or empty' })
  MAX_MEMORY = '';

  @Matches(OPTIONAL_COUNT, { message: 'MAX_PIDS must be an integer, or empty' })
  MAX_PIDS = '';

  @Matches(OPTIONAL_CPUS, { message: 'MAX_CPUS must be a number like 2, or empty' })
  MAX_CPUS = '';

  /** Seconds between background measurements of each container's /app. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  APP_USAGE_INTERVAL_S = 300;

  /** Address published ports bind to unless a port names its own `host_ip`. */
  @IsIP(undefined, { message: 'PORT_BIND_ADDRESS must be an IPv4 or IPv6 address' })
  PORT_BIND_ADDRESS = '0.0.0.0';

  /** The one network every container joins; created with inter-container traffic disabled when missing. */
  @Matches(NETWORK_NAME, { message: 'CONTAINER_NETWORK must be a Docker network name other than host or none' })
  CONTAINER_NETWORK = 'container-manager';

  /** Let code in managed containers connect to this service (refused by default, before authentication). */
  @Transform(toBool)
  @IsBoolean({ message: 'ALLOW_CONTAINER_ACCESS must be true or false' })
  ALLOW_CONTAINER_ACCESS = false;

  /** A file holding APP_PASS (a Docker secret); read at boot when APP_PASS itself is not set. */
  @IsOptional()
  @IsString()
  APP_PASS_FILE = '';

  /** `swarm`: one instance per Swarm node, any of them answers for all (see README "Cluster mode"); empty: single host. */
  @IsIn(['', 'swarm'], { message: 'CLUSTER_MODE must be swarm or empty' })
  CLUSTER_MODE: '' | 'swarm' = '';

  /** The Swarm service this instance belongs to; peers are the addresses of `tasks.<name>`. */
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, { message: 'CLUSTER_SERVICE_NAME must be a service name' })
  CLUSTER_SERVICE_NAME = 'cm';

  /** This node's name instead of the engine's (tests running several instances on one engine). */
  @IsOptional()
  @Matches(/^([a-zA-Z0-9][a-zA-Z0-9_.-]{0,62})?$/, { message: 'CLUSTER_NODE_NAME must be a host name' })
  CLUSTER_NODE_NAME = '';

  /** Test/dev aid: a static comma list of peer `host:port` instead of the Swarm's task DNS name. */
  @IsOptional()
  @Matches(/^([A-Za-z0-9.[\]:-]+:\d{1,5})?(\s*,\s*[A-Za-z0-9.[\]:-]+:\d{1,5})*$/, {
    message: 'CLUSTER_PEERS must be a comma list of host:port',
  })
  CLUSTER_PEERS = '';

  /** How often each instance re-reads its peers' node facts and container directories. */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  CLUSTER_REFRESH_MS = 2000;

  /** How long a call to a peer may take to answer before the peer counts as unreachable. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CLUSTER_PEER_TIMEOUT_MS = 3000;
}

/** Cross-field checks: a default above its maximum could never be used. */
function limitProblems(env: Environment): string[] {
  const problems: string[] = [];
  const num = (v: string): number | null => (v.trim() === '' ? null : Number(v));
  const mem = (v: string): number | null => (v.trim() === '' ? null : (parseMemorySize(v)?.bytes ?? null));
  const pairs: [string, number | null, number | null][] = [
    ['MEMORY', mem(env.DEFAULT_MEMORY), mem(env.MAX_MEMORY)],
    ['PIDS', num(env.DEFAULT_PIDS), num(env.MAX_PIDS)],
    ['CPUS', num(env.DEFAULT_CPUS), num(env.MAX_CPUS)],
  ];
  for (const [name, def, max] of pairs) {
    if (def !== null && def <= 0) problems.push(`DEFAULT_${name} must be above 0`);
    if (max !== null && max <= 0) problems.push(`MAX_${name} must be above 0`);
    if (def !== null && max !== null && def > max) problems.push(`DEFAULT_${name} must not exceed MAX_${name}`);
  }
  const minMemory = 6 * 1024 * 1024;
  for (const key of ['DEFAULT_MEMORY', 'MAX_MEMORY'] as const) {
    const bytes = mem(env[key]);
    if (bytes !== null && bytes < minMemory) problems.push(`${key} must be at least 6m`);
  }
  return problems;
}

/**
 * APP_PASS from APP_PASS_FILE (a Docker secret under /run/secrets) when APP_PASS is unset; one trailing
 * newline is dropped, as `echo pass | docker secret create` leaves one.
 */
function withPassFromFile(raw: Record<string, unknown>): Record<string, unknown> {
  const file = raw.APP_PASS_FILE;
  if (typeof file !== 'string' || file === '' || (typeof raw.APP_PASS === 'string' && raw.APP_PASS !== '')) return raw;
  let pass: string;
  try {
    pass = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(
      `Invalid configuration: APP_PASS_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return { ...raw, APP_PASS: pass };
}

/**
 * Validates the raw environment. Throws one line per problem and never echoes values,
 * because APP_PASS must not reach a log.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, withPassFromFile(raw), { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const reasons = errors.map((e) => Object.values(e.constraints ?? {}).join(', '));
  if (reasons.length === 0) reasons.push(...limitProblems(env));
  if (reasons.length > 0) throw new Error(`Invalid configuration: ${reasons.join('; ')}`);
  return env;
}
