import { Inject, Injectable } from '@nestjs/common';
import { StateError } from '../common/errors/app-error';
import { CONTAINER_ENGINE, ContainerEngine } from '../compose/container-engine';
import { AttachProcess } from './attach-process';
import { ExecProcess } from './exec-process';
import { auditArgv, InContainer, Recorder, SERVICE, SESSION_ENV, SessionTarget } from './in-container';
import type { TerminalQuery } from './terminal-query';
import type { TerminalProcess } from './terminal-process';
import { CommonErrorCode } from '../common/errors/error-codes';

/** The best shell the image has, as a login shell so the usual profile is read. */
const SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';

const STOP_POLL_TRIES = 40;
const STOP_POLL_MS = 50;

export interface ProcessContext {
  cuid: string;
  sessionId: string;
  query: TerminalQuery;
  record: Recorder;
}

/** Starts the Docker side of a session for its mode, straight on the engine API. */
@Injectable()
export class ProcessFactory {
  constructor(
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly inContainer: InContainer,
  ) {}

  async start(ctx: ProcessContext): Promise<TerminalProcess> {
    // The project's running container, found by compose's labels: the upgrade only saw the state cache.
    const containerId = await this.engine.serviceContainer(ctx.cuid, SERVICE);
    if (!containerId)
      throw new StateError(CommonErrorCode.CONTAINER_NOT_RUNNING, 'The container is not running', { cuid: ctx.cuid });
    const target = { cuid: ctx.cuid, containerId, sessionId: ctx.sessionId };
    switch (ctx.query.mode) {
      case 'shell':
        return this.exec(ctx, target, ['sh', '-c', SHELL], true);
      case 'exec':
        // One command through `sh -c`, so pipes and redirections work as typed.
        return this.exec(ctx, target, ['sh', '-c', ctx.query.cmd ?? 'true'], ctx.query.tty);
      case 'attach':
        return this.attach(ctx, target);
    }
  }

  private async exec(
    ctx: ProcessContext,
    target: SessionTarget,
    command: string[],
    tty: boolean,
  ): Promise<TerminalProcess> {
    const started = performance.now();
    const exec = await this.engine.startExec(target.containerId, {
      cmd: command,
      // The marker that finds the session's processes for signals and the sweep.
      env: [`${SESSION_ENV}=${ctx.sessionId}`],
      tty,
    });
    const proc = new ExecProcess(exec, tty, {
      engine: this.engine,
      signal: (name) => this.inContainer.signalForeground(target, name, ctx.record),
      sweep: () => this.inContainer.sweep(target, ctx.record),
    });
    // The 1.41 API has no size at create: set it right away, retried like any resize; output written
    // before it lands is rare and harmless.
    if (ctx.query.cols && ctx.query.rows) proc.resize(ctx.query.cols, ctx.query.rows);
    const argv = auditArgv(['engine', 'exec', ...(tty ? ['-t'] : []), ctx.cuid, ...command]);
    proc.onExit((code) => ctx.record({ argv, exit_code: code, duration_ms: Math.round(performance.now() - started) }));
    return proc;
  }

  /** The log can end a moment before the engine records the stop: ask a few times. */
  private async exitCodeOnceStopped(containerId: string): Promise<number | null> {
    for (let i = 0; i < STOP_POLL_TRIES; i++) {
      const state = await this.engine.containerState(containerId);
      if (!state.running) return state.exitCode;
      await new Promise((resolve) => setTimeout(resolve, STOP_POLL_MS));
    }
    return null;
  }

  private async attach(ctx: ProcessContext, target: SessionTarget): Promise<TerminalProcess> {
    const logs = await this.engine.followLogs(target.containerId, ctx.query.tail);
    let attach;
    try {
      attach = await this.engine.attachStdin(target.containerId);
    } catch (err) {
      logs.destroy();
      throw err;
    }
    return new AttachProcess({
      logs,
      attach,
      exitCode: () => this.exitCodeOnceStopped(target.containerId),
      signal: (name) => this.inContainer.signalMain(target, name, ctx.record),
    });
  }
}
