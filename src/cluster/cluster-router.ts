import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../common/config/app-config';
import { stateOf } from '../common/http/request-state';
import { isCuid } from '../containers/cuid';
import { AuditStamps } from './audit-stamps';
import { ClusterCreate } from './cluster-create';
import { ClusterEvents } from './cluster-events';
import { ClusterListing } from './cluster-listing';
import { NodeUnavailableError } from './cluster.errors';
import { forwardedBy } from './forwarded';
import { NodeDirectory } from './node-directory';
import { OwnerLocator } from './owner-locator';
import { RequestProxy } from './request-proxy';

const LIST = /^\/containers\/?$/i;
const EVENTS = /^\/events\/?$/i;
const ONE = /^\/containers\/([^/]+)(\/.*)?$/i;

/**
 * Cluster mode's routing layer: after auth and the Origin check, before any body is read or a route
 * runs. A request a peer forwarded (X-CM-Forwarded) is served here, never forwarded again; otherwise
 * a container's routes go to its owner, the listing and /events are merged, a create is placed. Everything else,
 * and every container this node owns, falls through to the same controllers as on one host.
 */
@Injectable()
export class ClusterRouter {
  constructor(
    private readonly config: AppConfig,
    private readonly locator: OwnerLocator,
    private readonly directory: NodeDirectory,
    private readonly proxy: RequestProxy,
    private readonly listing: ClusterListing,
    private readonly creator: ClusterCreate,
    private readonly stamps: AuditStamps,
    private readonly events: ClusterEvents,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (!this.config.clusterMode || forwardedBy(req) !== null) return next();
    const path = req.path;
    const state = stateOf(req);
    const requestId = state?.requestId ?? '';
    if (LIST.test(path)) {
      if (req.method === 'GET') return void this.listing.serve(req, res, next).catch(next);
      if (req.method === 'POST') return this.creator.serve(req, res, next, requestId);
      return next();
    }
    if (EVENTS.test(path) && req.method === 'GET') return this.events.serve(req, res, next, requestId);
    const match = ONE.exec(path);
    const cuid = match?.[1] ?? '';
    if (!isCuid(cuid)) return next();
    this.locator.locate(cuid, req.headers.authorization).then((owner) => {
      switch (owner.kind) {
        case 'local':
        case 'none':
          return next();
        case 'down':
          this.note(req, cuid, owner.hostname);
          return next(new NodeUnavailableError(owner.hostname));
        case 'peer':
          this.note(req, cuid, owner.record.hostname);
          this.proxy.forward(
            req,
            res,
            next,
            owner.record,
            () => this.directory.markUnreachable(owner.record.hostname),
            { 'x-request-id': requestId },
          );
      }
    }, next);
  }

  private note(req: Request, cuid: string, owner: string): void {
    const state = stateOf(req);
    if (!state) return;
    state.cuid = cuid;
    state.action ??= 'cluster.forward';
    this.stamps.noteOwner(state.requestId, owner);
  }
}
