import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { NodeDirectory, type PeerRecord } from './node-directory';
import { UnknownNodeError } from './cluster.errors';
import { mergePages, pageOfDownNode, type DirectoryQuery, type NodePage } from './page-merge';
import type { PeerAddress } from './peer-address';
import { PeerClient, type PeerAnswer } from './peer-client';
import { SelfNode } from './self-node';

/**
 * `GET /containers` across the cluster: every node (this one too, over loopback, so its answer is
 * exactly the single-host one) is asked for `limit` containers after the cursor; the pages are merged
 * and cut, a down node contributing its last-known containers as `unknown`. `?node=` keeps the listed
 * nodes only. This node's answer decides validation errors, so they read as on a single host.
 */
@Injectable()
export class ClusterListing {
  constructor(
    private readonly self: SelfNode,
    private readonly directory: NodeDirectory,
    private readonly client: PeerClient,
  ) {}

  async serve(req: Request, res: Response, next: NextFunction): Promise<void> {
    const url = new URL(req.originalUrl, 'http://listing.invalid');
    const wanted = url.searchParams
      .getAll('node')
      .flatMap((n) => n.split(','))
      .filter((n) => n !== '');
    url.searchParams.delete('node');
    const peers = this.directory.peers();
    const known = new Set([this.self.name, ...peers.map((p) => p.hostname)]);
    const unknown = wanted.find((n) => !known.has(n));
    if (unknown !== undefined) return next(new UnknownNodeError(unknown));
    const included = (name: string): boolean => wanted.length === 0 || wanted.includes(name);
    const path = `/containers${url.search}`;
    const call = (address: PeerAddress): Promise<PeerAnswer> =>
      this.client.call(address, { path, authorization: req.headers.authorization });
    const own = call(this.directory.selfAddress);
    const remote = peers.filter((p) => included(p.hostname)).map((p) => this.pageOf(p, call, queryOf(url)));
    const ownAnswer = await own;
    if (ownAnswer.status !== 200) {
      relay(res, ownAnswer);
      return;
    }
    const pages: NodePage[] = await Promise.all(remote);
    if (included(this.self.name)) pages.push(JSON.parse(ownAnswer.body.toString('utf8')) as NodePage);
    res.status(200).json(mergePages(pages, queryOf(url).limit));
  }

  private async pageOf(
    peer: PeerRecord,
    call: (a: PeerAddress) => Promise<PeerAnswer>,
    query: DirectoryQuery,
  ): Promise<NodePage> {
    if (peer.reachable) {
      try {
        const answer = await call(peer.address);
        if (answer.status === 200) return JSON.parse(answer.body.toString('utf8')) as NodePage;
        // Listed as down here, so calls on its containers must say so too (503 NODE_UNAVAILABLE).
        this.directory.markUnreachable(peer.hostname);
      } catch {
        this.directory.markUnreachable(peer.hostname);
      }
    }
    return pageOfDownNode(peer.hostname, peer.containers, query);
  }
}

function queryOf(url: URL): DirectoryQuery {
  const list = (name: string): string[] | undefined => {
    const v = url.searchParams.get(name);
    return v ? v.split(',').filter((t) => t !== '') : undefined;
  };
  const limit = Number(url.searchParams.get('limit') ?? '50');
  return {
    cursor: url.searchParams.get('cursor') ?? undefined,
    limit: Number.isInteger(limit) && limit > 0 ? limit : 50,
    tags: list('tag'),
    statuses: list('status'),
  };
}

function relay(res: Response, answer: PeerAnswer): void {
  res.status(answer.status);
  const type = answer.headers['content-type'];
  if (type) res.setHeader('Content-Type', type);
  res.end(answer.body);
}
