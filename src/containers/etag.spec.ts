import type { ContainerSpec } from './container.types';
import { assertIfMatch, etagOf, PreconditionFailedError } from './etag';

const spec: ContainerSpec = {
  cuid: 'c11111111-1111-4111-8111-111111111111',
  image: 'python:3.12-slim',
  env: { B: '2', A: '1' },
  tags: ['web'],
  resources: {},
  ports: [],
  command: null,
  created_at: '2026-01-01T00:00:00.000+00:00',
  updated_at: '2026-01-01T00:00:00.000+00:00',
  ttl_s: null,
};

describe('container ETag', () => {
  it('is a strong, quoted tag that ignores key order and null-versus-absent', () => {
    expect(etagOf(spec)).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const withoutTtl: Partial<ContainerSpec> = { ...spec, env: { A: '1', B: '2' } };
    delete withoutTtl.ttl_s;
    expect(etagOf(withoutTtl)).toBe(etagOf(spec));
  });

  it('changes with every spec change, the update time included', () => {
    expect(etagOf({ ...spec, tags: ['api'] })).not.toBe(etagOf(spec));
    expect(etagOf({ ...spec, updated_at: '2026-01-01T00:00:00.001+00:00' })).not.toBe(etagOf(spec));
  });

  it('If-Match passes when absent, `*`, or listing the current tag (quoted or bare)', () => {
    const tag = etagOf(spec);
    for (const header of [undefined, '*', tag, `"x", ${tag}`, tag.slice(1, -1)]) {
      expect(() => assertIfMatch(header, spec)).not.toThrow();
    }
  });

  it('If-Match fails with 412 for another or a weak tag', () => {
    for (const header of ['"old"', `W/${etagOf(spec)}`, '']) {
      expect(() => assertIfMatch(header, spec)).toThrow(PreconditionFailedError);
    }
    try {
      assertIfMatch('"old"', spec);
    } catch (err) {
      expect(err).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED', details: { etag: etagOf(spec) } });
    }
  });
});
