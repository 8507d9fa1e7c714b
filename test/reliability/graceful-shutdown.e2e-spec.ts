import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { dockerContainers, SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { removeProjects, TEST_IMAGE, TestApp } from '../support/e2e-app';
import { spawnService } from '../support/service-process';

/** SIGTERM: in-flight requests finish, new ones are refused, the audit log is flushed, containers keep running. */
describe('reliability: graceful shutdown', () => {
  it('finishes in-flight work, flushes the audit log and leaves containers running', async () => {
    const service = await spawnService();
    try {
      const running = (await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body
        .cuid as string;
      writeBootPy({ projectsDir: service.projectsDir } as TestApp, running, SLEEPING_BOOT);
      await service.http().post(`/containers/${running}/start`).expect(200);
      // A boot.py that ignores SIGTERM makes `stop` take its whole timeout: a request in flight.
      const slow = (await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body
        .cuid as string;
      writeBootPy(
        { projectsDir: service.projectsDir } as TestApp,
        slow,
        'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(100000)\n',
      );
      await service.http().post(`/containers/${slow}/start`).expect(200);
      const inFlight = service.http().post(`/containers/${slow}/stop?timeout=3`).set('X-Request-Id', 'in-flight');
      const settled = inFlight.then((r) => r);
      await new Promise((r) => setTimeout(r, 500));
      service.child.kill('SIGTERM');
      const res = await settled;
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('stopped');
      const exit = await service.exited;
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      const audit = readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8');
      expect(audit).toContain('"request_id":"in-flight"');
      expect(await dockerContainers(running)).toEqual([[`${running}-app-1`, 'running']]);
    } finally {
      service.child.kill('SIGKILL');
      await removeProjects(service.projectsDir);
      rmSync(service.root, { recursive: true, force: true });
    }
  });
});
