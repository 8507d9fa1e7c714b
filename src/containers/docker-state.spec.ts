import { InspectResult, statusAfterEvent, toApiStatus, toState } from './docker-state';

const inspected = (state: Partial<InspectResult['State']>, labels: Record<string, string> = {}): InspectResult => ({
  Id: 'abc',
  Created: '2026-12-07T10:00:00.5Z',
  RestartCount: 2,
  Config: { Labels: { 'com.docker.compose.project': 'c1', ...labels } },
  State: {
    Status: 'running',
    ExitCode: 0,
    StartedAt: '2026-12-07T10:00:01Z',
    FinishedAt: '0001-01-01T00:00:00Z',
    OOMKilled: false,
    Pid: 42,
    ...state,
  },
});

describe('toState', () => {
  it('maps a running container, with no exit code and no zero-time finish', () => {
    expect(toState(inspected({}))).toEqual({
      id: 'abc',
      cuid: 'c1',
      created: '2026-12-07T10:00:00.5Z',
      status: 'running',
      exit_code: null,
      started_at: '2026-12-07T10:00:01Z',
      finished_at: null,
      restart_count: 2,
      oom_killed: false,
      pid: 42,
    });
  });

  it('gives an exited container its exit code, `stopped` and no pid', () => {
    const state = toState(
      inspected({ Status: 'exited', ExitCode: 137, Pid: 0, OOMKilled: true, FinishedAt: '2026-12-07T10:00:09Z' }),
    );
    expect(state).toMatchObject({ status: 'stopped', exit_code: 137, pid: null, oom_killed: true });
    expect(state?.finished_at).toBe('2026-12-07T10:00:09Z');
  });

  it('skips a container no compose project owns', () => {
    expect(toState({ ...inspected({}), Config: { Labels: {} } })).toBeNull();
  });
});

describe('toApiStatus', () => {
  it.each([
    ['created', 'created'],
    ['running', 'running'],
    ['paused', 'paused'],
    ['restarting', 'restarting'],
    ['dead', 'dead'],
    ['exited', 'stopped'],
    ['removing', 'stopped'],
  ])('%s is %s', (docker, api) => expect(toApiStatus(docker)).toBe(api));
});

describe('statusAfterEvent', () => {
  it.each([
    ['create', 'created'],
    ['start', 'running'],
    ['restart', 'running'],
    ['unpause', 'running'],
    ['pause', 'paused'],
    ['die', 'stopped'],
    ['stop', 'stopped'],
  ])('%s leaves the container %s', (action, status) => expect(statusAfterEvent(action)).toBe(status));

  it.each(['kill', 'attach', 'exec_start: sh', 'health_status: healthy', 'oom', 'rename'])(
    '%s changes no status',
    (action) => expect(statusAfterEvent(action)).toBeNull(),
  );
});
