import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
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
import { parseAddressList } from '../http/address-list';

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

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TERMINAL_MAX_SESSIONS = 100;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TERMINAL_MAX_SESSIONS_PER_CONTAINER = 10;

  /** Older name of ALLOWED_ORIGINS, still honoured (the two lists are joined). */
  @IsOptional()
  @IsString()
  TERMINAL_ALLOWED_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_GRACE_MS = 10_000;

  /** download-zip holds one descriptor per directory level, so this bounds its descriptors too. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  DOWNLOAD_MAX_DEPTH = 128;
}

/**
 * Validates the raw environment. Throws one line per problem and never echoes values,
 * because APP_PASS must not reach a log.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const reasons = errors.map((e) => Object.values(e.constraints ?? {}).join(', '));
    throw new Error(`Invalid configuration: ${reasons.join('; ')}`);
  }
  return env;
}
