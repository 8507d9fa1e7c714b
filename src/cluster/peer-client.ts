import { Injectable } from '@nestjs/common';
import * as http from 'node:http';
import { AppConfig } from '../common/config/app-config';
import { FORWARDED_HEADER } from './forwarded';
import type { PeerAddress } from './peer-address';
import { SelfNode } from './self-node';

export interface PeerAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface PeerCall {
  method?: string;
  path: string;
  /** The client's Authorization header; absent: this service's own credentials (background refresh). */
  authorization?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs?: number;
}

/** Largest peer answer read into memory (a page of 500 containers is well below it). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * Small buffered calls to peer instances (probes, pages, lookups, creates), each marked as forwarded
 * so the peer answers from its own node. Proxied client traffic does not come here: it is streamed.
 */
@Injectable()
export class PeerClient {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly config: AppConfig,
    private readonly self: SelfNode,
  ) {}

  get ownAuthorization(): string {
    return `Basic ${Buffer.from(`${this.config.appUser}:${this.config.appPass}`).toString('base64')}`;
  }

  call(peer: PeerAddress, call: PeerCall): Promise<PeerAnswer> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: peer.host,
        port: peer.port,
        method: call.method ?? 'GET',
        path: call.path,
        agent: this.agent,
        headers: {
          ...call.headers,
          authorization: call.authorization ?? this.ownAuthorization,
          [FORWARDED_HEADER]: this.self.name,
          ...(call.body ? { 'content-length': String(call.body.length) } : {}),
        },
      });
      const timer = setTimeout(
        () => req.destroy(new Error('peer did not answer in time')),
        call.timeoutMs ?? this.config.clusterPeerTimeoutMs,
      );
      req.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error('peer answer too large'));
          else chunks.push(chunk);
        });
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      req.end(call.body);
    });
  }

  async json<T>(peer: PeerAddress, call: PeerCall): Promise<{ status: number; body: T }> {
    const answer = await this.call(peer, call);
    return { status: answer.status, body: JSON.parse(answer.body.toString('utf8')) as T };
  }
}
