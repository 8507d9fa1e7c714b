import type { Response } from 'express';
import type { Page } from './container-page';
import type { Container, ContainerSpec } from './container.types';
import { ContainerViews, type ContainerViewPart } from './container-views';
import { etagOf } from './etag';
import type { ProjectStore } from './project-store';

const spec: ContainerSpec = {
  cuid: 'c1',
  image: 'img',
  env: {},
  tags: [],
  resources: { cpus: 1, memory: '1g', pids: 512 },
  ports: [],
  command: null,
  created_at: '2026-12-08T00:00:00.000+00:00',
  updated_at: '2026-12-08T00:00:00.000+00:00',
};
const container: Container = {
  ...spec,
  status: 'running',
  disk_usage: { app_bytes: null, complete: false, measured_at: null },
};

function fakeResponse(ifNoneMatch?: string): Response & { sent: Buffer[]; headers: Record<string, unknown> } {
  const headers: Record<string, unknown> = {};
  const sent: Buffer[] = [];
  return {
    headers,
    sent,
    statusCode: 0,
    req: { headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch } },
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = value),
    end: (body: Buffer) => sent.push(body),
  } as unknown as Response & { sent: Buffer[]; headers: Record<string, unknown> };
}

class CountingPart implements ContainerViewPart {
  version = 0;
  calls = 0;
  fieldsOf(c: Container): Promise<Record<string, unknown>> {
    this.calls += 1;
    return Promise.resolve({ seen: `${c.cuid}@${this.version}` });
  }
  fieldsAbout(cuid: string): Record<string, unknown> {
    return { about: cuid };
  }
}

describe('ContainerViews', () => {
  const store = { get: (cuid: string) => (cuid === 'c1' ? spec : undefined) } as unknown as ProjectStore;

  it('adds every part’s fields to one container and sends its spec version as ETag, never a 304', async () => {
    const views = new ContainerViews(store);
    views.addPart(new CountingPart());
    const res = fakeResponse(etagOf(spec));
    const shown = await views.one(res, container);
    expect(shown).toEqual({ ...container, seen: 'c1@0' });
    expect(res.headers.etag).toBe(etagOf(spec));
    expect(res.req.headers['if-none-match']).toBeUndefined();
  });

  it('sends no ETag for a container the store does not hold', async () => {
    const views = new ContainerViews(store);
    const res = fakeResponse();
    await views.one(res, { ...container, cuid: 'gone' });
    expect(res.headers.etag).toBeUndefined();
  });

  it('gives other answers about a container the parts’ fieldsAbout', () => {
    const views = new ContainerViews(store);
    views.addPart(new CountingPart());
    expect(views.about('c1', { cuid: 'c1', deleted: true })).toEqual({ cuid: 'c1', deleted: true, about: 'c1' });
  });

  it('sends a page’s bytes again while page and versions stand, and builds them again when a version moves', async () => {
    const views = new ContainerViews(store);
    const part = new CountingPart();
    views.addPart(part);
    const page: Page = { containers: [container], next_cursor: null };
    const first = fakeResponse();
    await views.sendPage(first, page);
    const second = fakeResponse();
    await views.sendPage(second, page);
    expect(part.calls).toBe(1);
    expect(second.sent[0]).toBe(first.sent[0]);
    expect(JSON.parse(first.sent[0]!.toString())).toEqual({ containers: [{ ...container, seen: 'c1@0' }], next_cursor: null });
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['content-length']).toBe(first.sent[0]!.length);
    expect(first.statusCode).toBe(200);

    part.version = 1;
    const third = fakeResponse();
    await views.sendPage(third, page);
    expect(part.calls).toBe(2);
    expect(JSON.parse(third.sent[0]!.toString()).containers[0].seen).toBe('c1@1');

    const otherPage: Page = { containers: [container], next_cursor: null };
    await views.sendPage(fakeResponse(), otherPage);
    expect(part.calls).toBe(3);
  });
});
