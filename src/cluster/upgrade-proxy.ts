import { Injectable, Logger } from '@nestjs/common';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthFailure, BasicAuthenticator } from '../auth/basic-authenticator';
import { AppConfig } from '../common/config/app-config';
import type { AppError } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { requestIdFrom } from '../common/http/request-id';
import { isCuid } from '../containers/cuid';
import { refuseUpgrade } from '../terminal/http-refusal';
import { NodeUnavailableError } from './cluster.errors';
import { forwardedBy, FORWARDED_HEADER } from './forwarded';
import { endToEndHeaders } from './hop-headers';
import { NodeDirectory, type PeerRecord } from './node-directory';
import { OwnerLocator } from './owner-locator';
import { SelfNode } from './self-node';

const TERMINAL = /^\/ws\/([^/?]+)/;

/**
 * Terminal upgrades for a container another node owns: authenticated here first (a forged
 * X-CM-Forwarded from an anonymous client gets the 401 it would get anyway), then the upgrade is sent
 * to the owner, and only once the owner has accepted it (101) are the two sockets piped together. The
 * owner's refusal (its status, headers and error body) reaches the client unchanged.
 */
@Injectable()
export class UpgradeProxy {
  private readonly logger = new Logger('Cluster');

  constructor(
    private readonly config: AppConfig,
    private readonly self: SelfNode,
    private readonly locator: OwnerLocator,
    private readonly directory: NodeDirectory,
    private readonly authenticator: BasicAuthenticator,
  ) {}

  /** True when this upgrade is the cluster's to route: the caller must then leave the socket alone. */
  intercept(req: http.IncomingMessage, socket: Duplex, head: Buffer, local: () => void): boolean {
    if (!this.config.clusterMode || forwardedBy(req) !== null) return false;
    const cuid = safeDecode(TERMINAL.exec(req.url ?? '')?.[1] ?? '');
    if (!isCuid(cuid) || this.locator.knownOwner(cuid) === this.self.name) return false;
    socket.on('error', () => socket.destroy());
    this.route(req, socket, head, cuid, local).catch((err: unknown) => {
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      socket.destroy();
    });
    return true;
  }

  private async route(
    req: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
    cuid: string,
    local: () => void,
  ): Promise<void> {
    try {
      await this.authenticator.authenticate(req);
    } catch (failure) {
      if (!(failure instanceof AuthFailure)) throw failure;
      // The terminal's own upgrade check refuses it, with its audit entry and the same answer as on one host.
      return local();
    }
    const owner = await this.locator.locate(cuid, req.headers.authorization);
    if (owner.kind === 'local' || owner.kind === 'none') return local();
    if (owner.kind === 'down') return this.refuse(req, socket, new NodeUnavailableError(owner.hostname));
    this.pipe(req, socket, head, owner.record);
  }

  private pipe(req: http.IncomingMessage, socket: Duplex, head: Buffer, peer: PeerRecord): void {
    const upstream = http.request({
      host: peer.address.host,
      port: peer.address.port,
      method: req.method,
      path: req.url,
      headers: {
        ...endToEndHeaders(req.headers),
        connection: 'Upgrade',
        upgrade: req.headers.upgrade ?? 'websocket',
        [FORWARDED_HEADER]: this.self.name,
      },
    });
    const timer = setTimeout(
      () => upstream.destroy(new Error('peer did not answer')),
      this.config.clusterPeerTimeoutMs,
    );
    upstream.once('upgrade', (peerRes, peerSocket, peerHead) => {
      clearTimeout(timer);
      socket.write(statusBlock(peerRes));
      if (peerHead.length > 0) socket.write(peerHead);
      if (head.length > 0) peerSocket.write(head);
      peerSocket.on('error', () => socket.destroy());
      socket.on('close', () => peerSocket.destroy());
      peerSocket.on('close', () => socket.destroy());
      peerSocket.pipe(socket).pipe(peerSocket);
    });
    upstream.once('response', (peerRes) => {
      clearTimeout(timer);
      if (peerRes.statusCode === 503) {
        // Its engine is gone (DOCKER_UNAVAILABLE): the node is down, as for REST calls.
        peerRes.resume();
        this.directory.markUnreachable(peer.hostname);
        this.refuse(req, socket, new NodeUnavailableError(peer.hostname));
        return;
      }
      socket.write(statusBlock(peerRes));
      peerRes.pipe(socket);
    });
    upstream.once('error', () => {
      clearTimeout(timer);
      this.directory.markUnreachable(peer.hostname);
      this.refuse(req, socket, new NodeUnavailableError(peer.hostname));
    });
    upstream.end();
  }

  private refuse(req: http.IncomingMessage, socket: Duplex, err: AppError): void {
    const body = toErrorBody(err, requestIdFrom(req.headers['x-request-id']), this.config.isDevelopment);
    refuseUpgrade(socket, err, body);
  }
}

/** The peer's status line and headers as they came (raw, so repeated headers survive). */
function statusBlock(res: http.IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
