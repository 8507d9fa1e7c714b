import type { EngineStream } from './engine-stream';

export interface ExecSpec {
  cmd: string[];
  /** `NAME=value` entries added to the container's environment. */
  env: string[];
  tty: boolean;
}

/** What `GET /containers/{id}/logs` is asked for, in the engine's own terms. */
export interface LogsRequest {
  follow: boolean;
  /** A line count or `all`. */
  tail: string;
  /** Unix seconds, with up to nine decimals (see `engineSince`). */
  since?: string;
  timestamps: boolean;
}

export interface StartedExec {
  id: string;
  stream: EngineStream;
}

export interface ExecResult {
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  /** The start of the output (stdout and stderr together), for error details. */
  output: string;
}

export interface ContainerState {
  running: boolean;
  exitCode: number | null;
}

/**
 * What the terminal needs of the Docker engine, spoken over its API socket: execs with their own
 * connection (no CLI process, no local pty), the main process's stdin and logs, signals.
 */
export interface ContainerEngine {
  /** The running container of a project's service, or null when none runs. */
  serviceContainer(project: string, service: string): Promise<string | null>;
  /** Creates and starts an exec on a hijacked connection (raw with a tty, multiplexed without). */
  startExec(containerId: string, spec: ExecSpec): Promise<StartedExec>;
  /** Runs a short command to its end (no tty, no stdin) and reports its exit code. */
  runExec(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  resizeExec(execId: string, cols: number, rows: number): Promise<void>;
  /** The exit code of an exec, once it has ended (null while it runs). */
  execExitCode(execId: string): Promise<number | null>;
  /** The container's output: the last `tail` lines, then live until it stops. */
  followLogs(containerId: string, tail: number): Promise<EngineStream>;
  /** A container's output, stdout and stderr apart (merged into stdout for a tty container). */
  logs(containerId: string, request: LogsRequest): Promise<EngineStream>;
  /** A connection to the main process's stdin (the container must have stdin_open). */
  attachStdin(containerId: string): Promise<EngineStream>;
  containerState(containerId: string): Promise<ContainerState>;
  /** Sends a signal to the container's main process, e.g. `SIGINT`. */
  kill(containerId: string, signal: string): Promise<void>;
}

export const CONTAINER_ENGINE = Symbol('CONTAINER_ENGINE');
