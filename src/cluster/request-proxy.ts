import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import * as http from 'node:http';
import { AppConfig } from '../common/config/app-config';
import { NodeUnavailableError } from './cluster.errors';
import { FORWARDED_HEADER } from './forwarded';
import { endToEndHeaders } from './hop-headers';
import type { PeerAddress } from './peer-address';
import { PeerClient } from './peer-client';
import { SelfNode } from './self-node';

/**
 * Streams one client request to the owning instance and its answer back, both ways as the bytes come
 * (uploads, downloads, SSE logs): nothing is buffered beyond the sockets' own windows, and either side
 * going away ends the other. A peer that cannot be reached before it answers is a 503 NODE_UNAVAILABLE.
 */
@Injectable()
export class RequestProxy {
  constructor(
    private readonly config: AppConfig,
    private readonly self: SelfNode,
    private readonly client: PeerClient,
  ) {}

  forward(
    req: Request,
    res: Response,
    next: NextFunction,
    target: { hostname: string; address: PeerAddress },
    onUnreachable: () => void,
    extra: Record<string, string> = {},
  ): void {
    const upstream = http.request({
      host: target.address.host,
      port: target.address.port,
      method: req.method,
      path: req.originalUrl,
      agent: this.client.agent,
      headers: { ...endToEndHeaders(req.headers), ...extra, [FORWARDED_HEADER]: this.self.name },
    });
    let answered = false;
    const connectTimer = setTimeout(
      () => upstream.destroy(new Error('peer did not answer in time')),
      this.config.clusterPeerTimeoutMs,
    );
    // Only reaching the peer is bounded: what it then does (a compose up, a followed log) may take long.
    upstream.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    upstream.once('error', () => {
      clearTimeout(connectTimer);
      if (answered) {
        res.destroy();
        return;
      }
      onUnreachable();
      req.unpipe(upstream);
      next(new NodeUnavailableError(target.hostname));
    });
    upstream.once('response', (peerRes) => {
      clearTimeout(connectTimer);
      // A peer answers 503 only when its own engine is gone (DOCKER_UNAVAILABLE): its node is down.
      if (peerRes.statusCode === 503) {
        answered = true;
        peerRes.resume();
        onUnreachable();
        next(new NodeUnavailableError(target.hostname));
        return;
      }
      answered = true;
      res.writeHead(peerRes.statusCode ?? 502, endToEndHeaders(peerRes.headers));
      res.flushHeaders();
      peerRes.pipe(res);
      peerRes.once('error', () => res.destroy());
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}
