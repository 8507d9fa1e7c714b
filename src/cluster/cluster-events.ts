import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import * as http from 'node:http';
import { decodeVector, encodeVector, parseBlock, type EventVector } from './event-vector';
import { FORWARDED_HEADER } from './forwarded';
import { NodeDirectory } from './node-directory';
import type { PeerAddress } from './peer-address';
import { SelfNode } from './self-node';

interface Upstream {
  hostname: string;
  req: http.ClientRequest;
  res?: http.IncomingMessage;
}

/**
 * `GET /events` in cluster mode: this node's stream and every up peer's, merged into one. Each event
 * gains `node` in its data and an id naming every node's last event (see event-vector), so a client
 * reconnecting with `Last-Event-ID` misses nothing any node still has. This node's answer decides the
 * status (validation errors read as on one host) and carries the heartbeats; a peer's stream that ends
 * only drops that peer (a node that comes back is in the next connection).
 */
@Injectable()
export class ClusterEvents {
  constructor(
    private readonly self: SelfNode,
    private readonly directory: NodeDirectory,
  ) {}

  serve(req: Request, res: Response, next: NextFunction, requestId: string): void {
    const resume = decodeVector(headerOf(req, 'last-event-id')) ?? {};
    const last: EventVector = { ...resume };
    const upstreams: Upstream[] = [];
    const closeAll = (): void => upstreams.forEach((u) => u.req.destroy());
    res.once('close', closeAll);
    const open = (hostname: string, address: PeerAddress, onResponse: (r: http.IncomingMessage) => void): Upstream => {
      const since = resume[hostname];
      const upstream: Upstream = {
        hostname,
        req: http.get({
          host: address.host,
          port: address.port,
          path: req.originalUrl,
          headers: {
            accept: 'text/event-stream',
            'x-request-id': requestId,
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
            ...(since ? { 'last-event-id': since } : {}),
            [FORWARDED_HEADER]: this.self.name,
          },
        }),
      };
      upstream.req.once('response', (r) => {
        upstream.res = r;
        onResponse(r);
      });
      upstream.req.once('error', () => undefined);
      upstreams.push(upstream);
      return upstream;
    };
    const pipeEvents = (upstream: Upstream, r: http.IncomingMessage, withComments: boolean): void => {
      let buffer = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        buffer += chunk.replace(/\r\n?/g, '\n');
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.emit(res, upstream.hostname, block, last, withComments);
          end = buffer.indexOf('\n\n');
        }
        if (res.writableNeedDrain) {
          upstreams.forEach((u) => u.res?.pause());
          res.once('drain', () => upstreams.forEach((u) => u.res?.resume()));
        }
      });
    };
    open(this.self.name, this.directory.selfAddress, (r) => {
      if (r.statusCode !== 200) {
        res.status(r.statusCode ?? 502);
        const type = r.headers['content-type'];
        if (type) res.setHeader('Content-Type', type);
        r.pipe(res);
        closeAll();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      pipeEvents(upstreams[0]!, r, true);
      r.once('end', () => res.end());
      for (const peer of this.directory.peers().filter((p) => p.reachable)) {
        const upstream = open(peer.hostname, peer.address, (pr) => {
          if (pr.statusCode === 200) pipeEvents(upstream, pr, false);
          else pr.resume();
        });
      }
    }).req.once('error', (err) => next(err));
  }

  private emit(res: Response, node: string, block: string, last: EventVector, withComments: boolean): void {
    const event = parseBlock(block);
    if (!event) {
      if (withComments) res.write(`${block}\n\n`);
      return;
    }
    if (event.id !== undefined) last[node] = event.id;
    const data = event.data.join('\n');
    let tagged = data;
    try {
      const parsed = JSON.parse(data) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        tagged = JSON.stringify({ ...parsed, node });
    } catch {
      // not JSON: passed on as it came
    }
    const lines = [`id: ${encodeVector(last)}`];
    if (event.event) lines.push(`event: ${event.event}`);
    for (const line of tagged.split('\n')) lines.push(`data: ${line}`);
    res.write(`${lines.join('\n')}\n\n`);
  }
}

function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
