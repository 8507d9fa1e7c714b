import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Observable, Subject } from 'rxjs';
import { ROOT_LABEL } from '../compose/labels';
import { ComposeRunner } from '../compose/compose-runner';
import { killGroup } from '../compose/process-runner';
import { ProjectPaths } from '../compose/project-paths';
import type { ContainerStatus } from './container.types';
import { DockerContainerEvent, toContainerEvent } from './docker-event';
import { DockerStates } from './docker-states';

const PROJECT_LABEL = 'com.docker.compose.project';
const INSPECT_BATCH = 100;
const COALESCE_MS = 25;
/** Longest wait between reconnection attempts: an engine back after a restart is noticed within it. */
const MAX_RETRY_MS = 2_000;

export interface DockerState {
  id: string;
  cuid: string;
  created: string;
  status: ContainerStatus;
  exit_code: number | null;
  started_at: string | null;
  finished_at: string | null;
  restart_count: number;
  oom_killed: boolean;
  pid: number | null;
}

interface InspectResult {
  Id: string;
  Created: string;
  RestartCount?: number;
  Config?: { Labels?: Record<string, string> };
  State: {
    Status: string;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    OOMKilled: boolean;
    Pid: number;
  };
}

/**
 * Live Docker state of every managed container, kept in memory from one `docker events` stream
 * (filtered by this instance's root label) and re-synced with one `ps` + batched `inspect` at start
 * and after every stream break. Listing reads only this map: no CLI call per request.
 */
@Injectable()
export class StateCache implements OnApplicationShutdown {
  private readonly logger = new Logger('StateCache');
  private readonly states = new DockerStates();
  private readonly pending = new Set<string>();
  private events: ChildProcess | null = null;
  private synced = false;
  /** The re-sync requests are waiting on, so an outage costs one `docker ps`, not one per request. */
  private syncing: Promise<void> | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 500;
  private readonly resyncHooks: (() => Promise<void>)[] = [];
  private readonly received = new Subject<DockerContainerEvent>();
  /** Every event of the one `docker events` stream, for the live `/events` feed (no second stream). */
  readonly dockerEvents: Observable<DockerContainerEvent> = this.received.asObservable();

  constructor(
    private readonly compose: ComposeRunner,
    private readonly paths: ProjectPaths,
  ) {}

  /** Starts the events stream, then re-syncs; resolves once the first sync is done (or failed). */
  async start(): Promise<void> {
    this.openStream();
    await this.resync().catch((err: Error) => this.logger.warn(`initial sync failed: ${err.message}`));
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** The newest Docker container of a project, if any. */
  get(cuid: string): DockerState | undefined {
    return this.states.newest(cuid);
  }

  all(): DockerState[] {
    return this.states.all();
  }

  /** Throws 503 when the engine cannot be reached and the cache cannot be trusted. */
  async ensureSynced(): Promise<void> {
    if (this.synced) return;
    this.syncing ??= this.resync().finally(() => {
      this.syncing = null;
    });
    await this.syncing;
  }

  /**
   * Re-reads one project's container now (after an operation, so its answer shows the new state):
   * one `inspect` by the name compose gives the single service's container.
   */
  async refreshProject(cuid: string): Promise<DockerState | undefined> {
    const result = await this.compose.runDocker(['inspect', '--type', 'container', `${cuid}-app-1`], {
      timeoutMs: 30_000,
      okExitCodes: [1],
    });
    this.forget(cuid);
    for (const item of JSON.parse(result.stdout || '[]') as InspectResult[]) {
      const state = toState(item);
      if (state) this.states.set(state);
    }
    return this.get(cuid);
  }

  /**
   * The status after an operation that succeeded: Docker's own, or, when the engine cannot be asked
   * this moment, the status the operation produced. An error here would deny a change that was made.
   * The cache is then marked stale, so the next read re-syncs (or answers 503) rather than guess.
   */
  async settledStatus(cuid: string, produced: ContainerStatus): Promise<ContainerStatus> {
    try {
      return (await this.refreshProject(cuid))?.status ?? 'created';
    } catch (err) {
      this.logger.warn(`re-reading ${cuid} after a change failed: ${(err as Error).message}`);
      this.synced = false;
      return produced;
    }
  }

  /** Runs after every successful re-sync that follows an events stream break (an engine restart). */
  afterResync(hook: () => Promise<void>): void {
    this.resyncHooks.push(hook);
  }

  /** The cached state when the cache is in sync with the engine, else a fresh read. */
  async current(cuid: string): Promise<DockerState | undefined> {
    return this.synced ? this.get(cuid) : this.refreshProject(cuid);
  }

  forget(cuid: string): void {
    this.states.deleteProject(cuid);
  }

  async resync(): Promise<void> {
    const ids = await this.listIds();
    const fresh = new Set(ids);
    for (const id of this.states.ids()) if (!fresh.has(id)) this.states.delete(id);
    await this.inspect(ids);
    this.synced = this.events !== null;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.events) killGroup(this.events, 'SIGTERM');
    this.events = null;
  }

  private async listIds(): Promise<string[]> {
    const result = await this.compose.runDocker(
      ['ps', '-aq', '--no-trunc', '--filter', `label=${ROOT_LABEL}=${this.paths.root}`],
      { timeoutMs: 30_000 },
    );
    return result.stdout.split('\n').filter((l) => l.trim() !== '');
  }

  private async inspect(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += INSPECT_BATCH) {
      const batch = ids.slice(i, i + INSPECT_BATCH);
      // A container removed between `ps` and `inspect` makes inspect exit 1 but still print the rest.
      const result = await this.compose.runDocker(['inspect', ...batch], { timeoutMs: 30_000, okExitCodes: [1] });
      const found = new Set<string>();
      for (const item of JSON.parse(result.stdout || '[]') as InspectResult[]) {
        const state = toState(item);
        if (state) {
          this.states.set(state);
          found.add(state.id);
        }
      }
      for (const id of batch) if (!found.has(id)) this.states.delete(id);
    }
  }

  private openStream(): void {
    if (this.stopped) return;
    const child = this.compose.startLong([
      'events',
      '--format',
      '{{json .}}',
      '--filter',
      'type=container',
      '--filter',
      `label=${ROOT_LABEL}=${this.paths.root}`,
    ]);
    this.events = child;
    child.stdin?.end();
    child.stderr?.resume();
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => this.onEvent(line));
    child.on('error', () => undefined);
    child.on('close', () => {
      if (this.events !== child) return;
      this.events = null;
      this.synced = false;
      this.scheduleRecovery();
    });
  }

  /**
   * After a stream break (an engine restart): reopen the stream, then re-sync, retrying with back-off
   * until both worked, so the cache resumes without waiting for a request to ask.
   */
  private scheduleRecovery(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.events) this.openStream();
      this.resync().then(
        () => {
          this.retryDelayMs = 500;
          void this.runResyncHooks();
        },
        () => {
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_MS);
          // A stream that reopened before the engine answered everything else would not break again.
          if (this.events) this.scheduleRecovery();
        },
      );
    }, this.retryDelayMs);
  }

  private async runResyncHooks(): Promise<void> {
    for (const hook of this.resyncHooks) {
      await hook().catch((err: Error) => this.logger.warn(`after re-sync: ${err.message}`));
    }
  }

  private onEvent(line: string): void {
    let event: { id?: string; Action?: string; Actor?: { ID?: string } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    const id = event.Actor?.ID ?? event.id;
    if (!id) return;
    this.received.next(toContainerEvent(event, id));
    if (event.Action === 'destroy') {
      this.states.delete(id);
      this.pending.delete(id);
      return;
    }
    // Events come in bursts (create, attach, start…): one inspect per container per burst.
    this.pending.add(id);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      const ids = [...this.pending];
      this.pending.clear();
      this.inspect(ids).catch((err: Error) => this.logger.warn(`inspect after event failed: ${err.message}`));
    }, COALESCE_MS);
  }
}

export function toApiStatus(dockerStatus: string): ContainerStatus {
  switch (dockerStatus) {
    case 'created':
      return 'created';
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'restarting':
      return 'restarting';
    case 'dead':
      return 'dead';
    default:
      return 'stopped';
  }
}

function toState(item: InspectResult): DockerState | null {
  const cuid = item.Config?.Labels?.[PROJECT_LABEL];
  if (!cuid) return null;
  const time = (t: string): string | null => (t && !t.startsWith('0001-') ? t : null);
  return {
    id: item.Id,
    cuid,
    created: item.Created,
    status: toApiStatus(item.State.Status),
    exit_code: item.State.Status === 'exited' || item.State.Status === 'dead' ? item.State.ExitCode : null,
    started_at: time(item.State.StartedAt),
    finished_at: time(item.State.FinishedAt),
    restart_count: item.RestartCount ?? 0,
    oom_killed: item.State.OOMKilled,
    pid: item.State.Pid > 0 ? item.State.Pid : null,
  };
}
