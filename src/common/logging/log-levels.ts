import type { LogLevel } from '@nestjs/common';

/** The values LOG_LEVEL accepts, most to least severe; each enables itself and everything before it. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogThreshold = (typeof LOG_LEVELS)[number];

/** `fatal` is never filtered out: it precedes a crash, the one moment an operator needs the reason. */
export function isLevelWithin(level: LogLevel, threshold: LogThreshold): boolean {
  if (level === 'fatal') return true;
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(threshold);
}
