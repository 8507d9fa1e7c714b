import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { ConnectionError, toApiError } from './errors';
import { RetryPolicy } from './retry-policy';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null;

/** A request body that is not JSON: `open` is called once per attempt, so a retry re-reads it. */
export interface RawBody {
  contentType: string;
  open: () => Readable | Buffer;
  length?: number;
  /** False for a one-shot stream: such a request is never sent twice. */
  replayable: boolean;
  onProgress?: (sentBytes: number, totalBytes: number | null) => void;
}

export interface RequestSpec {
  method: Method;
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  json?: unknown;
  raw?: RawBody;
  /** Writes carry one by default (the same on every retry); false sends none. */
  idempotencyKey?: string | false;
  signal?: AbortSignal;
}

export interface TransportOptions {
  url: string;
  user: string;
  pass: string;
  /** Extra attempts after the first (default 3). */
  retries?: number;
  /** First back-off (default 250 ms), doubled per attempt; a Retry-After answer wins. */
  retryDelayMs?: number;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  requestId: string;
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * HTTP over node:http (not fetch): request bodies stream with byte counts for progress, and a failed
 * connection says whether anything was sent, which decides whether a write may be retried.
 * Every request carries its own `X-Request-Id`, so even a failure that never got an answer can be
 * found in the service's audit log.
 */
export class Transport {
  readonly baseUrl: URL;
  readonly authorization: string;
  private readonly policy: RetryPolicy;

  constructor(options: TransportOptions) {
    this.baseUrl = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.pass}`).toString('base64')}`;
    this.policy = new RetryPolicy(options.retries ?? 3, options.retryDelayMs ?? 250);
  }

  urlFor(path: string, query: Record<string, QueryValue> = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Sends with retries; resolves on a 1xx–3xx answer with its body unread, throws ApiError otherwise. */
  async send(spec: RequestSpec): Promise<Answer> {
    const requestId = spec.headers?.['X-Request-Id'] ?? randomUUID();
    const key = spec.method === 'GET' || spec.idempotencyKey === false ? null : (spec.idempotencyKey ?? randomUUID());
    for (let attempt = 0; ; attempt += 1) {
      try {
        const answer = await this.attempt(spec, requestId, key);
        if (answer.status < 400) return answer;
        throw toApiError(answer.status, await readText(answer.body), requestId, header(answer.headers['retry-after']));
      } catch (err) {
        const delay = this.policy.delayBefore(attempt + 1, err, {
          method: spec.method,
          hasKey: key !== null,
          replayable: spec.raw ? spec.raw.replayable : true,
        });
        if (delay === null || spec.signal?.aborted) throw err;
        await sleep(delay, spec.signal);
      }
    }
  }

  async json<T>(spec: RequestSpec): Promise<T> {
    const answer = await this.send({ ...spec, headers: { Accept: 'application/json', ...spec.headers } });
    const text = await readText(answer.body);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private attempt(spec: RequestSpec, requestId: string, key: string | null): Promise<Answer> {
    const url = this.urlFor(spec.path, spec.query);
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      'X-Request-Id': requestId,
      ...(key ? { 'Idempotency-Key': key } : {}),
      ...spec.headers,
    };
    let payload: Buffer | Readable | null = null;
    if (spec.json !== undefined) {
      payload = Buffer.from(JSON.stringify(spec.json));
      headers['Content-Type'] = 'application/json';
    } else if (spec.raw) {
      payload = spec.raw.open();
      headers['Content-Type'] = spec.raw.contentType;
      if (spec.raw.length !== undefined) headers['Content-Length'] = String(spec.raw.length);
    }
    if (Buffer.isBuffer(payload)) headers['Content-Length'] = String(payload.length);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const req = lib.request(url, { method: spec.method, headers, signal: spec.signal }, (res) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, requestId }),
      );
      req.once('error', (err: NodeJS.ErrnoException) => {
        if (payload && !Buffer.isBuffer(payload)) payload.destroy();
        const code = err.code ?? (err.name === 'AbortError' ? 'ABORTED' : 'CONNECTION_FAILED');
        reject(
          new ConnectionError(
            `${spec.method} ${url.pathname}: ${err.message}`,
            code,
            requestId,
            CONNECT_FAILURES.has(code),
          ),
        );
      });
      if (payload === null || Buffer.isBuffer(payload)) {
        const size = payload?.length ?? 0;
        req.end(payload ?? undefined, () => spec.raw?.onProgress?.(size, size));
        return;
      }
      const total = spec.raw?.length ?? null;
      let sent = 0;
      payload.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        spec.raw?.onProgress?.(sent, total);
      });
      payload.once('error', (err) => req.destroy(err));
      payload.pipe(req);
    });
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
