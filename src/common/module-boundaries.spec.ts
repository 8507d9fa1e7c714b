import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * Lints imports the way CI does (the repository's eslint.config.mjs), in a child process because the
 * config is an ES module. The text is linted in place of an existing file, so nothing is written to src/.
 */
const ROOT = path.resolve(__dirname, '../..');
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: c.filePath });
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length);
}
process.stdout.write(JSON.stringify(out));
`;

async function restrictedImportCounts(cases: { filePath: string; code: string }[]): Promise<number[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', LINT_SCRIPT, JSON.stringify(cases)],
    { cwd: ROOT, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as number[];
}

describe('module boundaries (lint)', () => {
  it('fails an import of a feature module from src/common or src/compose, and passes lower-layer imports', async () => {
    const counts = await restrictedImportCounts([
      {
        filePath: 'src/common/units.ts',
        code: "import type { ContainerSpec } from '../containers/container.types';\nexport type P = ContainerSpec;\n",
      },
      {
        filePath: 'src/compose/labels.ts',
        code: "import { AuditLog } from '../audit/audit-log';\nexport const P = AuditLog;\n",
      },
      {
        filePath: 'src/common/http/request-id.ts',
        code: "export { FilesModule } from '../../files/files.module';\n",
      },
      {
        filePath: 'src/compose/labels.ts',
        code: "import { parseMemorySize } from '../common/units';\nexport const P = parseMemorySize;\n",
      },
      {
        filePath: 'src/files/files.errors.ts',
        code: "import { isCuid } from '../containers/cuid';\nexport const P = isCuid;\n",
      },
    ]);
    expect(counts).toEqual([1, 1, 1, 0, 0]);
  }, 120_000);
});
