import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { AppConfig } from '../common/config/app-config';
import { ComposeError, TimeoutError, UnavailableError } from '../common/errors/app-error';
import { KeyedMutex } from '../common/keyed-mutex';
import { ComposeCallRecord, RequestContext } from '../common/request-context';
import { cliEnv } from './cli-env';
import { LineStream, lineStreamOf } from './line-stream';
import { ProcessResult, ProcessRunner } from './process-runner';
import { ProjectPaths } from './project-paths';
import { ComposeErrorCode } from './compose.errors';

const STDERR_TAIL_LINES = 20;
const DAEMON_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i;

export interface ComposeCallOptions {
  timeoutMs?: number;
  /** Exit codes that are an answer rather than a failure (e.g. `exec test -f` returning 1). */
  okExitCodes?: number[];
}

/**
 * The one provider that runs `docker compose`. Always passes -p, -f and --project-directory so
 * nothing in the mount (a .env, an override file) changes a project; serialises calls per project
 * while different projects run in parallel; turns failures into typed errors; and records each call
 * in the current request's audit entry.
 */
@Injectable()
export class ComposeRunner {
  private readonly locks = new KeyedMutex();
  /** Fixed at boot: the engine a running service talks to does not change under it. */
  private readonly env = cliEnv();
  private readonly finished = new Subject<ComposeCallRecord>();
  /** Every finished CLI call, request or not (the metrics count them by subcommand). */
  readonly calls: Observable<ComposeCallRecord> = this.finished.asObservable();

  constructor(
    private readonly processes: ProcessRunner,
    private readonly paths: ProjectPaths,
    private readonly config: AppConfig,
    private readonly context: RequestContext,
  ) {}

  /** The argv prefix addressing one project. */
  projectArgv(cuid: string): string[] {
    return [
      this.config.dockerBin,
      'compose',
      '-p',
      cuid,
      '-f',
      this.paths.composeFile(cuid),
      '--project-directory',
      this.paths.dir(cuid),
    ];
  }

  async run(cuid: string, args: string[], options: ComposeCallOptions = {}): Promise<ProcessResult> {
    return this.locks.runExclusive(cuid, () => this.runUnlocked(this.projectArgv(cuid).concat(args), options));
  }

  /**
   * A call that must not queue behind the project's lock (a terminal's signal during a slow `stop`).
   * Never throws for the exit code: the caller decides what an answer means.
   */
  runUnqueued(argv: string[], timeoutMs: number): Promise<ProcessResult> {
    return this.processes.run(argv, { timeoutMs, env: this.env });
  }

  /** A long-running docker process read line by line (`events`, `stats`); the caller closes it. */
  streamLines(args: string[]): LineStream {
    return lineStreamOf(this.processes.start([this.config.dockerBin, ...args], this.env));
  }

  /** A compose command not tied to one project (`version`, `ls`). */
  async runGlobal(args: string[], options: ComposeCallOptions = {}): Promise<ProcessResult> {
    return this.runUnlocked([this.config.dockerBin, 'compose', ...args], options);
  }

  /** A plain docker command (`version`, `ps`, `inspect`) with the same timeouts, errors and audit. */
  async runDocker(args: string[], options: ComposeCallOptions = {}): Promise<ProcessResult> {
    return this.runUnlocked([this.config.dockerBin, ...args], options);
  }

  private async runUnlocked(argv: string[], options: ComposeCallOptions): Promise<ProcessResult> {
    const timeoutMs = options.timeoutMs ?? this.config.composeTimeoutMs;
    const result = await this.processes.run(argv, { timeoutMs, env: this.env });
    const record = { argv, exit_code: result.exitCode, duration_ms: result.durationMs };
    this.context.recordCompose(record);
    this.finished.next(record);
    if (result.timedOut) {
      throw new TimeoutError(ComposeErrorCode.COMPOSE_TIMEOUT, `docker command timed out after ${timeoutMs} ms`, {
        timeout_ms: timeoutMs,
        command: argv.slice(1, 3).concat(argv.includes('compose') ? lastVerb(argv) : []),
      });
    }
    if (result.exitCode === 0) return result;
    // An unreachable engine also exits 1: it must never pass as an "expected" exit code.
    const expected = result.exitCode !== null && (options.okExitCodes ?? []).includes(result.exitCode);
    if (!expected || DAEMON_DOWN.test(result.stderr)) throw failureOf(argv, result);
    return result;
  }
}

/** `compose up`, `docker inspect`…: a closed set, fit for a metric label. */
export function subcommandOf(argv: string[]): string {
  return argv[1] === 'compose' ? `compose ${lastVerb(argv)[0] ?? ''}` : `docker ${argv[1] ?? ''}`;
}

function lastVerb(argv: string[]): string[] {
  const dirIndex = argv.indexOf('--project-directory');
  return dirIndex >= 0 ? argv.slice(dirIndex + 2, dirIndex + 3) : argv.slice(2, 3);
}

export function stderrTail(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-STDERR_TAIL_LINES);
}

function failureOf(argv: string[], result: ProcessResult): ComposeError | UnavailableError {
  const tail = stderrTail(result.stderr);
  if (DAEMON_DOWN.test(result.stderr)) {
    return new UnavailableError(ComposeErrorCode.DOCKER_UNAVAILABLE, 'The Docker engine is not reachable', {
      stderr: tail,
    });
  }
  return new ComposeError(
    ComposeErrorCode.COMPOSE_FAILED,
    `docker ${argv.includes('compose') ? 'compose ' : ''}${lastVerb(argv).join(' ')} failed`,
    {
      exit_code: result.exitCode,
      stderr: tail,
    },
  );
}
