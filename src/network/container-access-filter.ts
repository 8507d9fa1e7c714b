import { Injectable } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { AppConfig } from '../common/config/app-config';
import { ContainerNetwork } from './container-network';

/**
 * Code in a managed container reaches the service through the bridge gateway (the service listens on
 * 0.0.0.0) and could guess the password. Unless ALLOW_CONTAINER_ACCESS, a connection from the
 * containers' subnets is destroyed as it is accepted: before a byte is read, so before
 * authentication, body parsing or a WebSocket upgrade.
 */
@Injectable()
export class ContainerAccessFilter {
  constructor(
    private readonly network: ContainerNetwork,
    private readonly config: AppConfig,
  ) {}

  attach(server: Server): void {
    if (this.config.allowContainerAccess) return;
    server.prependListener('connection', (socket: Socket) => {
      if (this.network.containerSources.has(socket.remoteAddress)) socket.destroy();
    });
  }
}
