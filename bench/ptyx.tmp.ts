import { execFileSync } from 'node:child_process';
import { rmSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { removeProjects, TEST_IMAGE } from '../test/support/e2e-app';
import { spawnService } from '../test/support/service-process';
async function main() {
  const s = await spawnService();
  const cuid = (await s.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body.cuid as string;
  try {
    await s.http().post(`/containers/${cuid}/upload-zip`).set('Content-Type', 'application/zip').send(execFileSync('sh', ['-c', 'cd /tmp && rm -rf bz && mkdir bz && cd bz && printf "import time\\ntime.sleep(600)\\n" > boot.py && zip -q - boot.py'])).expect(200);
    await s.http().post(`/containers/${cuid}/start`).expect(200);
    const dir = path.join(s.projectsDir, cuid);
    console.log(readFileSync(path.join(dir, 'compose.yaml'), 'utf8').slice(0, 2000));
    console.log('PROJECT', dir, cuid);
    await new Promise((r) => setTimeout(r, Number(process.env.HOLD ?? 1000) * 1000));
  } finally { s.child.kill('SIGTERM'); await s.exited; await removeProjects(s.projectsDir); rmSync(s.root, { recursive: true, force: true }); }
}
void main();
