import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../common/config/app-config';
import { jsonBody } from '../common/http/json-body';
import { NodeUnavailableError } from './cluster.errors';
import { NodeDirectory } from './node-directory';
import { OwnerCache } from './owner-cache';
import { PeerClient } from './peer-client';
import { chooseNode } from './placement';
import { takePlacement } from './placement-request';
import { SelfNode } from './self-node';
import { RequestProxy } from './request-proxy';

/**
 * `POST /containers` in cluster mode: the body is read (same limits and errors as on one host), its
 * `node`/`placement` taken out, a node chosen, and the create forwarded there, where every other check
 * (host-port conflicts included) runs as on one host. A body that is not JSON goes to the node chosen
 * without placement, unread, and gets that node's refusal.
 */
@Injectable()
export class ClusterCreate {
  private readonly parse: ReturnType<typeof jsonBody>;

  constructor(
    config: AppConfig,
    private readonly self: SelfNode,
    private readonly directory: NodeDirectory,
    private readonly client: PeerClient,
    private readonly owners: OwnerCache,
    private readonly proxy: RequestProxy,
  ) {
    this.parse = jsonBody(config.jsonBodyLimitBytes);
  }

  serve(req: Request, res: Response, next: NextFunction, requestId: string): void {
    // The same test the JSON parser applies: what it would not read is forwarded unread.
    if (!req.is(['application/json', 'application/*+json'])) {
      this.place(req, res, next, requestId, false).catch(next);
      return;
    }
    this.parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      this.place(req, res, next, requestId, true).catch(next);
    });
  }

  private async place(
    req: Request,
    res: Response,
    next: NextFunction,
    requestId: string,
    parsed: boolean,
  ): Promise<void> {
    const body: unknown = req.body;
    const isObject = parsed && typeof body === 'object' && body !== null && !Array.isArray(body);
    const { placement, rest } = isObject
      ? takePlacement(body as Record<string, unknown>)
      : { placement: {}, rest: null };
    const chosen = chooseNode(await this.directory.nodes(), placement);
    const address =
      chosen.hostname === this.self.name ? this.directory.selfAddress : this.directory.peer(chosen.hostname)?.address;
    if (!address) return next(new Error('chosen node has no address'));
    if (!parsed) {
      this.proxy.forward(
        req,
        res,
        next,
        { hostname: chosen.hostname, address },
        () => this.directory.markUnreachable(chosen.hostname),
        {
          'x-request-id': requestId,
        },
      );
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    for (const name of ['idempotency-key', 'origin', 'user-agent'] as const) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let answer;
    try {
      answer = await this.client.call(address, {
        method: 'POST',
        path: req.originalUrl,
        authorization: req.headers.authorization,
        headers,
        body: Buffer.from(JSON.stringify(rest ?? body)),
        // A create may pull an image and run compose: as long as one on a single host may take.
        timeoutMs: 15 * 60_000,
      });
    } catch {
      this.directory.markUnreachable(chosen.hostname);
      return next(new NodeUnavailableError(chosen.hostname));
    }
    const cuid = cuidOf(answer.body);
    if (answer.status < 300 && cuid) this.owners.set(cuid, chosen.hostname);
    res.status(answer.status);
    for (const name of ['content-type', 'etag', 'idempotency-replayed', 'location'] as const) {
      const value = answer.headers[name];
      if (value !== undefined) res.setHeader(name, value);
    }
    res.end(answer.body);
  }
}

function cuidOf(body: Buffer): string | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { cuid?: unknown };
    return typeof parsed.cuid === 'string' ? parsed.cuid : null;
  } catch {
    return null;
  }
}
