import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../common/config/app-config';

/** What was sent for the first request of a key, replayed for its repeats. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface KeyRequest {
  user: string;
  key: string;
  method: string;
  path: string;
  /** Digest of method, path and body; null while a streamed body has not been read. */
  fingerprint: string | null;
  /** Makes the id a first run reserves (e.g. the cuid of a create), stored before any side effect. */
  reserve?: () => string;
}

export type Claim =
  /** This request runs; `resource` is the id reserved for the key (the same one when resuming). */
  | { kind: 'run'; resource: string | null; resumed: boolean }
  | { kind: 'done'; fingerprint: string | null; response: StoredResponse }
  /** Another request of this process is running it now. */
  | { kind: 'busy'; fingerprint: string | null }
  /** The key is bound to another method, path or body. */
  | { kind: 'reused' };

interface Row {
  method: string;
  path: string;
  fingerprint: string | null;
  state: 'running' | 'done';
  owner: string | null;
  resource: string | null;
  status: number | null;
  headers: string | null;
  body: string | null;
  expires_at: number;
}

const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Idempotency-Key records in SQLite (STATE_DIR/idempotency.sqlite). A claim is one transaction, and
 * the WAL is synced on every commit, so a key recorded as running (with its reserved id) is on disk
 * before the request does anything. A record owned by an earlier process is one that process never
 * finished (it crashed or was killed): the next request with the same key resumes it.
 */
@Injectable()
export class KeyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('KeyStore');
  /** Identifies this process's records; anything else still "running" was left by a previous one. */
  private readonly bootId = randomUUID();
  private db: Database.Database | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly config: AppConfig) {}

  get file(): string {
    return path.join(this.config.stateDir, 'idempotency.sqlite');
  }

  onModuleInit(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o750 });
    // Stored answers hold what container answers hold (env values): owner-only, like compose.yaml's
    // directory. SQLite gives its -wal and -shm files the database file's mode.
    closeSync(openSync(this.file, 'a', 0o600));
    const db = new Database(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      user TEXT NOT NULL,
      key TEXT NOT NULL,
      method TEXT NOT NULL,
      path TEXT NOT NULL,
      fingerprint TEXT,
      state TEXT NOT NULL,
      owner TEXT,
      resource TEXT,
      status INTEGER,
      headers TEXT,
      body TEXT,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (user, key)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at);`);
    this.db = db;
    this.purgeExpired();
    this.purgeTimer = setInterval(() => this.purgeExpired(), PURGE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.db?.close();
    this.db = null;
  }

  claim(req: KeyRequest, now = Date.now()): Claim {
    const db = this.open();
    return db.transaction((): Claim => {
      let row = db
        .prepare<[string, string], Row>('SELECT * FROM idempotency_keys WHERE user = ? AND key = ?')
        .get(req.user, req.key);
      if (row && row.expires_at <= now) {
        db.prepare('DELETE FROM idempotency_keys WHERE user = ? AND key = ?').run(req.user, req.key);
        row = undefined;
      }
      if (!row) {
        const resource = req.reserve?.() ?? null;
        db.prepare(
          `INSERT INTO idempotency_keys (user, key, method, path, fingerprint, state, owner, resource, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
        ).run(
          req.user,
          req.key,
          req.method,
          req.path,
          req.fingerprint,
          this.bootId,
          resource,
          now,
          now + this.config.idempotencyTtlMs,
        );
        return { kind: 'run', resource, resumed: false };
      }
      if (row.state === 'done') {
        return { kind: 'done', fingerprint: row.fingerprint, response: toResponse(row) };
      }
      if (row.owner === this.bootId) return { kind: 'busy', fingerprint: row.fingerprint };
      // Left by a crashed process, or released after an answer that settled nothing (5xx): resume it,
      // with the same reserved id, as long as it is the same request (a streamed body's digest may not be
      // known on either side yet; method and path always are).
      const otherBody = req.fingerprint !== null && row.fingerprint !== null && row.fingerprint !== req.fingerprint;
      if (otherBody || row.method !== req.method || row.path !== req.path) return { kind: 'reused' };
      db.prepare(
        'UPDATE idempotency_keys SET owner = ?, fingerprint = COALESCE(?, fingerprint) WHERE user = ? AND key = ?',
      ).run(this.bootId, req.fingerprint, req.user, req.key);
      return { kind: 'run', resource: row.resource, resumed: true };
    })();
  }

  /** Stores the answer of a run; from now on the key replays it. */
  complete(user: string, key: string, fingerprint: string, response: StoredResponse): void {
    this.open()
      .prepare(
        `UPDATE idempotency_keys SET state = 'done', owner = NULL, fingerprint = ?, status = ?, headers = ?, body = ?
         WHERE user = ? AND key = ?`,
      )
      .run(fingerprint, response.status, JSON.stringify(response.headers), response.body, user, key);
  }

  /** The run ended without an answer worth keeping: the next request with this key runs it again. */
  release(user: string, key: string): void {
    this.open()
      .prepare(`UPDATE idempotency_keys SET owner = NULL WHERE user = ? AND key = ? AND state = 'running'`)
      .run(user, key);
  }

  purgeExpired(now = Date.now()): number {
    try {
      return this.open().prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(now).changes;
    } catch (err) {
      this.logger.warn(`purging expired keys failed: ${(err as Error).message}`);
      return 0;
    }
  }

  private open(): Database.Database {
    if (!this.db) throw new Error('the idempotency store is not open');
    return this.db;
  }
}

function toResponse(row: Row): StoredResponse {
  return {
    status: row.status ?? 200,
    headers: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : {},
    body: row.body ?? '',
  };
}
