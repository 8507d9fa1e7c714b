import { ValidationError } from '../common/errors/app-error';
import { CommonErrorCode } from '../common/errors/error-codes';

/** Where the previous page stopped: a file (by inode, which rotation keeps) and a line start in it. */
export interface AuditCursor {
  ino: string;
  offset: number;
}

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.ino, cursor.offset])).toString('base64url');
}

export function decodeAuditCursor(value: string): AuditCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      /^\d{1,24}$/.test(parsed[0]) &&
      Number.isSafeInteger(parsed[1]) &&
      (parsed[1] as number) >= 0
    ) {
      return { ino: parsed[0], offset: parsed[1] as number };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(CommonErrorCode.INVALID_CURSOR, 'cursor is not one this service issued', {
    field: 'cursor',
  });
}
