import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

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

  /** Comma list of browser origins allowed to open a terminal; empty means same-host origins only. */
  @IsOptional()
  @IsString()
  TERMINAL_ALLOWED_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_GRACE_MS = 10_000;
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
