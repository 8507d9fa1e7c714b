import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fakeConfig } from '../../test/support/fake-config';
import { KeyRequest, KeyStore } from './key-store';

const TTL_MS = 60_000;

describe('KeyStore', () => {
  let dir: string;
  const stores: KeyStore[] = [];
  const open = (): KeyStore => {
    const store = new KeyStore(fakeConfig({ stateDir: dir, idempotencyTtlMs: TTL_MS }));
    store.onModuleInit();
    stores.push(store);
    return store;
  };
  const request = (over: Partial<KeyRequest> = {}): KeyRequest => ({
    user: 'admin',
    key: 'k1',
    method: 'POST',
    path: '/containers',
    fingerprint: 'f1',
    ...over,
  });
  const answer = { status: 201, headers: { ETag: '"v1"' }, body: '{"cuid":"c1"}' };

  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'keys-'))));
  afterEach(() => {
    for (const s of stores.splice(0)) s.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the first request, reserving its id before anything else happens', () => {
    const store = open();
    let made = 0;
    const claim = store.claim(request({ reserve: () => `c${++made}` }));
    expect(claim).toEqual({ kind: 'run', resource: 'c1', resumed: false });
    expect(made).toBe(1);
  });

  it('answers busy to a repeat while the first runs in this process, and replays once it is done', () => {
    const store = open();
    store.claim(request());
    expect(store.claim(request())).toEqual({ kind: 'busy', fingerprint: 'f1' });
    store.complete('admin', 'k1', 'f1', answer);
    expect(store.claim(request())).toEqual({ kind: 'done', fingerprint: 'f1', response: answer });
  });

  it('keeps keys apart per user', () => {
    const store = open();
    store.claim(request());
    expect(store.claim(request({ user: 'other' }))).toMatchObject({ kind: 'run' });
  });

  it('resumes, with the same reserved id, a run its process never finished (crash)', () => {
    open().claim(request({ reserve: () => 'c-first' }));
    // A new process on the same file: the old record is "running" but owned by nobody alive.
    const next = open();
    expect(next.claim(request({ reserve: () => 'c-second' }))).toEqual({
      kind: 'run',
      resource: 'c-first',
      resumed: true,
    });
    expect(next.claim(request())).toEqual({ kind: 'busy', fingerprint: 'f1' });
  });

  it('refuses to resume a crashed run for a different body, method or path', () => {
    open().claim(request());
    expect(open().claim(request({ fingerprint: 'other' }))).toEqual({ kind: 'reused' });
    expect(open().claim(request({ fingerprint: null, path: '/elsewhere' }))).toEqual({ kind: 'reused' });
    expect(open().claim(request({ method: 'PATCH' }))).toEqual({ kind: 'reused' });
  });

  it('lets a released key run again with its reserved id', () => {
    const store = open();
    store.claim(request({ reserve: () => 'c-kept' }));
    store.release('admin', 'k1');
    expect(store.claim(request())).toEqual({ kind: 'run', resource: 'c-kept', resumed: true });
  });

  it('binds a streamed body to its digest only when it is known', () => {
    const store = open();
    expect(store.claim(request({ fingerprint: null }))).toMatchObject({ kind: 'run' });
    store.complete('admin', 'k1', 'digest', answer);
    expect(store.claim(request({ fingerprint: null }))).toEqual({
      kind: 'done',
      fingerprint: 'digest',
      response: answer,
    });
  });

  it('forgets a key once it has expired', () => {
    const store = open();
    const t0 = Date.now();
    store.claim(request(), t0);
    store.complete('admin', 'k1', 'f1', answer);
    expect(store.claim(request({ fingerprint: 'f2' }), t0 + TTL_MS - 1)).toMatchObject({ kind: 'done' });
    expect(store.claim(request({ fingerprint: 'f2' }), t0 + TTL_MS)).toMatchObject({ kind: 'run', resumed: false });
  });

  it('purges expired records', () => {
    const store = open();
    const t0 = Date.now();
    store.claim(request({ key: 'a' }), t0);
    store.claim(request({ key: 'b' }), t0 + 1000);
    expect(store.purgeExpired(t0 + TTL_MS)).toBe(1);
    expect(store.claim(request({ key: 'b' }), t0 + TTL_MS)).toMatchObject({ kind: 'busy' });
  });
});
