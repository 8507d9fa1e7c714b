import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startApp, TestApp } from '../support/e2e-app';

const run = promisify(execFile);
const REDOCLY = path.resolve(__dirname, '../../node_modules/.bin/redocly');

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/**
 * The two things OpenAPI cannot say about a WebSocket: its upgrade answers 101, not 2xx, and the
 * client's frames are only reachable from an `x-` extension. Anything else the linter finds fails.
 */
const EXPECTED_WARNINGS = [
  'operation-2xx-response #/paths/~1ws~1{cuid}/get/responses',
  'no-unused-components #/components/schemas/TerminalClientFrame',
];

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('the served OpenAPI document', () => {
  let t: TestApp;
  let dir: string;
  let document: Record<string, any>;

  beforeAll(async () => {
    t = await startApp();
    dir = mkdtempSync(path.join(tmpdir(), 'cm-lint-'));
    const res = await t.http().get('/openapi.json').expect(200);
    document = res.body;
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes redocly lint with the recommended ruleset, without errors', async () => {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const { stdout } = await run(REDOCLY, ['lint', file, '--extends=recommended', '--format=json'], {
      cwd: dir,
      timeout: 120_000,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const problems = (JSON.parse(stdout) as { problems: Problem[] }).problems;
    const found = problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(found.sort()).toEqual([...EXPECTED_WARNINGS].sort());
  });

  it('gives every operation a summary and an operationId that reads as a method name', () => {
    const ids: string[] = [];
    for (const [route, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const op = item[method];
        expect({ route, method, summary: typeof op.summary === 'string' && op.summary.length > 0 }).toEqual({
          route,
          method,
          summary: true,
        });
        expect(op.operationId).toMatch(/^[a-z][a-zA-Z0-9]+$/);
        ids.push(op.operationId);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['listContainers', 'createContainer', 'uploadZip', 'openTerminal']));
  });

  it('lists the codes of every error answer as an enum on the error schema', () => {
    for (const [route, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        for (const [status, response] of Object.entries<Record<string, any>>(item[method].responses)) {
          if (Number(status) < 400) continue;
          const schema = response.content?.['application/json']?.schema;
          const codes: unknown = schema?.allOf?.[1]?.properties?.code?.enum;
          expect({ where: `${method} ${route} ${status}`, ref: schema?.allOf?.[0]?.$ref }).toEqual({
            where: `${method} ${route} ${status}`,
            ref: '#/components/schemas/ErrorBodyDto',
          });
          expect(Array.isArray(codes) && codes.every((c) => /^[A-Z][A-Z0-9_]+$/.test(String(c)))).toBe(true);
        }
      }
    }
  });

  it('declares no path parameter on a path without it (generators choke on that)', () => {
    for (const [route, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        for (const p of item[method].parameters ?? []) {
          if (p.in === 'path') expect(route).toContain(`{${p.name}}`);
        }
      }
    }
  });

  it('describes the terminal WebSocket: its query, its frames and its refusals', () => {
    const op = document.paths['/ws/{cuid}'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual([
      'cuid',
      'mode',
      'cmd',
      'cols',
      'rows',
      'tail',
      'tty',
      'output',
    ]);
    const output = op.parameters.find((p: { name: string }) => p.name === 'output');
    expect(output.schema).toMatchObject({ enum: ['json', 'binary'], default: 'json' });
    expect(op.responses['101'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/TerminalServerFrame',
    );
    expect(op['x-client-frame'].$ref).toBe('#/components/schemas/TerminalClientFrame');
    const clientTypes = document.components.schemas.TerminalClientFrame.oneOf.map(
      (f: { properties: { type: { enum: string[] } } }) => f.properties.type.enum[0],
    );
    expect(clientTypes).toEqual(['stdin', 'resize', 'signal', 'close']);
    expect(op.description).toContain('"type":"exit"');
    expect(op.description).toContain('output=binary');
  });
});
