import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log';
import { AppConfig } from '../common/config/app-config';
import { AppError, StateError } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { toAppError } from '../common/errors/to-app-error';
import { ComposeCallRecord, RequestContext } from '../common/request-context';
import { errorFrame } from './frames';
import { ProcessFactory } from './process-factory';
import { SessionRegistry, SessionSlot } from './session-registry';
import { sessionEntry, UpgradeFacts } from './session-audit';
import { SessionLimitError } from './terminal-errors';
import { CLOSE_NORMAL, SessionSocket, TerminalSession } from './terminal-session';
import type { AcceptedUpgrade } from './terminal-upgrade';
import { CommonErrorCode } from '../common/errors/error-codes';
import { JsonTextFrames } from './json-text-frames';

const HEARTBEAT_MS = 15_000;
const CLOSE_TRY_AGAIN_LATER = 1013;

/** Turns an accepted upgrade into a running session, and audits it when it ends. */
@Injectable()
export class TerminalSessions {
  private readonly logger = new Logger('Terminal');

  constructor(
    private readonly registry: SessionRegistry,
    private readonly processes: ProcessFactory,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly config: AppConfig,
    private readonly frames: JsonTextFrames,
  ) {}

  async open(ws: SessionSocket, accepted: AcceptedUpgrade, facts: UpgradeFacts): Promise<void> {
    // Frames sent right after the handshake wait in the socket until the process exists.
    ws.pause();
    const compose: ComposeCallRecord[] = [];
    const record = (call: ComposeCallRecord): number => compose.push(call);
    const { user, cuid, query } = accepted;
    const report = (summary: { exitCode: number | null; bytesIn: number; bytesOut: number }, error?: AppError) =>
      this.audit.write(sessionEntry(facts, { user, cuid, mode: query.mode, compose, ...summary, error }));
    let slot: SessionSlot | null = null;
    let session: TerminalSession;
    try {
      if (accepted.status !== 'running') {
        throw new StateError(CommonErrorCode.CONTAINER_NOT_RUNNING, 'The container is not running', {
          cuid,
          status: accepted.status,
        });
      }
      const reserved = this.registry.reserve(cuid);
      slot = reserved;
      const state = { requestId: facts.requestId, startedAt: facts.started, user, cuid, compose };
      const sessionId = randomUUID();
      const proc = await this.context.run(state, () => this.processes.start({ cuid, sessionId, query, record }));
      session = new TerminalSession(ws, proc, {
        requestId: facts.requestId,
        withStack: this.config.isDevelopment,
        heartbeatMs: HEARTBEAT_MS,
        maxQueuedInput: this.config.terminalStdinMaxQueuedBytes,
        onEnding: () => reserved.ending(),
        binaryOutput: query.output === 'binary',
        frames: this.frames,
      });
    } catch (err) {
      slot?.release();
      const error = toAppError(err);
      if (!(err instanceof AppError))
        this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      ws.send(
        errorFrame(toErrorBody(error, facts.requestId, this.config.isDevelopment)),
        { binary: false },
        () => undefined,
      );
      ws.resume(); // the closing handshake needs to read the client's close frame
      ws.close(error instanceof SessionLimitError ? CLOSE_TRY_AGAIN_LATER : CLOSE_NORMAL);
      report({ exitCode: null, bytesIn: 0, bytesOut: 0 }, error);
      return;
    }
    slot.attach(session);
    session.start();
    const summary = await session.finished;
    slot.release();
    report(summary);
  }
}
