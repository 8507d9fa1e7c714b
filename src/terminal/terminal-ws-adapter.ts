import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { TerminalUpgradeRouter } from './terminal-upgrade-router';

/** Cluster mode's hook: takes an upgrade for a container another node owns (calls `local` to decline late). */
export interface UpgradeInterception {
  intercept(req: http.IncomingMessage, socket: Duplex, head: Buffer, local: () => void): boolean;
}

/**
 * Nest's WsAdapter, except for how upgrades are routed. The stock adapter matches exact paths and
 * destroys every other socket without an answer; terminals live at `/ws/:cuid` and a refused one
 * must get HTTP 401/403/404 with the error schema before any socket exists.
 */
export class TerminalWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly router: TerminalUpgradeRouter,
    private readonly cluster?: UpgradeInterception,
  ) {
    super(app);
    // The gateway reads frames itself (an `error` frame for each bad one); Nest's event dispatch is unused.
    this.setMessageParser(() => null as never);
  }

  protected override ensureHttpServerExists(port: number, httpServer = http.createServer()): http.Server | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    httpServer.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
      const servers = (this.wsServersRegistry.get(port) ?? []) as (WebSocketServer & { path: string })[];
      const local = (): void => this.router.route(req, socket, head, (path) => servers.find((s) => s.path === path));
      if (!this.cluster?.intercept(req, socket, head, local)) local();
    });
    return httpServer;
  }
}
