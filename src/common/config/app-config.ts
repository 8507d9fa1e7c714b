import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as path from 'node:path';
import { Environment } from './environment';

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
  get terminalAllowedOrigins(): string[] {
    return this.get('TERMINAL_ALLOWED_ORIGINS')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0);
  }
  get shutdownGraceMs(): number {
    return this.get('SHUTDOWN_GRACE_MS');
  }
}
