import { Inject, Injectable } from '@nestjs/common';
import { StateError } from '../common/errors/app-error';
import { ComposeRunner } from '../compose/compose-runner';
import { AttachProcess } from './attach-process';
import { auditArgv, InContainer, Recorder, SERVICE } from './in-container';
import { PipeProcess } from './pipe-process';
import { PtyProcess } from './pty-process';
import { PTY_SPAWN, PtySpawn } from './pty-spawn';
import type { TerminalQuery } from './terminal-query';
import type { TerminalProcess } from './terminal-process';

/** The best shell the image has, as a login shell so the usual profile is read. */
const SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';

export interface ProcessContext {
  cuid: string;
  sessionId: string;
  query: TerminalQuery;
  record: Recorder;
}

/** Starts the Docker side of a session for its mode. */
@Injectable()
export class ProcessFactory {
  constructor(
    @Inject(PTY_SPAWN) private readonly spawnPty: PtySpawn,
    private readonly inContainer: InContainer,
    private readonly compose: ComposeRunner,
  ) {}

  async start(ctx: ProcessContext): Promise<TerminalProcess> {
    switch (ctx.query.mode) {
      case 'shell':
        return this.pty(ctx, ['sh', '-c', SHELL]);
      case 'exec': {
        // One command through `sh -c`, so pipes and redirections work as typed.
        const command = ['sh', '-c', ctx.query.cmd ?? 'true'];
        return ctx.query.tty ? this.pty(ctx, command) : this.pipe(ctx, command);
      }
      case 'attach':
        return this.attach(ctx);
    }
  }

  private pty(ctx: ProcessContext, command: string[]): TerminalProcess {
    const argv = this.inContainer.sessionArgv(ctx.cuid, ctx.sessionId, command);
    const started = performance.now();
    const handle = this.spawnPty(argv, { cols: ctx.query.cols, rows: ctx.query.rows, env: this.compose.cliEnv() });
    handle.onExit(({ exitCode, signal }) =>
      ctx.record({
        argv: auditArgv(argv),
        exit_code: signal ? 128 + signal : exitCode,
        duration_ms: Math.round(performance.now() - started),
      }),
    );
    return new PtyProcess(handle, ctx.cuid, ctx.sessionId, { inContainer: this.inContainer, record: ctx.record });
  }

  private pipe(ctx: ProcessContext, command: string[]): TerminalProcess {
    const argv = this.inContainer.sessionArgv(ctx.cuid, ctx.sessionId, command, false);
    const started = performance.now();
    const child = this.compose.startArgv(argv);
    child.once('close', (code: number | null) =>
      ctx.record({ argv: auditArgv(argv), exit_code: code, duration_ms: Math.round(performance.now() - started) }),
    );
    return new PipeProcess(child, {
      signal: (name) => this.inContainer.signalForeground(ctx.cuid, ctx.sessionId, name, ctx.record),
      sweep: () => this.inContainer.sweep(ctx.cuid, ctx.sessionId, ctx.record),
    });
  }

  private async attach(ctx: ProcessContext): Promise<TerminalProcess> {
    const id = (await this.compose.run(ctx.cuid, ['ps', '-q', SERVICE])).stdout.trim().split('\n')[0] ?? '';
    if (!/^[0-9a-f]{12,64}$/.test(id)) {
      throw new StateError('CONTAINER_NOT_RUNNING', 'The container is not running', { cuid: ctx.cuid });
    }
    const logs = this.compose.startLong(['logs', '--follow', '--tail', String(ctx.query.tail), id]);
    const attach = this.compose.startLong(['attach', '--sig-proxy=false', id]);
    return new AttachProcess({
      logs,
      attach,
      exitCode: async () => {
        const state = await this.compose.runDocker(['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', id]);
        const [running, code] = state.stdout.trim().split(' ');
        return running === 'false' && code !== undefined ? Number(code) : null;
      },
      signal: (name) => this.inContainer.signalMain(ctx.cuid, name, ctx.record),
    });
  }
}
