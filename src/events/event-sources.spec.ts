import type { AuditEntry } from '../audit/audit-entry';
import { fromAuditEntry, fromDockerEvent } from './event-sources';

const docker = (action: string, exitCode: number | null = null) => ({
  containerId: 'abc',
  cuid: 'c1',
  action,
  exitCode,
  timeMs: 0,
});

describe('fromDockerEvent', () => {
  it('maps the state changes clients need and drops the noise', () => {
    expect(fromDockerEvent(docker('die', 137))).toMatchObject({ type: 'died', cuid: 'c1', exit_code: 137 });
    expect(fromDockerEvent(docker('start'))).toMatchObject({ type: 'started' });
    expect(fromDockerEvent(docker('health_status: unhealthy'))).toMatchObject({ type: 'health', health: 'unhealthy' });
    expect(fromDockerEvent(docker('oom'))).toMatchObject({ type: 'oom' });
    for (const noise of ['attach', 'kill', 'exec_create: sh', 'resize', 'top'])
      expect(fromDockerEvent(docker(noise))).toBeNull();
  });
});

describe('fromAuditEntry', () => {
  const entry = (method: string, action: string | null, extra: Partial<AuditEntry> = {}): AuditEntry => ({
    timestamp: 't',
    request_id: 'r',
    user: 'admin',
    remote: null,
    method,
    path: '/',
    action,
    cuid: 'c1',
    status: 200,
    duration_ms: 3,
    compose: [],
    ...extra,
  });

  it('publishes changes and terminal sessions, never reads', () => {
    expect(fromAuditEntry(entry('POST', 'container.start', { status: 422, code: 'CONTAINER_PAUSED' }))).toEqual({
      type: 'action',
      time: 't',
      cuid: 'c1',
      action: 'container.start',
      status: 422,
      code: 'CONTAINER_PAUSED',
      request_id: 'r',
      user: 'admin',
      duration_ms: 3,
    });
    expect(fromAuditEntry(entry('GET', 'terminal.session'))).toMatchObject({ action: 'terminal.session' });
    expect(fromAuditEntry(entry('GET', 'container.list'))).toBeNull();
    expect(fromAuditEntry(entry('GET', 'events.stream'))).toBeNull();
    expect(fromAuditEntry(entry('POST', null))).toBeNull();
  });
});
