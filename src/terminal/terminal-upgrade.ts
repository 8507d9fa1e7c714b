import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AuthFailure, BasicAuthenticator } from '../auth/basic-authenticator';
import { AppConfig } from '../common/config/app-config';
import { AppError, NotFoundError, OriginNotAllowedError } from '../common/errors/app-error';
import { isOriginAllowed } from '../common/http/origin-policy';
import { toAppError } from '../common/errors/to-app-error';
import { isCuid } from '../containers/cuid';
import type { ContainerStatus } from '../containers/container.types';
import { ContainersService } from '../containers/containers.service';
import { TooManyHeadersError } from './terminal-errors';
import { parseTerminalQuery, TerminalQuery } from './terminal-query';

/** Node caps header bytes (maxHeaderSize); this caps their number on the upgrade path. */
const MAX_HEADERS = 100;

export interface AcceptedUpgrade {
  user: string;
  cuid: string;
  query: TerminalQuery;
  status: ContainerStatus;
}

/** Why an upgrade was refused, with the user it claimed (for the audit log). */
export class UpgradeRefusal extends Error {
  constructor(
    readonly error: AppError,
    readonly user: string | null,
  ) {
    super(error.message);
  }
}

/**
 * Everything decided from the request alone, before any WebSocket exists: header count, Origin, Basic
 * auth (same check and throttle as HTTP), the cuid and the query. Runtime conditions (container not
 * running, session limits) are reported after the upgrade as `error` frames, which every client can read.
 */
@Injectable()
export class TerminalUpgrade {
  constructor(
    private readonly authenticator: BasicAuthenticator,
    private readonly containers: ContainersService,
    private readonly config: AppConfig,
  ) {}

  async check(req: IncomingMessage, cuidSegment: string, params: URLSearchParams): Promise<AcceptedUpgrade> {
    if (req.rawHeaders.length / 2 > MAX_HEADERS) {
      throw new UpgradeRefusal(new TooManyHeadersError('TOO_MANY_HEADERS', `At most ${MAX_HEADERS} headers`), null);
    }
    if (!isOriginAllowed(req.headers.origin, req.headers.host, this.config.allowedOrigins)) {
      throw new UpgradeRefusal(
        new OriginNotAllowedError('ORIGIN_NOT_ALLOWED', 'This origin may not open a terminal', {
          origin: req.headers.origin?.slice(0, 200),
        }),
        null,
      );
    }
    let user: string;
    try {
      user = await this.authenticator.authenticate(req);
    } catch (failure) {
      if (failure instanceof AuthFailure) throw new UpgradeRefusal(failure.error, failure.attemptedUser);
      throw failure;
    }
    try {
      if (!isCuid(cuidSegment)) {
        throw new NotFoundError('CONTAINER_NOT_FOUND', 'Container not found', { cuid: cuidSegment.slice(0, 64) });
      }
      const query = parseTerminalQuery(params);
      const container = await this.containers.get(cuidSegment);
      return { user, cuid: cuidSegment, query, status: container.status };
    } catch (err) {
      throw new UpgradeRefusal(toAppError(err), user);
    }
  }
}
