import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { TerminalSessions } from './terminal-sessions';
import { TERMINAL_GATEWAY_PATH, TerminalUpgradeRouter } from './terminal-upgrade-router';

/** Largest client frame; larger ones close the socket with 1009 (ws enforces it while reading). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** `/ws/:cuid`: one terminal session per socket, opened with what the upgrade already decided. */
@WebSocketGateway({ path: TERMINAL_GATEWAY_PATH, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false })
export class TerminalGateway implements OnGatewayConnection {
  constructor(
    private readonly router: TerminalUpgradeRouter,
    private readonly sessions: TerminalSessions,
  ) {}

  handleConnection(client: WebSocket, req: IncomingMessage): void {
    const pending = this.router.take(req);
    if (!pending) {
      // Only the router hands sockets to this server; anything else is not a checked session.
      client.terminate();
      return;
    }
    void this.sessions.open(client, pending.accepted, pending.facts);
  }
}
