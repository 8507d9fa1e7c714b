import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LiveStreams } from '../common/http/live-streams';
import { wantsEventStream } from '../common/http/sse-stream';
import { ComposeRunner } from '../compose/compose-runner';
import { killGroup } from '../compose/process-runner';
import { ContainersService } from '../containers/containers.service';
import { StateCache } from '../containers/state-cache';
import { LineSplitter } from './line-splitter';
import { LogSink, LogSource, SseSink, TextSink } from './log-sinks';
import type { LogsQueryDto } from './logs-query.dto';

/**
 * boot.py's output through one `docker logs` child per request: stdout and stderr arrive on separate
 * pipes and stay apart; output is passed on as it comes with the response's backpressure (the child
 * is paused, never buffered); the child dies when the client leaves or the container is removed.
 */
@Injectable()
export class LogsService implements BeforeApplicationShutdown {
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly containers: ContainersService,
    private readonly cache: StateCache,
    private readonly compose: ComposeRunner,
    private readonly streams: LiveStreams,
  ) {}

  async stream(cuid: string, query: LogsQueryDto, req: Request, res: Response): Promise<void> {
    await this.containers.get(cuid);
    const sink: LogSink = wantsEventStream(req.headers.accept)
      ? new SseSink(this.streams.start(res))
      : new TextSink(res);
    const container = this.cache.get(cuid);
    // A container never created by Docker (or already gone) has no output yet.
    if (!container) return sink.end('no_output');
    const child = this.compose.startLong(logsArgs(query, container.id));
    this.children.add(child);
    const stop = (): void => killGroup(child, 'SIGTERM');
    res.once('close', stop);
    const removal = this.cache.dockerEvents.subscribe((e) => {
      if (e.containerId === container.id && e.action === 'destroy') stop();
    });
    child.once('close', () => {
      this.children.delete(child);
      removal.unsubscribe();
      res.off('close', stop);
      sink.end(query.follow === 'true' ? 'container_gone' : 'done');
    });
    child.on('error', () => undefined);
    child.stdin?.end();
    pump(child, query.stream ?? 'all', sink);
  }

  beforeApplicationShutdown(): void {
    for (const child of this.children) killGroup(child, 'SIGTERM');
  }
}

function logsArgs(query: LogsQueryDto, containerId: string): string[] {
  return [
    'logs',
    ...(query.follow === 'true' ? ['--follow'] : []),
    ...(query.tail !== undefined ? ['--tail', query.tail] : []),
    ...(query.since !== undefined ? ['--since', query.since] : []),
    ...(query.timestamps === 'true' ? ['--timestamps'] : []),
    containerId,
  ];
}

function pump(child: ChildProcess, wanted: 'all' | LogSource, sink: LogSink): void {
  const sources: [LogSource, Readable][] = [
    ['stdout', child.stdout!],
    ['stderr', child.stderr!],
  ];
  const active = sources.filter(([name]) => wanted === 'all' || wanted === name);
  const pause = (): void => {
    for (const [, stream] of active) stream.pause();
    sink.whenDrained(() => active.forEach(([, stream]) => stream.resume()));
  };
  // A single source as plain text goes through byte for byte; otherwise whole lines, so two sources never interleave mid-line.
  const passRaw = wanted !== 'all' && sink instanceof TextSink;
  for (const [name, stream] of sources) {
    if (!active.some(([n]) => n === name)) {
      stream.resume();
      continue;
    }
    const lines = new LineSplitter();
    stream.on('data', (chunk: Buffer) => {
      let ok = true;
      if (passRaw) ok = sink.raw(chunk);
      else for (const line of lines.push(chunk)) ok = sink.line(name, line) && ok;
      if (!ok) pause();
    });
    stream.once('end', () => {
      const last = lines.end();
      if (last) sink.line(name, last);
    });
  }
}
