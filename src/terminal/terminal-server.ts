import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AuditLog } from '../audit/audit-log';
import { AppConfig } from '../common/config/app-config';
import { NotFoundError } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { requestIdFrom } from '../common/http/request-id';
import { isCuid } from '../compose/project-paths';
import { refuseUpgrade } from './http-refusal';
import { refusalEntry, UpgradeFacts } from './session-audit';
import { TerminalSessions } from './terminal-sessions';
import { TerminalUpgrade, UpgradeRefusal } from './terminal-upgrade';

/** Largest client frame; larger ones close the socket with 1009 (ws enforces it while reading). */
export const MAX_FRAME_BYTES = 1024 * 1024;
const TERMINAL_PATH = /^\/ws\/([^/]*)$/;

/**
 * Serves `/ws/:cuid` on the application's own HTTP server. Nest's WsAdapter matches exact paths and can
 * only refuse after the handshake, but credentials, Origin and the container must be checked before a
 * socket exists, so this listens to `upgrade` itself and hands accepted requests to `ws`.
 */
@Injectable()
export class TerminalServer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Terminal');
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly requestIds = new WeakMap<IncomingMessage, string>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly upgrade: TerminalUpgrade,
    private readonly sessions: TerminalSessions,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      const id = this.requestIds.get(req);
      if (id) headers.push(`X-Request-Id: ${id}`);
    });
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handle(server, req, socket, head).catch((err: unknown) => {
        this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        socket.destroy();
      });
    });
  }

  private async handle(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Until the upgrade, a reset connection must not crash the process with an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://upgrade.invalid');
    const facts: UpgradeFacts = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      remote: req.socket.remoteAddress ?? null,
      path: url.pathname.slice(0, 200),
      openedAt: new Date(),
      started: performance.now(),
    };
    const match = TERMINAL_PATH.exec(url.pathname);
    if (!match) {
      // Another listener (a Nest gateway, say) may own this path; only answer when nobody else can.
      if (server.listenerCount('upgrade') > 1) return;
      this.refuse(socket, facts, new UpgradeRefusal(new NotFoundError('ROUTE_NOT_FOUND', 'No such route'), null));
      return;
    }
    const segment = safeDecode(match[1] ?? '');
    let accepted;
    try {
      accepted = await this.upgrade.check(req, segment, url.searchParams);
    } catch (err) {
      if (!(err instanceof UpgradeRefusal)) throw err;
      this.refuse(socket, facts, err, isCuid(segment) ? segment : null);
      return;
    }
    if (socket.destroyed) return;
    this.requestIds.set(req, facts.requestId);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      void this.sessions.open(ws, accepted, facts);
    });
  }

  private refuse(socket: Duplex, facts: UpgradeFacts, refusal: UpgradeRefusal, cuid: string | null = null): void {
    refuseUpgrade(socket, refusal.error, toErrorBody(refusal.error, facts.requestId, this.config.isDevelopment));
    this.audit.write(refusalEntry(facts, refusal.user, cuid, refusal.error));
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
