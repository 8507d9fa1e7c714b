import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { UnavailableError } from '../common/errors/app-error';
import { SessionLimitError, TerminalErrorCode } from './terminal-errors';

/** A running session as the registry sees it. */
export interface LiveSession {
  shutdown(): Promise<unknown>;
}

/** A held place under the session limits; released exactly once. */
export interface SessionSlot {
  attach(session: LiveSession): void;
  /**
   * The session is ending (its processes are being swept): its container may take a new session at
   * once — a client reconnecting after a drop must not be refused for its own dead session — while
   * the total limit still counts it until release, so sweeps stay bounded.
   */
  ending(): void;
  release(): void;
}

/**
 * Counts sessions against TERMINAL_MAX_SESSIONS and TERMINAL_MAX_SESSIONS_PER_CONTAINER, and ends them
 * all when the application shuts down. That happens before Nest closes the HTTP server (which would
 * otherwise wait forever on the open sockets), hence beforeApplicationShutdown.
 */
@Injectable()
export class SessionRegistry implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Terminal');
  private readonly slots = new Set<{ cuid: string; session: LiveSession | null }>();
  private readonly perContainer = new Map<string, number>();
  private closing = false;

  constructor(private readonly config: AppConfig) {}

  get size(): number {
    return this.slots.size;
  }

  /** Sessions open on one container, not counting those being swept (a container with one is never idle). */
  openOn(cuid: string): number {
    return this.perContainer.get(cuid) ?? 0;
  }

  /** Throws SessionLimitError past a limit, UnavailableError while shutting down. */
  reserve(cuid: string): SessionSlot {
    if (this.closing) throw new UnavailableError(TerminalErrorCode.SHUTTING_DOWN, 'The server is shutting down');
    const total = this.config.terminalMaxSessions;
    const perContainer = this.config.terminalMaxSessionsPerContainer;
    if (this.slots.size >= total) {
      throw new SessionLimitError(
        TerminalErrorCode.TOO_MANY_TERMINAL_SESSIONS,
        `At most ${total} terminal sessions may be open`,
        {
          limit: total,
          scope: 'total',
        },
      );
    }
    const onContainer = this.perContainer.get(cuid) ?? 0;
    if (onContainer >= perContainer) {
      throw new SessionLimitError(
        TerminalErrorCode.TOO_MANY_CONTAINER_SESSIONS,
        `At most ${perContainer} terminal sessions may be open on one container`,
        { limit: perContainer, scope: 'container', cuid },
      );
    }
    const slot = { cuid, session: null as LiveSession | null };
    this.slots.add(slot);
    this.perContainer.set(cuid, onContainer + 1);
    let released = false;
    let counted = true;
    const uncount = (): void => {
      if (!counted) return;
      counted = false;
      const left = (this.perContainer.get(cuid) ?? 1) - 1;
      if (left > 0) this.perContainer.set(cuid, left);
      else this.perContainer.delete(cuid);
    };
    return {
      attach: (session) => (slot.session = session),
      ending: uncount,
      release: () => {
        if (released) return;
        released = true;
        this.slots.delete(slot);
        uncount();
      },
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const sessions = [...this.slots].flatMap((s) => (s.session ? [s.session] : []));
    if (sessions.length === 0) return;
    this.logger.log(`ending ${sessions.length} terminal session(s)`);
    // Half the grace at most: the HTTP server and the audit flush still need time before main.ts gives up.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.config.shutdownGraceMs / 2)));
    await Promise.race([Promise.all(sessions.map((s) => s.shutdown())), grace]);
    clearTimeout(timer);
  }
}
