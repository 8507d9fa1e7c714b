import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fakeConfig } from '../../test/support/fake-config';
import type { AuditEntry } from './audit-entry';
import { AuditLog } from './audit-log';
import { FatalAudit } from './fatal-audit';
import { InFlightRequests } from './in-flight-requests';

const entry = (id: string, status: number): AuditEntry => ({
  timestamp: 't',
  request_id: id,
  user: 'admin',
  remote: null,
  method: 'POST',
  path: '/containers/c1/upload-zip',
  action: 'files.upload',
  cuid: 'c1',
  status,
  duration_ms: 1,
  compose: [],
});

describe('FatalAudit', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fatal-audit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the requests in flight when an uncaught exception is about to end the process', async () => {
    const log = new AuditLog(fakeConfig({ logDir: dir }));
    await log.onModuleInit();
    const inFlight = new InFlightRequests();
    const fatal = new FatalAudit(log, inFlight);
    fatal.onModuleInit();
    const upload = {};
    const finished = {};
    inFlight.add(upload, () => entry('upload', 500));
    inFlight.add(finished, () => entry('finished', 500));
    inFlight.delete(finished);
    try {
      // What Node emits just before it dies of an uncaught exception; no asynchronous write could follow.
      for (const listener of process.listeners('uncaughtExceptionMonitor'))
        listener(new Error('boom'), 'uncaughtException');
      const lines = readFileSync(log.filePath, 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l) as AuditEntry)).toEqual([
        expect.objectContaining({ request_id: 'upload', status: 500, action: 'files.upload' }),
      ]);
    } finally {
      fatal.onApplicationShutdown();
      await log.onApplicationShutdown();
    }
    expect(process.listenerCount('uncaughtExceptionMonitor')).toBe(0);
  });

  it('never throws from the monitor, even when the log cannot be written', () => {
    const log = new AuditLog(fakeConfig({ logDir: path.join(dir, 'missing', 'deeper') }));
    const inFlight = new InFlightRequests();
    inFlight.add({}, () => entry('x', 500));
    expect(() => new FatalAudit(log, inFlight).record()).not.toThrow();
  });
});
