import request from 'supertest';
import { createContainer } from '../support/containers';
import { startApp, TestApp } from '../support/e2e-app';

/**
 * A client that trusts /openapi.json must never meet a code it does not list: hostile requests to
 * the real service (bad, deep or polluted JSON, wrong types, unknown fields and parameters, a lying
 * zip, a path out of the mount, lifecycle calls in the wrong state) each get an answer whose status
 * and code the document gives for that operation.
 */
type Document = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

function documentedCodes(document: Document, method: string, url: string, status: number): string[] {
  const pathname = url.split('?')[0]!;
  const entry = Object.entries(document.paths).find(([template]) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  const response = entry?.[1][method.toLowerCase()]?.responses?.[String(status)] as
    | { content?: { 'application/json'?: { schema?: { allOf?: { properties?: { code?: { enum?: string[] } } }[] } } } }
    | undefined;
  return response?.content?.['application/json']?.schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}

interface Attack {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  status: number;
  code: string;
  send?: (req: request.Test) => request.Test;
}

const json = (text: string) => (req: request.Test) => req.set('Content-Type', 'application/json').send(text);

function nested(depth: number): string {
  return `{"image":"x","env":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
}

const WITHOUT_CONTAINER: Attack[] = [
  { name: 'bad JSON', method: 'POST', url: '/containers', status: 400, code: 'INVALID_JSON', send: json('{"image":') },
  { name: 'deep JSON', method: 'POST', url: '/containers', status: 400, code: 'JSON_TOO_DEEP', send: json(nested(40)) },
  {
    name: 'a __proto__ key',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'FORBIDDEN_KEY',
    send: json('{"image":"x","__proto__":{"admin":true}}'),
  },
  {
    name: 'an unsupported charset',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'UNSUPPORTED_ENCODING',
    send: (req) => req.set('Content-Type', 'application/json; charset=x-klingon').send('{"image":"x"}'),
  },
  {
    name: 'a body over the limit',
    method: 'POST',
    url: '/containers',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    send: json(`{"image":"${'x'.repeat(2 << 20)}"}`),
  },
  {
    name: 'a form body',
    method: 'POST',
    url: '/containers',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (req) => req.set('Content-Type', 'text/plain').send('image=x'),
  },
  {
    name: 'ports as a string',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'INVALID_PORTS',
    send: json('{"image":"python:3","ports":"80"}'),
  },
  {
    name: 'resources as a number',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'INVALID_RESOURCES',
    send: json('{"image":"python:3","resources":5}'),
  },
  {
    name: 'a zero ttl',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'INVALID_TTL',
    send: json('{"image":"python:3","ttl_s":0}'),
  },
  {
    name: 'an unknown field',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'UNKNOWN_FIELD',
    send: json('{"image":"python:3","privileged":true}'),
  },
  {
    name: 'an absurd Idempotency-Key',
    method: 'POST',
    url: '/containers',
    status: 400,
    code: 'INVALID_IDEMPOTENCY_KEY',
    send: (req) => req.set('Idempotency-Key', 'k'.repeat(300)).send({ image: 'python:3' }),
  },
  {
    name: 'a huge tag filter',
    method: 'GET',
    url: `/containers?tag=${'t'.repeat(2000)}`,
    status: 400,
    code: 'INVALID_TAG',
  },
  { name: 'an unknown list parameter', method: 'GET', url: '/containers?admin=1', status: 400, code: 'UNKNOWN_FIELD' },
  {
    name: 'an unknown stop parameter',
    method: 'POST',
    url: '/containers/cnope/stop?force=1',
    status: 400,
    code: 'UNKNOWN_FIELD',
  },
  {
    name: 'ports not a list',
    method: 'PATCH',
    url: '/containers/cnope/ports',
    status: 400,
    code: 'INVALID_PORTS',
    send: json('{"ports":"80"}'),
  },
  {
    name: 'an extra ports field',
    method: 'PATCH',
    url: '/containers/cnope/ports',
    status: 400,
    code: 'UNKNOWN_FIELD',
    send: json('{"ports":[],"x":1}'),
  },
  { name: 'a missing container', method: 'GET', url: '/containers/cnope', status: 404, code: 'CONTAINER_NOT_FOUND' },
  { name: 'a bad log tail', method: 'GET', url: '/containers/cnope/logs?tail=lots', status: 400, code: 'INVALID_TAIL' },
  { name: 'a bad audit time', method: 'GET', url: '/audit?since=yesterday', status: 400, code: 'INVALID_SINCE' },
];

const WITH_CONTAINER: Attack[] = [
  {
    name: 'a path out of the mount',
    method: 'GET',
    url: '/containers/:cuid/files?path=../etc',
    status: 403,
    code: 'PATH_OUTSIDE_MOUNT',
  },
  {
    name: 'a download without a path',
    method: 'GET',
    url: '/containers/:cuid/download',
    status: 400,
    code: 'PATH_REQUIRED',
  },
  {
    name: 'a zip that is not one',
    method: 'POST',
    url: '/containers/:cuid/upload-zip',
    status: 400,
    code: 'ZIP_CORRUPT',
    send: (req) => req.set('Content-Type', 'application/zip').send(Buffer.from('PK\u0003\u0004 certainly not a zip')),
  },
  {
    name: 'start without boot.py',
    method: 'POST',
    url: '/containers/:cuid/start',
    status: 422,
    code: 'BOOT_SCRIPT_MISSING',
  },
  {
    name: 'pause while not running',
    method: 'POST',
    url: '/containers/:cuid/pause',
    status: 422,
    code: 'CONTAINER_NOT_RUNNING',
  },
];

describe('documented errors: every hostile request gets a code its operation documents (real app, real engine)', () => {
  let t: TestApp;
  let document: Document;
  let cuid: string;

  beforeAll(async () => {
    t = await startApp();
    document = (await t.http().get('/openapi.json').expect(200)).body as Document;
    cuid = await createContainer(t);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('tells a documented code from one the operation does not list', () => {
    expect(documentedCodes(document, 'POST', '/containers', 400)).toContain('INVALID_PORTS');
    expect(documentedCodes(document, 'GET', '/containers/c1/download', 416)).toEqual(['RANGE_NOT_SATISFIABLE']);
    expect(documentedCodes(document, 'GET', '/healthz', 400)).toEqual([]);
    expect(documentedCodes(document, 'GET', '/containers', 400)).not.toContain('INVALID_JSON');
  });

  it.each([...WITHOUT_CONTAINER, ...WITH_CONTAINER].map((a) => [a.name, a] as const))('%s', async (_name, attack) => {
    const url = attack.url.replace(':cuid', cuid);
    const agent = t.http();
    const base =
      attack.method === 'GET' ? agent.get(url) : attack.method === 'PATCH' ? agent.patch(url) : agent.post(url);
    const res = await (attack.send ? attack.send(base) : base);
    expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({
      status: attack.status,
      code: attack.code,
    });
    expect(documentedCodes(document, attack.method, url, attack.status)).toContain(attack.code);
  });
});
