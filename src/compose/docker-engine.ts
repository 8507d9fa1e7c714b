import { Injectable } from '@nestjs/common';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, ComposeError, StateError, UnavailableError } from '../common/errors/app-error';
import type {
  ContainerEngine,
  ContainerState,
  ExecResult,
  ExecSpec,
  LogsRequest,
  StartedExec,
} from './container-engine';
import { EngineDemuxer } from './engine-demuxer';
import { engineSocketPath } from './engine-socket';
import { EngineStream } from './engine-stream';
import { ROOT_LABEL } from './labels';
import { ProjectPaths } from './project-paths';
import { ComposeErrorCode } from './compose.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

const REQUEST_TIMEOUT_MS = 15_000;
const IDLE_SOCKET_MS = 2_000;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_CAPTURE = 16 * 1024;
const EXIT_POLL_MS = 20;
const EXIT_POLL_TRIES = 100;

interface Answer {
  status: number;
  body: Buffer;
}

/**
 * The Docker Engine API over its unix socket (DOCKER_HOST when it is `unix://…`), for the terminal:
 * a session is one HTTP connection to dockerd instead of a `docker compose exec` CLI (two Go processes)
 * on a local pty. Short calls share kept-alive connections; exec and attach streams get their own,
 * hijacked (`Upgrade: tcp`) as the CLI does. Every project operation still goes through compose.
 */
@Injectable()
export class DockerEngine implements ContainerEngine {
  /** Kept-alive connections for short calls; idle ones are few and closed after a moment, so descriptors settle. */
  private readonly agent = new http.Agent({
    keepAlive: true,
    maxSockets: 16,
    maxFreeSockets: 4,
    timeout: IDLE_SOCKET_MS,
  });
  /** Fixed at boot, like the CLI's environment; a DOCKER_HOST it cannot speak fails each session, not the boot. */
  private readonly socket: () => string;

  constructor(private readonly paths: ProjectPaths) {
    try {
      const socketPath = engineSocketPath();
      this.socket = () => socketPath;
    } catch (err) {
      this.socket = () => {
        throw err;
      };
    }
  }

  async serviceContainer(project: string, service: string): Promise<string | null> {
    const filters = JSON.stringify({
      label: [
        `com.docker.compose.project=${project}`,
        `com.docker.compose.service=${service}`,
        `${ROOT_LABEL}=${this.paths.root}`,
      ],
    });
    const list = (await this.json('GET', `/containers/json?filters=${encodeURIComponent(filters)}`)) as {
      Id?: string;
    }[];
    const id = list[0]?.Id;
    return typeof id === 'string' && /^[0-9a-f]{64}$/.test(id) ? id : null;
  }

  async startExec(containerId: string, spec: ExecSpec): Promise<StartedExec> {
    const id = await this.createExec(containerId, spec.cmd, spec.env, spec.tty, true);
    const socket = await this.hijack(`/exec/${id}/start`, { Detach: false, Tty: spec.tty });
    return { id, stream: new EngineStream(socket, !spec.tty, socket) };
  }

  async runExec(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const started = performance.now();
    const id = await this.createExec(containerId, cmd, [], false, false);
    const body = Buffer.from(JSON.stringify({ Detach: false, Tty: false }));
    const captured: Buffer[] = [];
    let size = 0;
    const demuxer = new EngineDemuxer((_stream, chunk) => {
      if (size < MAX_CAPTURE) captured.push(Buffer.from(chunk));
      size += chunk.length;
    });
    const timedOut = await new Promise<boolean>((resolve, reject) => {
      const req = this.send('POST', `/exec/${id}/start`, body, (res) => {
        res.on('data', (chunk: Buffer) => demuxer.push(chunk));
        res.on('end', () => resolve(false));
        res.on('error', () => resolve(false));
      });
      req.setTimeout(timeoutMs, () => {
        req.destroy();
        resolve(true);
      });
      req.on('error', (err) => reject(unreachable(err)));
    });
    const exitCode = timedOut ? null : await this.execExitCode(id);
    return {
      exitCode,
      timedOut,
      durationMs: Math.round(performance.now() - started),
      output: Buffer.concat(captured).toString('utf8').slice(0, MAX_CAPTURE),
    };
  }

  async resizeExec(execId: string, cols: number, rows: number): Promise<void> {
    await this.json('POST', `/exec/${execId}/resize?h=${rows}&w=${cols}`);
  }

  /** The stream can end a moment before the engine has recorded the exit: ask again briefly. */
  async execExitCode(execId: string): Promise<number | null> {
    for (let i = 0; i < EXIT_POLL_TRIES; i++) {
      const state = (await this.json('GET', `/exec/${execId}/json`)) as { Running?: boolean; ExitCode?: number | null };
      if (!state.Running) return typeof state.ExitCode === 'number' ? state.ExitCode : null;
      await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
    }
    return null;
  }

  async followLogs(containerId: string, tail: number): Promise<EngineStream> {
    return this.logs(containerId, { follow: true, tail: String(tail), timestamps: false });
  }

  async logs(containerId: string, request: LogsRequest): Promise<EngineStream> {
    const tty = await this.hasTty(containerId);
    const query = new URLSearchParams({
      follow: request.follow ? '1' : '0',
      stdout: '1',
      stderr: '1',
      tail: request.tail,
      timestamps: request.timestamps ? '1' : '0',
      ...(request.since !== undefined ? { since: request.since } : {}),
    });
    const path = `/containers/${containerId}/logs?${query.toString()}`;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = this.send('GET', path, null, resolve, false);
      req.on('error', (err) => reject(unreachable(err)));
    });
    if (res.statusCode !== 200) throw failure('GET', '/containers/{id}/logs', await readAll(res), res.statusCode);
    return new EngineStream(res, !tty, null);
  }

  async attachStdin(containerId: string): Promise<EngineStream> {
    const socket = await this.hijack(`/containers/${containerId}/attach?stream=1&stdin=1&stdout=0&stderr=0`, null);
    return new EngineStream(socket, false, socket);
  }

  async containerState(containerId: string): Promise<ContainerState> {
    const info = (await this.json('GET', `/containers/${containerId}/json`)) as {
      State?: { Running?: boolean; ExitCode?: number };
    };
    const running = info.State?.Running === true;
    return { running, exitCode: !running && typeof info.State?.ExitCode === 'number' ? info.State.ExitCode : null };
  }

  async kill(containerId: string, signal: string): Promise<void> {
    await this.json('POST', `/containers/${containerId}/kill?signal=${encodeURIComponent(signal)}`);
  }

  private async hasTty(containerId: string): Promise<boolean> {
    const info = (await this.json('GET', `/containers/${containerId}/json`)) as { Config?: { Tty?: boolean } };
    return info.Config?.Tty === true;
  }

  private async createExec(
    containerId: string,
    cmd: string[],
    env: string[],
    tty: boolean,
    stdin: boolean,
  ): Promise<string> {
    const created = (await this.json('POST', `/containers/${containerId}/exec`, {
      AttachStdin: stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      Env: env,
      Cmd: cmd,
    })) as { Id?: string };
    if (typeof created.Id !== 'string' || !/^[0-9a-f]{64}$/.test(created.Id)) {
      throw new ComposeError(ComposeErrorCode.ENGINE_REQUEST_FAILED, 'The engine did not create the exec');
    }
    return created.Id;
  }

  /** A request whose connection becomes the stream (`Upgrade: tcp`), as `docker exec` and `docker attach` do. */
  private hijack(path: string, payload: unknown): Promise<Duplex> {
    const body = payload === null ? null : Buffer.from(JSON.stringify(payload));
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.socket(),
        method: 'POST',
        path,
        agent: false,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'tcp',
          ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}),
        },
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('the engine did not answer in time')));
      req.on('upgrade', (_res, socket, head) => {
        socket.setTimeout(0);
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        void readAll(res).then((text) => reject(failure('POST', templateOf(path), text, res.statusCode)));
      });
      req.on('error', (err) => reject(unreachable(err)));
      req.end(body ?? undefined);
    });
  }

  private async json(method: string, path: string, payload?: unknown): Promise<unknown> {
    const body = payload === undefined ? null : Buffer.from(JSON.stringify(payload));
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = this.send(method, path, body, (res) => {
        void readAll(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('the engine did not answer in time')));
      req.on('error', (err) => reject(unreachable(err)));
    });
    if (answer.status < 200 || answer.status > 299) throw failure(method, templateOf(path), answer.body, answer.status);
    if (answer.body.length === 0) return {};
    try {
      return JSON.parse(answer.body.toString('utf8')) as unknown;
    } catch {
      throw new ComposeError(
        ComposeErrorCode.ENGINE_REQUEST_FAILED,
        `The engine's answer to ${method} ${templateOf(path)} is not JSON`,
      );
    }
  }

  private send(
    method: string,
    path: string,
    body: Buffer | null,
    onResponse: (res: http.IncomingMessage) => void,
    pooled = true,
  ): http.ClientRequest {
    const req = http.request(
      {
        socketPath: this.socket(),
        method,
        path,
        agent: pooled ? this.agent : false,
        headers: body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {},
      },
      onResponse,
    );
    req.end(body ?? undefined);
    return req;
  }
}

function readAll(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

/** Ids out of paths, so error details and logs name the call, not the container. */
function templateOf(path: string): string {
  return path.split('?')[0]!.replace(/[0-9a-f]{64}/g, '{id}');
}

function unreachable(err: Error): AppError {
  return err instanceof AppError
    ? err
    : new UnavailableError(ComposeErrorCode.DOCKER_UNAVAILABLE, 'The Docker engine is not reachable', {
        reason: err.message.slice(0, 200),
      });
}

/** A refusal from the engine: a container gone or stopped (404, 409) is not running; anything else failed. */
function failure(method: string, path: string, body: Buffer, status = 0): AppError {
  let message = body.toString('utf8').slice(0, 500);
  try {
    const parsed = (JSON.parse(message) as { message?: unknown }).message;
    if (typeof parsed === 'string') message = parsed;
  } catch {
    // plain text answer
  }
  if (status === 404 || status === 409) {
    return new StateError(CommonErrorCode.CONTAINER_NOT_RUNNING, 'The container is not running', {
      engine: message.slice(0, 200),
    });
  }
  return new ComposeError(ComposeErrorCode.ENGINE_REQUEST_FAILED, `The engine refused ${method} ${path}`, {
    status,
    engine: message.slice(0, 200),
  });
}
