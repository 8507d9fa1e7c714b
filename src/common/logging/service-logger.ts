import type { LoggerService, LogLevel } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { RequestContext } from '../request-context';
import { isoWithOffset } from '../time';
import { toLogEntry } from './log-entry';
import { isLevelWithin, LogThreshold } from './log-levels';
import { formatLine, LogFormat, LogRecord } from './log-line';
import { SecretRedactor } from './secret-redactor';

export interface ServiceLoggerOptions {
  threshold: LogThreshold;
  format: LogFormat;
  /** Error stacks are written only in development: they reveal paths and code layout. */
  stacks: boolean;
  redactor: SecretRedactor;
}

/** Where lines go; errors to stderr, the rest to stdout, as Nest's own logger does. */
export interface LogSink {
  stdout(line: string): void;
  stderr(line: string): void;
}

const processSink: LogSink = {
  stdout: (line) => process.stdout.write(line),
  stderr: (line) => process.stderr.write(line),
};

/**
 * The service's one logger (installed with `app.useLogger`, so every `new Logger(ctx)` lands
 * here): one record per line, stamped with the time and, inside a request or terminal session,
 * its request id; filtered by LOG_LEVEL; secrets masked.
 */
export class ServiceLogger implements LoggerService {
  constructor(
    private readonly options: ServiceLoggerOptions,
    private readonly requests: RequestContext,
    private readonly sink: LogSink = processSink,
  ) {}

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return isLevelWithin(level, this.options.threshold);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    const entry = toLogEntry(level, message, params);
    const { redactor, stacks } = this.options;
    const requestId = this.requests.current()?.requestId;
    const record: LogRecord = {
      time: isoWithOffset(new Date()),
      level,
      ...(entry.context ? { context: redactor.redact(entry.context) } : {}),
      msg: redactor.redact(entry.msg),
      ...(requestId ? { request_id: redactor.redact(requestId) } : {}),
    };
    if (entry.error) {
      const { name, message: text, stack } = entry.error;
      record.error = {
        name: redactor.redact(name),
        message: redactor.redact(text),
        ...(stacks && stack ? { stack: redactor.redact(stack) } : {}),
      };
    }
    const line = formatLine(record, this.options.format);
    if (level === 'error' || level === 'fatal') this.sink.stderr(line);
    else this.sink.stdout(line);
  }
}

/** The logger as configured: LOG_LEVEL, LOG_FORMAT, stacks in development, APP_PASS masked. */
export function createServiceLogger(config: AppConfig, requests: RequestContext): ServiceLogger {
  return new ServiceLogger(
    {
      threshold: config.logLevel,
      format: config.logFormat,
      stacks: config.isDevelopment,
      redactor: new SecretRedactor(config.appUser, config.appPass),
    },
    requests,
  );
}
