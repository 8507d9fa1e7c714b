import type { LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';

export interface LoggedError {
  name: string;
  message: string;
  stack?: string;
}

/** One log record before it is formatted; the stack is dropped later unless in development. */
export interface LogEntry {
  level: LogLevel;
  context?: string;
  msg: string;
  error?: LoggedError;
}

// A string that is a stack trace: a first line, then "    at file:line:col" frames.
const STACK = /^[^\n]+\n\s+at .+/;
const isStack = (value: unknown): value is string => typeof value === 'string' && STACK.test(value);

/**
 * Reads a Nest logger call the way Nest's ConsoleLogger does: a trailing string is the context
 * (Logger instances append theirs), and for `error` the argument before it may be a stack.
 */
export function toLogEntry(level: LogLevel, message: unknown, params: unknown[], fallbackContext?: string): LogEntry {
  const rest = [...params];
  let stack: unknown = level === 'error' && rest.length === 1 && isStack(rest[0]) ? rest.pop() : undefined;
  const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : fallbackContext;
  if (level === 'error' && stack === undefined && rest.length > 0) {
    const last = rest[rest.length - 1];
    if (last === undefined || typeof last === 'string') stack = rest.pop();
  }
  const entry: LogEntry = { level, msg: '', ...(context ? { context } : {}) };
  if (message instanceof Error) {
    entry.msg = message.message;
    entry.error = { name: message.name, message: message.message, ...(message.stack ? { stack: message.stack } : {}) };
  } else if (isStack(message)) {
    // Callers log `err.stack ?? err.message`: the first line is the message, the whole text the stack.
    const first = message.slice(0, message.indexOf('\n'));
    entry.msg = first;
    entry.error = { ...nameAndMessage(first), stack: message };
  } else {
    entry.msg = stringify(message);
  }
  if (typeof stack === 'string' && stack.length > 0) {
    entry.error = { ...(entry.error ?? nameAndMessage(stack.split('\n', 1)[0] ?? '')), stack };
  }
  const extra = rest.filter((p) => p !== undefined).map(stringify);
  if (extra.length > 0) entry.msg = [entry.msg, ...extra].join(' ');
  return entry;
}

/** `TypeError: x is undefined` → name `TypeError`; a line without such a prefix is an `Error`'s message. */
function nameAndMessage(line: string): LoggedError {
  const match = /^((?:[A-Za-z_$][\w$]*)?(?:Error|Exception)): (.*)$/.exec(line);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { name: match[1], message: match[2] }
    : { name: 'Error', message: line };
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return inspect(value, { depth: 4, breakLength: Infinity, compact: true });
}
