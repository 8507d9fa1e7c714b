import { Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { ValidationError } from '../common/errors/app-error';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import type { AuditEntry } from './audit-entry';
import { auditFiles } from './audit-files';
import { AuditFilter, judge } from './audit-filter';
import { AuditLog } from './audit-log';
import { linesBackward } from './lines-backward';
import { AuditErrorCode } from './audit.errors';

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

/** Bytes one page may read: a filter that matches little returns a short page with a cursor, not a long wait. */
const MAX_SCAN_BYTES = 64 * 1024 * 1024;

/**
 * Pages through the audit log newest first, from the live file into the rotated ones, reading each
 * backwards from where the last page stopped; the cursor names the file by inode so rotation between
 * two pages neither repeats nor skips an entry.
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly log: AuditLog) {}

  async page(filter: AuditFilter, limit: number, cursor?: string): Promise<AuditPage> {
    const from = cursor === undefined ? null : decodeAuditCursor(cursor);
    // A first page shows the requests that have just finished.
    if (!from) await this.log.flush();
    const files = await auditFiles(this.log.filePath);
    let index = 0;
    let end: number | null = null;
    if (from) {
      index = files.findIndex((f) => f.ino === from.ino);
      if (index < 0) {
        throw new ValidationError(
          AuditErrorCode.CURSOR_EXPIRED,
          'The log file this cursor points into has been removed',
          {
            field: 'cursor',
          },
        );
      }
      end = from.offset;
    }
    const entries: AuditEntry[] = [];
    let scanned = 0;
    for (; index < files.length; index += 1, end = null) {
      const file = files[index]!;
      const handle = await fs.open(file.path, 'r').catch(() => null);
      if (!handle) continue;
      try {
        for await (const line of linesBackward(handle, Math.min(end ?? file.size, file.size))) {
          scanned += line.text.length + 1;
          const entry = parse(line.text);
          const verdict = entry ? judge(entry, filter) : 'skip';
          if (verdict === 'older') return { entries, next_cursor: null };
          if (verdict === 'match') entries.push(entry!);
          const full = entries.length === limit;
          if (full || scanned >= MAX_SCAN_BYTES) {
            const more = line.start > 0 || files.slice(index + 1).some((f) => f.size > 0);
            return { entries, next_cursor: more ? encodeAuditCursor({ ino: file.ino, offset: line.start }) : null };
          }
        }
      } finally {
        await handle.close();
      }
    }
    return { entries, next_cursor: null };
  }
}

function parse(text: string): AuditEntry | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && typeof (value as AuditEntry).timestamp === 'string'
      ? (value as AuditEntry)
      : null;
  } catch {
    return null;
  }
}
