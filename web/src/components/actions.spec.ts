import { STATUSES } from '../api/types';
import { allowed } from './actions';

describe('allowed actions', () => {
  it('disables what the state forbids (pause needs running, unpause needs paused, no start/restart when paused)', () => {
    const table = Object.fromEntries(
      STATUSES.map((s) => [
        s,
        (['start', 'stop', 'restart', 'pause', 'unpause'] as const).filter((a) => allowed(a, s)),
      ]),
    );
    expect(table).toEqual({
      created: ['start', 'restart'],
      running: ['stop', 'restart', 'pause'],
      paused: ['stop', 'unpause'],
      restarting: ['stop', 'restart'],
      stopped: ['start', 'restart'],
      dead: ['start', 'restart'],
    });
  });
});
