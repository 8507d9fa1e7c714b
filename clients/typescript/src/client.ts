import { createReadStream, statSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { EventStreamItem, LiveEvent, LogLine } from './live-types';
import { ApiError, ConnectionError } from './errors';
import { readSse } from './sse';
import { SignalName, Terminal } from './terminal';
import { Answer, QueryValue, readText, Transport, TransportOptions } from './transport';
import type {
  AuditEntry,
  AuditPage,
  AuditQuery,
  Container,
  ContainerPage,
  ContainerStatus,
  CreateContainerRequest,
  Deleted,
  DirectoryListing,
  Health,
  NodeList,
  ListContainersQuery,
  Port,
  StatsOverview,
  StatsSample,
  UpdateContainerRequest,
  UpdateResult,
  UploadResult,
} from './types';

export type ClientOptions = TransportOptions;
export type Progress = (doneBytes: number, totalBytes: number | null) => void;

/** A zip to upload: bytes, a file path, a function opening a fresh stream (retryable), or a stream. */
export type ZipSource = Buffer | string | { open: () => Readable; length?: number } | Readable;

export interface Download {
  stream: Readable;
  /** Bytes to come, when the service said (a zip is streamed without a length). */
  size: number | null;
  status: number;
  headers: IncomingHttpHeaders;
}

export interface TerminalOptions {
  mode?: 'shell' | 'attach' | 'exec';
  cmd?: string;
  cols?: number;
  rows?: number;
  /** `attach`: past lines to replay. */
  tail?: number;
  /** `exec` only: false runs without a pty (byte-exact, stdout and stderr apart). */
  tty?: boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface EventsOptions {
  type?: string | string[];
  cuid?: string | string[];
  /** Resume after this event id. */
  since?: number | string;
  /** Reconnect (resuming with Last-Event-ID) when the stream breaks; default true. */
  reconnect?: boolean;
  signal?: AbortSignal;
}

export interface StreamOptions {
  signal?: AbortSignal;
}

export interface LogsOptions {
  follow?: boolean;
  tail?: number | 'all';
  since?: string;
  timestamps?: boolean;
  signal?: AbortSignal;
}

const path = (template: string, cuid: string): string => template.replace('{cuid}', encodeURIComponent(cuid));
const list = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

/**
 * The typed client of Container Manager. Method names are the OpenAPI operationIds; request and answer
 * types come from the generated `generated/api.ts`. Errors are `ApiError` (with `code` and
 * `request_id`) or `ConnectionError`. Writes carry an `Idempotency-Key`, reused on retries.
 */
export class ContainerManagerClient {
  readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
  }

  getHealth(): Promise<Health> {
    return this.transport.json({ method: 'GET', path: '/healthz' });
  }

  /** Cluster mode only (a single host answers 404 ROUTE_NOT_FOUND): every node with its state and load. */
  listNodes(): Promise<NodeList> {
    return this.transport.json({ method: 'GET', path: '/nodes' });
  }

  listContainers(query: ListContainersQuery = {}): Promise<ContainerPage> {
    return this.transport.json({ method: 'GET', path: '/containers', query });
  }

  /** Every container matching the filters, page after page. */
  async *listAllContainers(query: Omit<ListContainersQuery, 'cursor'> = {}): AsyncGenerator<Container> {
    let cursor: string | undefined;
    do {
      const page = await this.listContainers({ ...query, cursor });
      yield* page.containers;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  createContainer(body: CreateContainerRequest, options: { idempotencyKey?: string } = {}): Promise<Container> {
    return this.transport.json({ method: 'POST', path: '/containers', json: body, ...options });
  }

  getContainer(cuid: string): Promise<Container> {
    return this.transport.json({ method: 'GET', path: path('/containers/{cuid}', cuid) });
  }

  getContainerStatus(cuid: string): Promise<ContainerStatus> {
    return this.transport.json({ method: 'GET', path: path('/containers/{cuid}/status', cuid) });
  }

  updateContainer(cuid: string, body: UpdateContainerRequest): Promise<UpdateResult> {
    return this.transport.json({ method: 'PATCH', path: path('/containers/{cuid}', cuid), json: body });
  }

  updatePorts(cuid: string, ports: Port[]): Promise<UpdateResult> {
    return this.transport.json({ method: 'PATCH', path: path('/containers/{cuid}/ports', cuid), json: { ports } });
  }

  deleteContainer(cuid: string): Promise<Deleted> {
    return this.transport.json({ method: 'DELETE', path: path('/containers/{cuid}', cuid) });
  }

  startContainer(cuid: string): Promise<Container> {
    return this.action(cuid, 'start');
  }

  stopContainer(cuid: string, options: { timeout?: number } = {}): Promise<Container> {
    return this.action(cuid, 'stop', options.timeout);
  }

  restartContainer(cuid: string, options: { timeout?: number } = {}): Promise<Container> {
    return this.action(cuid, 'restart', options.timeout);
  }

  pauseContainer(cuid: string): Promise<Container> {
    return this.action(cuid, 'pause');
  }

  unpauseContainer(cuid: string): Promise<Container> {
    return this.action(cuid, 'unpause');
  }

  /** Marks the container as in use: pushes its `idle_stop_at` forward (call it while its user is active). */
  keepaliveContainer(cuid: string): Promise<Container> {
    return this.action(cuid, 'keepalive');
  }

  /** Extracts a zip into /app (or `path` under it); the body is streamed, with progress. */
  uploadZip(
    cuid: string,
    zip: ZipSource,
    options: { path?: string; onProgress?: Progress } = {},
  ): Promise<UploadResult> {
    return this.transport.json({
      method: 'POST',
      path: path('/containers/{cuid}/upload-zip', cuid),
      query: { path: options.path },
      raw: { contentType: 'application/zip', onProgress: options.onProgress, ...zipBody(zip) },
    });
  }

  /** One file of /app, streamed; `range` asks for part of it (`{ start: 0, end: 99 }`, end inclusive). */
  async downloadFile(
    cuid: string,
    filePath: string,
    options: { range?: { start: number; end?: number } } = {},
  ): Promise<Download> {
    const range = options.range ? { Range: `bytes=${options.range.start}-${options.range.end ?? ''}` } : undefined;
    return toDownload(
      await this.transport.send({
        method: 'GET',
        path: path('/containers/{cuid}/download', cuid),
        query: { path: filePath },
        headers: range,
      }),
    );
  }

  /** A directory of /app as a zip, streamed. */
  async downloadZip(cuid: string, dirPath?: string): Promise<Download> {
    return toDownload(
      await this.transport.send({
        method: 'GET',
        path: path('/containers/{cuid}/download-zip', cuid),
        query: { path: dirPath },
      }),
    );
  }

  listFiles(cuid: string, dirPath?: string): Promise<DirectoryListing> {
    return this.transport.json({
      method: 'GET',
      path: path('/containers/{cuid}/files', cuid),
      query: { path: dirPath },
    });
  }

  /** Opens a terminal session over the WebSocket (a shell by default). */
  openTerminal(cuid: string, options: TerminalOptions = {}): Promise<Terminal> {
    const query: Record<string, QueryValue> = {
      mode: options.mode,
      cmd: options.cmd,
      cols: options.cols,
      rows: options.rows,
      tail: options.tail,
      tty: options.tty,
    };
    const url = this.transport.urlFor(path('/ws/{cuid}', cuid), query);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return Terminal.open(url, this.transport.authorization);
  }

  /** Runs one command (`sh -c`; an array is quoted for it) without a pty: exit code, stdout and stderr apart. */
  async exec(cuid: string, command: string | string[], options: { signal?: SignalName } = {}): Promise<ExecResult> {
    const cmd = Array.isArray(command) ? command.map(shellQuote).join(' ') : command;
    const terminal = await this.openTerminal(cuid, { mode: 'exec', cmd, tty: false });
    if (options.signal) terminal.signal(options.signal);
    const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    for await (const chunk of terminal) out[chunk.stream].push(chunk.data);
    const exitCode = (await terminal.exit) ?? -1;
    return { exitCode, stdout: Buffer.concat(out.stdout), stderr: Buffer.concat(out.stderr) };
  }

  /**
   * Follows `GET /events`: each state change and finished action, in order. After a break it
   * reconnects with `Last-Event-ID`, so nothing is missed; when the gap is older than the service
   * keeps, a `reset` item says so (re-read state over REST). Break out of the loop to stop.
   */
  async *streamEvents(options: EventsOptions = {}): AsyncGenerator<EventStreamItem> {
    let lastId: string | undefined = options.since === undefined ? undefined : String(options.since);
    for (let quiet = 0; ;) {
      let answer: Answer | null = null;
      try {
        answer = await this.transport.send({
          method: 'GET',
          path: '/events',
          query: { type: list(options.type), cuid: list(options.cuid) },
          headers: { Accept: 'text/event-stream', ...(lastId !== undefined ? { 'Last-Event-ID': lastId } : {}) },
          signal: options.signal,
        });
        // The iteration below reports a broken stream; a late second 'error' must not go unhandled.
        answer.body.on('error', () => undefined);
        for await (const message of readSse(answer.body)) {
          quiet = 0;
          if (message.id !== null) lastId = message.id;
          if (message.event === 'dropped') break;
          const data = JSON.parse(message.data) as Record<string, unknown>;
          if (message.event === 'reset') {
            yield { ...data, type: 'reset', id: message.id === null ? null : Number(message.id) } as EventStreamItem;
          } else {
            yield data as LiveEvent;
          }
        }
      } catch (err) {
        // A broken connection (before or during the stream) is resumed; an answer or a bug is not.
        if (err instanceof ApiError || !isBroken(err) || options.signal?.aborted) throw err;
      } finally {
        answer?.body.destroy();
      }
      if (options.reconnect === false || options.signal?.aborted) return;
      quiet += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** quiet, 5000)));
    }
  }

  /** boot.py's output, line by line with its stream; `follow` keeps streaming new output. */
  async *streamLogs(cuid: string, options: LogsOptions = {}): AsyncGenerator<LogLine> {
    const answer = await this.transport.send({
      method: 'GET',
      path: path('/containers/{cuid}/logs', cuid),
      query: { follow: options.follow, tail: options.tail, since: options.since, timestamps: options.timestamps },
      headers: { Accept: 'text/event-stream' },
      signal: options.signal,
    });
    answer.body.on('error', () => undefined);
    try {
      for await (const message of readSse(answer.body)) {
        if (message.event === 'end') return;
        if (message.event === 'stdout' || message.event === 'stderr')
          yield { stream: message.event, line: message.data };
      }
    } finally {
      answer.body.destroy();
    }
  }

  /** One sample of a running container: CPU, memory, pids, network and block I/O. */
  getContainerStats(cuid: string): Promise<StatsSample> {
    return this.transport.json({ method: 'GET', path: path('/containers/{cuid}/stats', cuid) });
  }

  /** A sample a second until the container stops (the generator then ends) or the loop is left. */
  streamContainerStats(cuid: string, options: StreamOptions = {}): AsyncGenerator<StatsSample> {
    return this.sseData<StatsSample>(path('/containers/{cuid}/stats', cuid), { stream: true }, 'stats', options);
  }

  /** One sample of every running container. */
  getAllStats(): Promise<StatsOverview> {
    return this.transport.json({ method: 'GET', path: '/stats' });
  }

  /** A sample of every running container, a second apart, until the loop is left. */
  streamAllStats(options: StreamOptions = {}): AsyncGenerator<StatsOverview> {
    return this.sseData<StatsOverview>('/stats', { stream: true }, 'stats', options);
  }

  /** One page of the audit log, newest first; pass `next_cursor` back as `cursor` for the older page. */
  queryAudit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.transport.json({
      method: 'GET',
      path: '/audit',
      query: { ...query, action: list(query.action), error: query.error },
    });
  }

  /** Every audit entry matching the filters, newest first, page after page (stop whenever you like). */
  async *queryAllAudit(query: Omit<AuditQuery, 'cursor'> = {}): AsyncGenerator<AuditEntry> {
    let cursor: string | undefined;
    do {
      const page = await this.queryAudit({ ...query, cursor });
      yield* page.entries;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /** The Prometheus text exposition, as served. */
  async getMetrics(): Promise<string> {
    const answer = await this.transport.send({ method: 'GET', path: '/metrics', headers: { Accept: 'text/plain' } });
    return readText(answer.body);
  }

  /** The `data` of each `event` message of an SSE answer, until `end` or the loop is left. */
  private async *sseData<T>(
    route: string,
    query: Record<string, QueryValue>,
    event: string,
    options: StreamOptions,
  ): AsyncGenerator<T> {
    const answer = await this.transport.send({
      method: 'GET',
      path: route,
      query,
      headers: { Accept: 'text/event-stream' },
      signal: options.signal,
    });
    answer.body.on('error', () => undefined);
    try {
      for await (const message of readSse(answer.body)) {
        if (message.event === 'end') return;
        if (message.event === event) yield JSON.parse(message.data) as T;
      }
    } finally {
      answer.body.destroy();
    }
  }

  private action(cuid: string, name: string, timeout?: number): Promise<Container> {
    return this.transport.json({
      method: 'POST',
      path: path(`/containers/{cuid}/${name}`, cuid),
      query: { timeout },
    });
  }
}

function zipBody(zip: ZipSource): { open: () => Readable | Buffer; length?: number; replayable: boolean } {
  if (Buffer.isBuffer(zip)) return { open: () => zip, length: zip.length, replayable: true };
  if (typeof zip === 'string')
    return { open: () => createReadStream(zip), length: statSync(zip).size, replayable: true };
  if (zip instanceof Readable) return { open: () => zip, replayable: false };
  return { open: zip.open, length: zip.length, replayable: true };
}

function isBroken(err: unknown): boolean {
  // Duck-typed: a system error may come from another realm (a VM context), where instanceof fails.
  return err instanceof ConnectionError || typeof (err as { code?: unknown } | null)?.code === 'string';
}

function toDownload(answer: Answer): Download {
  const length = answer.headers['content-length'];
  return {
    stream: answer.body,
    size: length === undefined ? null : Number(length),
    status: answer.status,
    headers: answer.headers,
  };
}

/** Quotes one argument for `sh -c`. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
