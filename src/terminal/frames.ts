import type { ErrorBody } from '../common/errors/error-body';
import { ValidationError } from '../common/errors/app-error';
import { MAX_COLS, MAX_ROWS } from './terminal-query';
import { SignalName, toSignalName } from './signals';
import type { OutputEncoding } from './utf8-chunker';
import { CommonErrorCode } from '../common/errors/error-codes';
import { TerminalErrorCode } from './terminal-errors';
import type { ErrorCode } from '../common/errors/error-codes';

export type ClientFrame =
  | { type: 'stdin'; data: Buffer }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'signal'; name: SignalName }
  | { type: 'close' };

export type OutputStream = 'stdout' | 'stderr';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

const invalid = (code: ErrorCode, message: string, details: Record<string, unknown> = {}): ValidationError =>
  new ValidationError(code, message, details);

/** Parses one client message; throws a ValidationError with a specific code for anything malformed. */
export function parseClientFrame(raw: Buffer | string, isBinary: boolean): ClientFrame {
  if (isBinary) throw invalid(TerminalErrorCode.BINARY_FRAME_UNSUPPORTED, 'Frames must be JSON text, not binary');
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw invalid(CommonErrorCode.INVALID_JSON, 'Frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(TerminalErrorCode.INVALID_FRAME, 'Frame must be a JSON object with a "type"');
  }
  const frame = value as Record<string, unknown>;
  switch (frame.type) {
    case 'stdin':
      return { type: 'stdin', data: stdinData(frame) };
    case 'resize':
      return { type: 'resize', cols: dimension(frame, 'cols', MAX_COLS), rows: dimension(frame, 'rows', MAX_ROWS) };
    case 'signal':
      return { type: 'signal', name: signalName(frame) };
    case 'close':
      return { type: 'close' };
    default:
      throw invalid(TerminalErrorCode.UNKNOWN_FRAME_TYPE, 'Frame type must be stdin, resize, signal or close', {
        field: 'type',
        provided: typeof frame.type === 'string' ? frame.type.slice(0, 32) : (frame.type ?? null),
      });
  }
}

function stdinData(frame: Record<string, unknown>): Buffer {
  const { data, encoding = 'utf8' } = frame;
  if (typeof data !== 'string')
    throw invalid(TerminalErrorCode.INVALID_STDIN_DATA, 'stdin frame needs a string "data"', { field: 'data' });
  if (encoding === 'utf8') return Buffer.from(data, 'utf8');
  if (encoding === 'base64') {
    // Buffer.from silently skips invalid characters; refuse them instead of sending garbage to the process.
    if (!BASE64.test(data))
      throw invalid(TerminalErrorCode.INVALID_BASE64, 'stdin data is not valid base64', { field: 'data' });
    return Buffer.from(data, 'base64');
  }
  throw invalid(TerminalErrorCode.INVALID_ENCODING, 'encoding must be "utf8" or "base64"', {
    field: 'encoding',
    provided: typeof encoding === 'string' ? encoding.slice(0, 32) : null,
  });
}

function dimension(frame: Record<string, unknown>, field: 'cols' | 'rows', max: number): number {
  const value = frame[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(TerminalErrorCode.INVALID_TERMINAL_SIZE, `${field} must be a positive integer`, {
      field,
      provided: typeof value === 'number' ? value : null,
    });
  }
  return Math.min(value, max);
}

function signalName(frame: Record<string, unknown>): SignalName {
  const name = typeof frame.name === 'string' ? toSignalName(frame.name) : null;
  if (!name) {
    throw invalid(TerminalErrorCode.INVALID_SIGNAL, 'Unknown signal name', {
      field: 'name',
      provided: typeof frame.name === 'string' ? frame.name.slice(0, 16) : null,
    });
  }
  return name;
}

/**
 * The same text as JSON.stringify of the object, without walking an object for every chunk of output
 * (text output is framed as bytes by JsonTextFrames; this is its reference and its base64 path).
 */
export const outputFrame = (stream: OutputStream, chunk: { data: string; encoding: OutputEncoding }): string =>
  `{"type":"${stream}","data":${JSON.stringify(chunk.data)},"encoding":"${chunk.encoding}"}`;

export const exitFrame = (code: number): string => JSON.stringify({ type: 'exit', code });

export const errorFrame = (error: ErrorBody): string => JSON.stringify({ type: 'error', error });
