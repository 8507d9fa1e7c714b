import { ValidationError } from '../common/errors/app-error';
import { TerminalErrorCode } from './terminal-errors';

export const TERMINAL_MODES = ['shell', 'attach', 'exec'] as const;
export type TerminalMode = (typeof TERMINAL_MODES)[number];

export const OUTPUT_FORMATS = ['json', 'binary'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface TerminalQuery {
  mode: TerminalMode;
  cols: number;
  rows: number;
  /** The command of `exec` mode, run by `sh -c`. */
  cmd: string | null;
  /** How many lines of boot.py's past output `attach` mode replays first. */
  tail: number;
  /** False only for `exec` on plain pipes: byte-exact output, stdout and stderr apart, no resize. */
  tty: boolean;
  /** `binary`: output as binary messages, a stream byte then the raw bytes; control frames stay JSON. */
  output: OutputFormat;
}

export const MAX_COLS = 1000;
export const MAX_ROWS = 500;
export const MAX_CMD_BYTES = 16 * 1024;
const MAX_TAIL = 10_000;
const DEFAULT_TAIL = 100;
const DIGITS = /^\d{1,9}$/;

/** Reads `cols`, `rows`, `mode`, `cmd`, `tail`, `tty` and `output` from the upgrade URL. Sizes out of range are clamped, not refused. */
export function parseTerminalQuery(params: URLSearchParams): TerminalQuery {
  const cmd = params.get('cmd');
  const modeParam = params.get('mode');
  // `?cmd=…` alone means exec: a caller who gives a command surely wants it run, not a shell.
  const mode = modeParam ?? (cmd !== null ? 'exec' : 'shell');
  if (!isMode(mode)) {
    throw new ValidationError(TerminalErrorCode.INVALID_MODE, `mode must be one of ${TERMINAL_MODES.join(', ')}`, {
      field: 'mode',
      provided: mode.slice(0, 32),
    });
  }
  return {
    mode,
    cols: size(params, 'cols', 80, MAX_COLS),
    rows: size(params, 'rows', 24, MAX_ROWS),
    cmd: command(mode, cmd),
    tail: size(params, 'tail', DEFAULT_TAIL, MAX_TAIL, 0),
    tty: tty(mode, params.get('tty')),
    output: outputFormat(params.get('output')),
  };
}

function outputFormat(raw: string | null): OutputFormat {
  if (raw === null || raw === '') return 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(raw)) {
    throw new ValidationError(
      TerminalErrorCode.INVALID_OUTPUT_FORMAT,
      `output must be one of ${OUTPUT_FORMATS.join(', ')}`,
      {
        field: 'output',
        provided: raw.slice(0, 32),
      },
    );
  }
  return raw as OutputFormat;
}

function tty(mode: TerminalMode, raw: string | null): boolean {
  if (raw === null || raw === '' || raw === 'true' || raw === '1') return true;
  if (raw !== 'false' && raw !== '0') {
    throw new ValidationError(TerminalErrorCode.INVALID_TTY, 'tty must be true or false', {
      field: 'tty',
      provided: raw.slice(0, 16),
    });
  }
  if (mode !== 'exec') {
    throw new ValidationError(TerminalErrorCode.TTY_REQUIRES_EXEC_MODE, 'tty=false is only available with mode=exec', {
      field: 'tty',
    });
  }
  return false;
}

function isMode(value: string): value is TerminalMode {
  return (TERMINAL_MODES as readonly string[]).includes(value);
}

function size(params: URLSearchParams, field: string, fallback: number, max: number, min = 1): number {
  const raw = params.get(field);
  if (raw === null || raw === '') return fallback;
  if (!DIGITS.test(raw)) {
    throw new ValidationError(TerminalErrorCode.INVALID_TERMINAL_SIZE, `${field} must be a whole number`, {
      field,
      provided: raw.slice(0, 32),
    });
  }
  return Math.min(max, Math.max(min, Number(raw)));
}

function command(mode: TerminalMode, cmd: string | null): string | null {
  if (mode !== 'exec') {
    if (cmd !== null) {
      throw new ValidationError(TerminalErrorCode.CMD_REQUIRES_EXEC_MODE, 'cmd is only used with mode=exec', {
        field: 'cmd',
      });
    }
    return null;
  }
  if (cmd === null || cmd.trim() === '') {
    throw new ValidationError(TerminalErrorCode.MISSING_CMD, 'mode=exec needs a cmd', { field: 'cmd', provided: cmd });
  }
  if (Buffer.byteLength(cmd) > MAX_CMD_BYTES) {
    throw new ValidationError(TerminalErrorCode.CMD_TOO_LONG, `cmd must be at most ${MAX_CMD_BYTES} bytes`, {
      field: 'cmd',
    });
  }
  if (cmd.includes('\0')) {
    throw new ValidationError(TerminalErrorCode.INVALID_CMD, 'cmd must not contain NUL characters', { field: 'cmd' });
  }
  return cmd;
}
