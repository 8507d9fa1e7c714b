import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AuditLog } from '../audit/audit-log';
import { AppConfig } from '../common/config/app-config';
import { NotFoundError } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { ClientAddress } from '../common/http/client-address';
import { requestIdFrom } from '../common/http/request-id';
import { isCuid } from '../containers/cuid';
import { refuseUpgrade } from './http-refusal';
import { refusalEntry, UpgradeFacts } from './session-audit';
import { AcceptedUpgrade, TerminalUpgrade, UpgradeRefusal } from './terminal-upgrade';
import { TerminalSessions } from './terminal-sessions';

/** Largest client frame; larger ones close the socket with 1009 (ws enforces it while reading). */
export const MAX_FRAME_BYTES = 1024 * 1024;
const TERMINAL_PATH = /^\/ws\/([^/]*)$/;

/** Cluster mode's hook: takes an upgrade for a container another node owns (calls `local` to decline late). */
export interface UpgradeInterception {
  intercept(req: IncomingMessage, socket: Duplex, head: Buffer, local: () => void): boolean;
}

/**
 * The whole way of a terminal upgrade, in order: every `upgrade` of the HTTP server comes here; the
 * request is decided before any socket exists (header count, Origin, credentials, container, query,
 * see TerminalUpgrade) and a refusal is plain HTTP with the error schema; an accepted one becomes a
 * WebSocket (with the request id echoed) and goes straight to TerminalSessions.
 *
 * There is no Nest gateway: its exact-path matching cannot express `/ws/:cuid`, its message dispatch
 * was unused (a session reads its own frames), and routing through it needed a side table to carry
 * what the upgrade had decided to the gateway and back.
 */
@Injectable()
export class TerminalUpgradeRouter {
  private readonly logger = new Logger('Terminal');
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });

  constructor(
    private readonly upgrade: TerminalUpgrade,
    private readonly sessions: TerminalSessions,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    private readonly clientAddress: ClientAddress,
  ) {}

  /** Takes every upgrade request of this HTTP server; in cluster mode `cluster` first takes those another node owns. */
  attach(httpServer: Server, cluster?: UpgradeInterception): void {
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const local = (): void => this.route(req, socket, head);
      if (!cluster?.intercept(req, socket, head, local)) local();
    });
  }

  route(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.handle(req, socket, head).catch((err: unknown) => {
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      socket.destroy();
    });
  }

  private async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Until the upgrade, a reset connection must not crash the process with an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://upgrade.invalid');
    const facts: UpgradeFacts = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      remote: this.clientAddress.of(req),
      path: url.pathname.slice(0, 200),
      openedAt: new Date(),
      started: performance.now(),
    };
    const match = TERMINAL_PATH.exec(url.pathname);
    if (!match) {
      this.refuse(socket, facts, new UpgradeRefusal(new NotFoundError('ROUTE_NOT_FOUND', 'No such route'), null));
      return;
    }
    const segment = safeDecode(match[1] ?? '');
    let accepted: AcceptedUpgrade;
    try {
      accepted = await this.upgrade.check(req, segment, url.searchParams);
    } catch (err) {
      if (!(err instanceof UpgradeRefusal)) throw err;
      this.refuse(socket, facts, err, isCuid(segment) ? segment : null);
      return;
    }
    if (socket.destroyed) return;
    const echoRequestId = (headers: string[]): number => headers.push(`X-Request-Id: ${facts.requestId}`);
    // ws writes the 101 answer synchronously within handleUpgrade (no verifyClient), so this
    // listener sees exactly this request's headers.
    this.server.once('headers', echoRequestId);
    this.server.handleUpgrade(req, socket, head, (ws) => void this.sessions.open(ws, accepted, facts));
    this.server.off('headers', echoRequestId);
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
