import { existsSync, rmSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';

/**
 * A unix-socket relay in front of the real Docker socket. Pointing the service's DOCKER_HOST at it
 * lets a test take "the engine" away and bring it back without stopping the real daemon (which
 * other containers on the host depend on).
 */
export class DockerProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly path: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  get dockerHost(): string {
    return `unix://${this.path}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    if (existsSync(this.path)) rmSync(this.path);
    const server = createServer((client) => {
      const upstream = connect(this.target);
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    this.server = server;
  }

  /** Refuses new connections and cuts every open one (the `docker events` stream included). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
    if (existsSync(this.path)) rmSync(this.path);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
