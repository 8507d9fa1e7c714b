import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { removeProjects, TEST_IMAGE, TestApp } from '../support/e2e-app';
import { eventually, liveProcesses, ProcessInfo } from '../support/processes';
import { spawnService } from '../support/service-process';

const run = promisify(execFile);

async function eventuallyAsync(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/**
 * Issue #10 item 16: the service's children (the state cache's `docker events` stream and the watchdog
 * itself) must not outlive a SIGKILLed service. Terminals start no local process at all (issue #15: one
 * engine API connection each), which the test checks while a piped and a tty session run.
 * Every child of this service names its own projects dir on its command line (the events filter,
 * compose's `-f`), which tells them apart from other services' on the same host.
 */
describe('reliability: no child survives a SIGKILLed service', () => {
  it('the docker events stream and the watchdog are gone a few seconds after SIGKILL; terminals run no local process', async () => {
    const service = await spawnService();
    const ours = (): ProcessInfo[] => liveProcesses().filter((p) => p.cmdline.includes(service.projectsDir));
    const sockets: WebSocket[] = [];
    try {
      const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
      const cuid = created.body.cuid as string;
      writeBootPy({ projectsDir: service.projectsDir } as TestApp, cuid, SLEEPING_BOOT);
      await service.http().post(`/containers/${cuid}/start`).expect(200);
      const auth = `Basic ${Buffer.from('admin:e2e-pass:with-colon').toString('base64')}`;
      // An exec session on pipes and a shell session on the container's pty.
      for (const query of [`?mode=exec&tty=false&cmd=${encodeURIComponent('sleep 300')}`, '?mode=exec&cmd=sleep+301']) {
        const ws = new WebSocket(`${service.baseUrl.replace('http', 'ws')}/ws/${cuid}${query}`, {
          headers: { Authorization: auth },
        });
        ws.on('error', () => undefined);
        sockets.push(ws);
      }

      const events = (): ProcessInfo[] => ours().filter((p) => / events /.test(p.cmdline));
      const inContainer = async (): Promise<string> =>
        (await run('docker', ['compose', '-p', cuid, 'top'], { timeout: 30_000 })).stdout;
      const bothRun = async (): Promise<boolean> => {
        const top = await inContainer();
        return top.includes('sleep 300') && top.includes('sleep 301');
      };
      expect(await eventually(() => events().length > 0, 30_000)).toBe(true);
      expect(await eventuallyAsync(bothRun, 30_000)).toBe(true);
      expect(liveProcesses().filter((p) => p.cmdline.includes(cuid))).toEqual([]);
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
