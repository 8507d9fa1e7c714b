import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ContainerManagerClient } from '../../clients/typescript/src';
import { startApp, TestApp } from '../support/e2e-app';

const run = promisify(execFile);
const GENERATED = path.resolve(__dirname, '../../clients/typescript/src/generated');
const REGENERATE =
  'the client is out of date: run `npm run client:generate` and commit clients/typescript/src/generated';

/** The client never drifts from the service: the document it was generated from is the one served. */
describe('the TypeScript client against the served document', () => {
  let t: TestApp;
  let served: Record<string, any>;

  beforeAll(async () => {
    t = await startApp();
    served = (await t.http().get('/openapi.json').expect(200)).body;
  });

  afterAll(() => t.close());

  it('was generated from the document the service serves', () => {
    const committed = JSON.parse(readFileSync(path.join(GENERATED, 'openapi.json'), 'utf8'));
    expect({ note: REGENERATE, document: committed }).toEqual({ note: REGENERATE, document: served });
  });

  it('has the types openapi-typescript makes of that document', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-drift-'));
    try {
      const out = path.join(dir, 'api.ts');
      await run(path.resolve(__dirname, '../../node_modules/.bin/openapi-typescript'), [
        path.join(GENERATED, 'openapi.json'),
        '--output',
        out,
      ]);
      expect({ note: REGENERATE, types: readFileSync(path.join(GENERATED, 'api.ts'), 'utf8') }).toEqual({
        note: REGENERATE,
        types: readFileSync(out, 'utf8'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a method for every operation, named by its operationId', () => {
    const ids = Object.values<Record<string, { operationId?: string }>>(served.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    const missing = ids.filter((id) => typeof (ContainerManagerClient.prototype as any)[id ?? ''] !== 'function');
    expect(missing).toEqual([]);
  });
});
