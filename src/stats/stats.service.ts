import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { availableParallelism } from 'node:os';
import { StateError, UnavailableError } from '../common/errors/app-error';
import { LiveStreams } from '../common/http/live-streams';
import type { SseMessage } from '../common/http/sse-stream';
import { isoWithOffset } from '../common/time';
import { ContainersService } from '../containers/containers.service';
import type { DockerState } from '../containers/docker-state';
import { StateCache } from '../containers/state-cache';
import { Metrics } from '../metrics/metrics';
import { Reading, StatsCollector } from './stats-collector';
import { StatsSample, toSample } from './stats-sample';
import { StatsErrorCode } from './stats.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

const FIRST_SAMPLE_TIMEOUT_MS = 6_000;
const STREAM_INTERVAL_MS = 1_000;

export interface StatsOverview {
  sampled_at: string;
  containers: StatsSample[];
}

/** One sample or a stream of them, for one container or all running ones, from the shared collector. */
@Injectable()
export class StatsService {
  private readonly hostCpus = availableParallelism();

  constructor(
    private readonly collector: StatsCollector,
    private readonly containers: ContainersService,
    private readonly cache: StateCache,
    private readonly streams: LiveStreams,
    private readonly metrics: Metrics,
  ) {}

  async one(cuid: string): Promise<StatsSample> {
    const state = await this.requireRunning(cuid);
    const release = this.collector.acquire();
    try {
      const ok = await this.settle(() => (this.collector.reading(state.id)?.count ?? 0) >= 2);
      const reading = this.collector.reading(state.id);
      if (!reading && !ok)
        throw new UnavailableError(StatsErrorCode.STATS_UNAVAILABLE, 'The engine sent no figures in time');
      if (!reading) throw notRunning(cuid);
      return await this.sampleOf(cuid, reading);
    } finally {
      release();
    }
  }

  async all(): Promise<StatsOverview> {
    await this.cache.ensureSynced();
    const release = this.collector.acquire();
    try {
      await this.settle(() => this.running().every((s) => (this.collector.reading(s.id)?.count ?? 0) >= 2));
      return await this.overview();
    } finally {
      release();
    }
  }

  /** SSE: one `stats` event a second until the client leaves (or the container stops: `end`). */
  async stream(cuid: string | null, res: Response): Promise<void> {
    const state = cuid === null ? null : await this.requireRunning(cuid);
    if (cuid === null) await this.cache.ensureSynced();
    const stream = this.streams.start(res);
    const label = { stream: cuid === null ? 'stats_all' : 'stats' };
    this.metrics.sseClients.inc(label);
    const release = this.collector.acquire();
    let lastSent = 0;
    const subscription = this.collector.frames.subscribe(() => {
      if (Date.now() - lastSent < STREAM_INTERVAL_MS - 100) return;
      lastSent = Date.now();
      this.nextEvent(cuid, state).then(
        (message) => (message?.event === 'end' ? stream.end(message) : message && stream.send(message)),
        () => undefined,
      );
    });
    stream.onClose(() => {
      subscription.unsubscribe();
      release();
      this.metrics.sseClients.dec(label);
    });
  }

  private async nextEvent(cuid: string | null, state: DockerState | null): Promise<SseMessage | null> {
    if (cuid === null || state === null) return { event: 'stats', data: await this.overview() };
    if (this.cache.get(cuid)?.status !== 'running') return { event: 'end', data: { reason: 'not_running' } };
    const reading = this.collector.reading(state.id);
    return reading && reading.count >= 2 ? { event: 'stats', data: await this.sampleOf(cuid, reading) } : null;
  }

  private async overview(): Promise<StatsOverview> {
    const samples = await Promise.all(
      this.running().map((state) => {
        const reading = this.collector.reading(state.id);
        return reading ? this.sampleOf(state.cuid, reading).catch(() => null) : Promise.resolve(null);
      }),
    );
    return { sampled_at: isoWithOffset(new Date()), containers: samples.filter((s) => s !== null) };
  }

  private running(): DockerState[] {
    return this.cache.all().filter((s) => s.status === 'running');
  }

  /** Rejects for a container the API does not know (a leftover the boot sweep has not removed yet). */
  private async sampleOf(cuid: string, reading: Reading): Promise<StatsSample> {
    const container = await this.containers.get(cuid);
    return toSample(cuid, reading, container.resources.cpus, this.hostCpus);
  }

  private async requireRunning(cuid: string): Promise<DockerState> {
    const container = await this.containers.get(cuid);
    const state = this.cache.get(cuid);
    if (container.status !== 'running' || !state) throw notRunning(cuid);
    return state;
  }

  /** Resolves true once `done()` holds after a frame, false after the timeout. */
  private settle(done: () => boolean): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        subscription.unsubscribe();
        resolve(false);
      }, FIRST_SAMPLE_TIMEOUT_MS);
      const subscription = this.collector.frames.subscribe(() => {
        if (!done()) return;
        clearTimeout(timer);
        subscription.unsubscribe();
        resolve(true);
      });
    });
  }
}

function notRunning(cuid: string): StateError {
  return new StateError(CommonErrorCode.CONTAINER_NOT_RUNNING, 'The container is not running', { cuid });
}
