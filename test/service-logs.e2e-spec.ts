import { rmSync } from 'node:fs';
import { basicAuth, PASS, USER } from './support/e2e-app';
import { ServiceProcess, spawnService } from './support/service-process';

type LogLine = Record<string, unknown>;
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/;
const BELOW_ERROR = ['warn', 'log', 'debug', 'verbose'];

/** Every non-empty line of a stream, parsed: JSON.parse throws (and fails the test) on any other line. */
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as LogLine);
}

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  await service.exited;
}

/** The built service's own log: JSON lines, LOG_LEVEL honoured, no credentials. */
describe('service logs', () => {
  it('writes only JSON lines with time, level, context and msg, and never a credential', async () => {
    const service = await spawnService({ LOG_LEVEL: 'debug' });
    try {
      await service.http().get('/containers').expect(200);
      await service
        .http()
        .get('/healthz')
        .set('Authorization', basicAuth(USER, `${PASS}-wrong`))
        .expect(401);
      await stop(service);
      const lines = jsonLines(service.stdout());
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.time).toMatch(ISO_WITH_OFFSET);
        expect(['warn', 'log', 'debug', 'verbose']).toContain(line.level);
        expect(typeof line.msg).toBe('string');
      }
      // No route logs per request, so the boot line stands for the shape of every line.
      const boot = lines.find((l) => l.context === 'Bootstrap');
      expect(boot).toEqual({
        time: expect.stringMatching(ISO_WITH_OFFSET),
        level: 'log',
        context: 'Bootstrap',
        msg: `Container Manager listening on http://127.0.0.1:${service.port}`,
      });
      const everything = service.output();
      expect(everything).not.toContain(PASS);
      expect(everything).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    } finally {
      service.child.kill('SIGKILL');
      rmSync(service.root, { recursive: true, force: true });
    }
  });

  it('with LOG_LEVEL=error writes nothing below error', async () => {
    const service = await spawnService({ LOG_LEVEL: 'error' });
    try {
      await service.http().get('/containers').expect(200);
      await stop(service);
      expect(service.stdout()).toBe('');
      const levels = jsonLines(service.output()).map((l) => l.level);
      expect(levels.filter((l) => BELOW_ERROR.includes(l as string))).toEqual([]);
      expect(service.output()).not.toContain('listening on');
    } finally {
      service.child.kill('SIGKILL');
      rmSync(service.root, { recursive: true, force: true });
    }
  });
});
