import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { ROOT_LABEL } from '../compose/labels';
import { ComposeRunner } from '../compose/compose-runner';
import type { LineStream } from '../compose/line-stream';
import { ProjectPaths } from '../compose/project-paths';
import type { ContainerStatus } from './container.types';
import { DockerContainerEvent, toContainerEvent } from './docker-event';
import { DockerState, InspectResult, statusAfterEvent, toState } from './docker-state';
import { DockerStates } from './docker-states';
import { EventWaits } from './event-waits';

const INSPECT_BATCH = 100;
/**
 * An event gives the new status at once; the details (times, pid, exit code of a stop) come from
 * one inspect once the container has been quiet this long, so a burst (create, start, stop…) costs
 * one CLI call, or none when it ends in `destroy`. GET …/status asks for them at once.
 */
const DETAILS_QUIET_MS = 300;
/** A container whose events never stop (exec after exec) still gets its details this often. */
const DETAILS_MAX_DELAY_MS = 2_000;
/** Longest wait between reconnection attempts: an engine back after a restart is noticed within it. */
const MAX_RETRY_MS = 2_000;
/**
 * How long an operation waits for the event its command caused before it asks `docker inspect`
 * instead. The event is normally there when the command returns; this only bounds a lost one.
 */
const EVENT_WAIT_MS = 1_000;
/** Event numbers kept for containers that are gone, so a late inspect cannot bring one back. */
const MAX_EVENT_SEQS = 10_000;

/**
 * Live Docker state of every managed container, kept in memory from one `docker events` stream
 * (filtered by this instance's root label) and re-synced with one `ps` + batched `inspect` at start
 * and after every stream break. Listing reads only this map: no CLI call per request.
 */
@Injectable()
export class StateCache implements OnApplicationShutdown {
  private readonly logger = new Logger('StateCache');
  private readonly states = new DockerStates();
  /** Containers whose details are not read since their last event: when that came, and the first. */
  private readonly pending = new Map<string, { first: number; last: number }>();
  /** Inspects started by events and not yet applied (GET …/status waits for them). */
  private readonly flushes = new Set<Promise<void>>();
  /** Per container id, the number of its last event: an inspect started before it is older news. */
  private readonly eventSeqs = new Map<string, number>();
  private readonly waits = new EventWaits();
  private events: LineStream | null = null;
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

  /** Changes whenever any container's state does: a listing built at one version is valid until it moves. */
  get version(): number {
    return this.states.version;
  }

  /** A point in the events stream, taken before an operation's command (see statusAfter). */
  mark(): number {
    return this.waits.mark;
  }

  /**
   * The status after a command that succeeded and makes Docker report `action` for the project (an
   * `up` that starts, a `stop`): read from the events stream once it reported that action after
   * `mark`, which costs no CLI call; read like settledStatus when the stream cannot say (it is
   * down, or the event did not come, e.g. because the command had nothing to do).
   */
  async statusAfter(cuid: string, mark: number, action: string, produced: ContainerStatus): Promise<ContainerStatus> {
    if (this.synced && this.events && (await this.waits.waitFor(cuid, action, mark, EVENT_WAIT_MS))) {
      return this.get(cuid)?.status ?? produced;
    }
    return this.settledStatus(cuid, produced);
  }

  /**
   * Resolves once the details (exit code, times, pid) of every event received so far are read: an
   * event carries the new status at once, the rest comes with the inspect it triggers.
   */
  async detailsSettled(): Promise<void> {
    if (this.pending.size > 0) this.flushPending();
    await Promise.all([...this.flushes]);
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
    const since = this.waits.mark;
    const result = await this.compose.runDocker(['inspect', '--type', 'container', `${cuid}-app-1`], {
      timeoutMs: 30_000,
      okExitCodes: [1],
    });
    const found = new Set<string>();
    for (const item of JSON.parse(result.stdout || '[]') as InspectResult[]) {
      const state = toState(item);
      if (state && this.isCurrent(state.id, since)) this.states.set(state);
      if (state) found.add(state.id);
    }
    for (const state of this.states.ofProject(cuid)) {
      if (!found.has(state.id) && this.isCurrent(state.id, since)) this.states.delete(state.id);
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
    this.events?.close();
    this.events = null;
    this.waits.cancelAll();
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
      const since = this.waits.mark;
      // A container removed between `ps` and `inspect` makes inspect exit 1 but still print the rest.
      const result = await this.compose.runDocker(['inspect', ...batch], { timeoutMs: 30_000, okExitCodes: [1] });
      const found = new Set<string>();
      for (const item of JSON.parse(result.stdout || '[]') as InspectResult[]) {
        const state = toState(item);
        if (state) {
          if (this.isCurrent(state.id, since)) this.states.set(state);
          found.add(state.id);
        }
      }
      for (const id of batch) if (!found.has(id) && this.isCurrent(id, since)) this.states.delete(id);
    }
  }

  private openStream(): void {
    if (this.stopped) return;
    const stream = this.compose.streamLines([
      'events',
      '--format',
      '{{json .}}',
      '--filter',
      'type=container',
      '--filter',
      `label=${ROOT_LABEL}=${this.paths.root}`,
    ]);
    this.events = stream;
    stream.lines.subscribe({
      next: (line) => this.onEvent(line),
      complete: () => {
        if (this.events !== stream) return;
        this.events = null;
        this.synced = false;
        this.waits.cancelAll();
        this.scheduleRecovery();
      },
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
    let raw: { id?: string; Action?: string; Actor?: { ID?: string } };
    try {
      raw = JSON.parse(line) as typeof raw;
    } catch {
      return;
    }
    const id = raw.Actor?.ID ?? raw.id;
    if (!id) return;
    const event = toContainerEvent(raw, id);
    this.received.next(event);
    this.rememberEvent(id);
    if (event.action === 'destroy') {
      this.states.delete(id);
      this.pending.delete(id);
    } else {
      this.applyStatus(event);
      const now = performance.now();
      this.pending.set(id, { first: this.pending.get(id)?.first ?? now, last: now });
      this.flushTimer ??= setTimeout(() => this.flushDue(), DETAILS_QUIET_MS);
    }
    // Last, so whoever waited for this event reads the state it left.
    this.waits.received(event);
  }

  /** The event's status now; the inspect it triggers brings the rest (times, pid) shortly after. */
  private applyStatus(event: DockerContainerEvent): void {
    const known = this.states.byId(event.containerId);
    // The engine may number its `oom` after the `die` it caused; either way the flag is news.
    if (event.action === 'oom' && known) {
      this.states.set({ ...known, oom_killed: true });
      return;
    }
    const status = statusAfterEvent(event.action);
    if (status === null || event.cuid === null) return;
    const exitCode = event.action === 'die' ? event.exitCode : status === 'stopped' ? (known?.exit_code ?? null) : null;
    this.states.set({
      id: event.containerId,
      cuid: event.cuid,
      created: known?.created ?? new Date(event.timeMs).toISOString(),
      status,
      exit_code: exitCode,
      started_at: known?.started_at ?? null,
      finished_at: known?.finished_at ?? null,
      restart_count: known?.restart_count ?? 0,
      // A start clears the engine's OOMKilled, as inspect would show.
      oom_killed: status === 'running' && event.action === 'start' ? false : (known?.oom_killed ?? false),
      pid: status === 'running' || status === 'paused' ? (known?.pid ?? null) : null,
    });
  }

  /** Reads the details of the containers that are due; waits on for the others. */
  private flushDue(): void {
    this.flushTimer = null;
    const now = performance.now();
    const due = (t: { first: number; last: number }): boolean =>
      now - t.last >= DETAILS_QUIET_MS || now - t.first >= DETAILS_MAX_DELAY_MS;
    this.flushPending([...this.pending].filter(([, t]) => due(t)).map(([id]) => id));
    if (this.pending.size === 0) return;
    const next = Math.min(
      ...[...this.pending.values()].map((t) => Math.min(t.last + DETAILS_QUIET_MS, t.first + DETAILS_MAX_DELAY_MS)),
    );
    this.flushTimer = setTimeout(() => this.flushDue(), Math.max(1, next - now));
  }

  private flushPending(ids = [...this.pending.keys()]): void {
    if (ids.length === this.pending.size && this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    for (const id of ids) this.pending.delete(id);
    if (ids.length === 0) return;
    const flush = this.inspect(ids)
      .catch((err: Error) => this.logger.warn(`inspect after event failed: ${err.message}`))
      .finally(() => this.flushes.delete(flush));
    this.flushes.add(flush);
  }

  private rememberEvent(id: string): void {
    this.eventSeqs.delete(id);
    this.eventSeqs.set(id, this.waits.mark + 1);
    // Oldest first (re-inserted on every event): what is dropped is long settled.
    for (const old of this.eventSeqs.keys()) {
      if (this.eventSeqs.size <= MAX_EVENT_SEQS) break;
      this.eventSeqs.delete(old);
    }
  }

  /** False when the container had an event after `since`: what an inspect begun then says is older. */
  private isCurrent(id: string, since: number): boolean {
    return (this.eventSeqs.get(id) ?? 0) <= since;
  }
}
