import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../common/config/app-config';
import type { AuditStamps } from './audit-stamps';
import type { ClusterCreate } from './cluster-create';
import type { ClusterEvents } from './cluster-events';
import type { ClusterListing } from './cluster-listing';
import { ClusterRouter } from './cluster-router';
import type { NodeDirectory, PeerRecord } from './node-directory';
import { OwnerCache } from './owner-cache';
import { OwnerLocator } from './owner-locator';
import type { PeerClient } from './peer-client';
import type { RequestProxy } from './request-proxy';
import type { SelfNode } from './self-node';
import type { ProjectStore } from '../containers/project-store';

const CUID = 'c0f877234-fa2b-4656-9383-647a9c8605fe';

function peer(hostname: string): PeerRecord {
  return {
    hostname,
    address: { host: '10.0.0.2', port: 8080 },
    facts: {} as PeerRecord['facts'],
    containers: [],
    reachable: true,
    lastSeenAt: 0,
  };
}

function world(options: { up?: boolean; peers?: PeerRecord[]; answers?: Record<string, number> } = {}) {
  const peers = options.peers ?? [peer('n2'), peer('n3')];
  const owners = new OwnerCache();
  const directory = {
    peers: () => peers,
    peer: (h: string) => peers.find((p) => p.hostname === h),
    isUp: () => options.up ?? true,
    markUnreachable: jest.fn(),
  } as unknown as NodeDirectory;
  const calls: string[] = [];
  const client = {
    call: jest.fn((address: unknown, call: { path: string }) => {
      const p = peers.find((x) => x.address === address)!;
      calls.push(`${p.hostname} ${call.path}`);
      return Promise.resolve({ status: options.answers?.[p.hostname] ?? 404, headers: {}, body: Buffer.alloc(0) });
    }),
  } as unknown as PeerClient;
  const self = { name: 'n1' } as SelfNode;
  const store = { get: () => undefined } as unknown as ProjectStore;
  const locator = new OwnerLocator(self, store, owners, directory, client);
  const proxy = { forward: jest.fn() };
  const listing = { serve: jest.fn(() => Promise.resolve()) };
  const creator = { serve: jest.fn() };
  const router = new ClusterRouter(
    { clusterMode: true } as AppConfig,
    locator,
    directory,
    proxy as unknown as RequestProxy,
    listing as unknown as ClusterListing,
    creator as unknown as ClusterCreate,
    { noteOwner: jest.fn() } as unknown as AuditStamps,
    { serve: jest.fn() } as unknown as ClusterEvents,
  );
  return { router, owners, calls, proxy, listing, creator };
}

function run(
  router: ClusterRouter,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  return new Promise((resolve) => {
    const req = { method, path, originalUrl: path, headers } as unknown as Request;
    const next = ((err?: unknown) => resolve(err ?? 'next')) as NextFunction;
    router.use(req, {} as Response, next);
    setTimeout(() => resolve('handled'), 50);
  });
}

describe('ClusterRouter', () => {
  it('serves a forwarded request here: no lookup, no fan-out, no second hop (the loop guard)', async () => {
    const w = world({ answers: { n2: 200 } });
    for (const path of [`/containers/${CUID}`, '/containers', `/containers/${CUID}/logs`]) {
      expect(await run(w.router, 'GET', path, { 'x-cm-forwarded': 'n2' })).toBe('next');
    }
    expect(await run(w.router, 'POST', '/containers', { 'x-cm-forwarded': 'n2' })).toBe('next');
    expect(w.calls).toEqual([]);
    expect(w.proxy.forward).not.toHaveBeenCalled();
    expect(w.listing.serve).not.toHaveBeenCalled();
    expect(w.creator.serve).not.toHaveBeenCalled();
  });

  it('forwards to a cached owner without asking anyone', async () => {
    const w = world();
    w.owners.set(CUID, 'n3');
    expect(await run(w.router, 'POST', `/containers/${CUID}/start`)).toBe('handled');
    expect(w.calls).toEqual([]);
    expect(w.proxy.forward.mock.calls[0]?.[3]).toMatchObject({ hostname: 'n3' });
  });

  it('fans out once on a miss, then remembers the owner', async () => {
    const w = world({ answers: { n3: 200 } });
    await run(w.router, 'GET', `/containers/${CUID}`);
    expect(w.calls.sort()).toEqual([`n2 /containers/${CUID}/status`, `n3 /containers/${CUID}/status`]);
    expect(w.owners.get(CUID)).toBe('n3');
    await run(w.router, 'GET', `/containers/${CUID}/files`);
    expect(w.calls).toHaveLength(2);
    expect(w.proxy.forward).toHaveBeenCalledTimes(2);
  });

  it('answers 503 NODE_UNAVAILABLE for a container of a down node, and falls through when nobody owns it', async () => {
    const down = world({ up: false });
    down.owners.set(CUID, 'n2');
    expect(await run(down.router, 'GET', `/containers/${CUID}`)).toMatchObject({
      code: 'NODE_UNAVAILABLE',
      status: 503,
    });
    const nobody = world();
    expect(await run(nobody.router, 'GET', `/containers/${CUID}`)).toBe('next');
  });

  it('sends the listing and creates to their handlers, and leaves other routes alone', async () => {
    const w = world();
    await run(w.router, 'GET', '/containers');
    await run(w.router, 'POST', '/Containers/');
    expect(w.listing.serve).toHaveBeenCalledTimes(1);
    expect(w.creator.serve).toHaveBeenCalledTimes(1);
    expect(await run(w.router, 'GET', '/healthz')).toBe('next');
    expect(await run(w.router, 'GET', '/containers/not-a-cuid')).toBe('next');
  });
});
