import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
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

/** The gateway's path; a terminal is `/ws/<cuid>` below it. */
export const TERMINAL_GATEWAY_PATH = '/ws';
const TERMINAL_PATH = /^\/ws\/([^/]*)$/;

export interface PendingSession {
  accepted: AcceptedUpgrade;
  facts: UpgradeFacts;
}

/**
 * Decides every upgrade before a socket exists (credentials, Origin, container, query) and answers
 * refusals as plain HTTP with the error schema; accepted requests go to the gateway's ws server,
 * and the gateway picks up what was decided with `take(req)`.
 */
@Injectable()
export class TerminalUpgradeRouter {
  private readonly logger = new Logger('Terminal');
  private readonly pending = new WeakMap<IncomingMessage, PendingSession>();
  private readonly withRequestIdHeader = new WeakSet<WebSocketServer>();

  constructor(
    private readonly upgrade: TerminalUpgrade,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    private readonly clientAddress: ClientAddress,
  ) {}

  route(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    serverFor: (path: string) => WebSocketServer | undefined,
  ): void {
    this.handle(req, socket, head, serverFor).catch((err: unknown) => {
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      socket.destroy();
    });
  }

  /** What the upgrade decided for this request (once). */
  take(req: IncomingMessage): PendingSession | undefined {
    const session = this.pending.get(req);
    this.pending.delete(req);
    return session;
  }

  private async handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    serverFor: (path: string) => WebSocketServer | undefined,
  ): Promise<void> {
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
    const server = serverFor(TERMINAL_GATEWAY_PATH);
    if (!match || !server) {
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
    this.echoRequestId(server);
    this.pending.set(req, { accepted, facts });
    server.handleUpgrade(req, socket, head, (ws) => server.emit('connection', ws, req));
  }

  private echoRequestId(server: WebSocketServer): void {
    if (this.withRequestIdHeader.has(server)) return;
    this.withRequestIdHeader.add(server);
    server.on('headers', (headers: string[], req: IncomingMessage) => {
      const id = this.pending.get(req)?.facts.requestId;
      if (id) headers.push(`X-Request-Id: ${id}`);
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
