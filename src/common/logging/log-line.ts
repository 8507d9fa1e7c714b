import type { LoggedError, LogEntry } from './log-entry';

export type LogFormat = 'json' | 'text';

/** An entry as it is written, after redaction and with its time and request id. */
export interface LogRecord extends LogEntry {
  time: string;
  request_id?: string;
}

/** One line, newline included; JSON escapes any newline inside a message, so a record never spans lines. */
export function formatLine(record: LogRecord, format: LogFormat): string {
  return format === 'json' ? `${JSON.stringify(jsonShape(record))}\n` : textLine(record);
}

function jsonShape(r: LogRecord): Record<string, unknown> {
  return {
    time: r.time,
    level: r.level,
    ...(r.context ? { context: r.context } : {}),
    msg: r.msg,
    ...(r.request_id ? { request_id: r.request_id } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

function textLine(r: LogRecord): string {
  const context = r.context ? ` [${r.context}]` : '';
  const id = r.request_id ? ` (request ${r.request_id})` : '';
  const stack = r.error?.stack ? `\n${r.error.stack}` : errorSuffix(r.error, r.msg);
  return `${r.time} ${r.level.toUpperCase().padEnd(7)}${context} ${r.msg}${id}${stack}\n`;
}

function errorSuffix(error: LoggedError | undefined, msg: string): string {
  return error && error.message !== msg ? ` (${error.name}: ${error.message})` : '';
}
