import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { StateError, ValidationError } from '../common/errors/app-error';
import { CommonErrorCode } from '../common/errors/error-codes';
import { LiveStreams } from '../common/http/live-streams';
import { wantsEventStream } from '../common/http/sse-stream';
import { CONTAINER_ENGINE, ContainerEngine } from '../compose/container-engine';
import type { EngineStream } from '../compose/engine-stream';
import { ContainersService } from '../containers/containers.service';
import { StateCache } from '../containers/state-cache';
import { engineSince } from './engine-since';
import { LineSplitter } from './line-splitter';
import { LogSink, LogSource, SseSink, TextSink } from './log-sinks';
import type { LogsQueryDto } from './logs-query.dto';

/**
 * boot.py's output through one Engine API log stream per request (no process on the host): stdout
 * and stderr arrive multiplexed and stay apart; output is passed on as it comes with the response's
 * backpressure (the stream is paused, never buffered); the stream ends when the client leaves or the
 * container is removed.
 */
@Injectable()
export class LogsService implements BeforeApplicationShutdown {
  private readonly open = new Set<EngineStream>();

  constructor(
    private readonly containers: ContainersService,
    private readonly cache: StateCache,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly streams: LiveStreams,
  ) {}

  async stream(cuid: string, query: LogsQueryDto, req: Request, res: Response): Promise<void> {
    await this.containers.get(cuid);
    const since = query.since === undefined ? undefined : engineSince(query.since, new Date());
    if (query.since !== undefined && since === undefined) {
      throw new ValidationError(CommonErrorCode.INVALID_SINCE, 'since names no real time', { field: 'since' });
    }
    const container = this.cache.get(cuid);
    // A container never created by Docker (or already gone) has no output yet.
    const logs = container
      ? await this.engine
          .logs(container.id, {
            follow: query.follow === 'true',
            tail: query.tail ?? 'all',
            since,
            timestamps: query.timestamps === 'true',
          })
          .catch((err: unknown) => {
            // Removed between the cache's answer and the engine's: it has no output any more.
            if (err instanceof StateError) return null;
            throw err;
          })
      : null;
    // The answer starts only once the engine has accepted, so its refusals are still plain errors.
    const sink: LogSink = wantsEventStream(req.headers.accept)
      ? new SseSink(this.streams.start(res))
      : new TextSink(res);
    if (!container || !logs) return sink.end('no_output');
    this.open.add(logs);
    const stop = (): void => logs.destroy();
    res.once('close', stop);
    const removal = this.cache.dockerEvents.subscribe((e) => {
      if (e.containerId === container.id && e.action === 'destroy') stop();
    });
    const flushLines = pump(logs, query.stream ?? 'all', sink);
    void logs.closed.then(() => {
      this.open.delete(logs);
      removal.unsubscribe();
      res.off('close', stop);
      flushLines();
      sink.end(query.follow === 'true' ? 'container_gone' : 'done');
    });
  }

  beforeApplicationShutdown(): void {
    for (const logs of this.open) logs.destroy();
  }
}

/** Passes the wanted output to the sink; returns what sends the last unterminated lines at the end. */
function pump(logs: EngineStream, wanted: 'all' | LogSource, sink: LogSink): () => void {
  // A single source as plain text goes through byte for byte; otherwise whole lines, so two sources never interleave mid-line.
  const passRaw = wanted !== 'all' && sink instanceof TextSink;
  const lines: Record<LogSource, LineSplitter> = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  logs.onOutput((name, chunk) => {
    if (wanted !== 'all' && wanted !== name) return;
    let ok = true;
    if (passRaw) ok = sink.raw(chunk);
    else for (const line of lines[name].push(chunk)) ok = sink.line(name, line) && ok;
    if (!ok) {
      logs.pause();
      sink.whenDrained(() => logs.resume());
    }
  });
  return () => {
    for (const name of ['stdout', 'stderr'] as const) {
      const last = lines[name].end();
      if (last && (wanted === 'all' || wanted === name)) sink.line(name, last);
    }
  };
}
