import { rmSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { removeProjects, TEST_IMAGE, TestApp } from '../support/e2e-app';
import { eventually, liveProcesses, ProcessInfo } from '../support/processes';
import { spawnService } from '../support/service-process';

/**
 * Issue #10 item 16: the service's children (the state cache's `docker events` stream, terminals'
 * `docker compose exec` on a pipe and on a pty, and the watchdog itself) must not outlive a SIGKILLed service.
 * Every child of this service names its own projects dir on its command line (the events filter,
 * compose's `-f`), which tells them apart from other services' on the same host.
 */
describe('reliability: no child survives a SIGKILLed service', () => {
  it('the docker events stream, terminal execs and the watchdog are gone a few seconds after SIGKILL', async () => {
    const service = await spawnService();
    const ours = (): ProcessInfo[] => liveProcesses().filter((p) => p.cmdline.includes(service.projectsDir));
    const sockets: WebSocket[] = [];
    try {
      const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
      const cuid = created.body.cuid as string;
      writeBootPy({ projectsDir: service.projectsDir } as TestApp, cuid, SLEEPING_BOOT);
      await service.http().post(`/containers/${cuid}/start`).expect(200);
      const auth = `Basic ${Buffer.from('admin:e2e-pass:with-colon').toString('base64')}`;
      // An exec session (a piped `docker compose exec`) and a shell session (the same CLI on a pty).
      for (const query of [`?mode=exec&tty=false&cmd=${encodeURIComponent('sleep 300')}`, '']) {
        const ws = new WebSocket(`${service.baseUrl.replace('http', 'ws')}/ws/${cuid}${query}`, {
          headers: { Authorization: auth },
        });
        ws.on('error', () => undefined);
        sockets.push(ws);
      }

      const events = (): ProcessInfo[] => ours().filter((p) => / events /.test(p.cmdline));
      const execs = (): ProcessInfo[] => ours().filter((p) => / exec /.test(p.cmdline) && p.cmdline.includes(cuid));
      const piped = (): boolean => execs().some((p) => / exec -T /.test(p.cmdline));
      const onPty = (): boolean => execs().some((p) => !/ exec -T /.test(p.cmdline));
      expect(await eventually(() => events().length > 0 && piped() && onPty(), 30_000)).toBe(true);
      const watchdogs = liveProcesses().filter(
        (p) => p.ppid === service.child.pid && p.cmdline.startsWith(`${process.execPath} -e `),
      );
      expect(watchdogs).toHaveLength(1);
      const watchdog = watchdogs[0]!.pid;

      // The process only, not its group: as the OOM killer or `kill -9 <pid>` would.
      service.child.kill('SIGKILL');
      await service.exited;

      expect(await eventually(() => ours().length === 0, 5_000)).toBe(true);
      expect(await eventually(() => !liveProcesses().some((p) => p.pid === watchdog), 5_000)).toBe(true);
    } finally {
      for (const ws of sockets) ws.terminate();
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
      await service.exited;
      await removeProjects(service.projectsDir);
      rmSync(path.dirname(service.projectsDir), { recursive: true, force: true });
    }
  });
});
