import { SignalQueue } from './signal-queue';
import type { SignalName } from './signals';

/** A deliver function whose calls stay open until the spec settles them. */
function held() {
  const calls: { name: SignalName; settle: (err?: Error) => void }[] = [];
  const deliver = (name: SignalName): Promise<void> =>
    new Promise((resolve, reject) => calls.push({ name, settle: (err) => (err ? reject(err) : resolve()) }));
  return { calls, deliver };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SignalQueue', () => {
  it('runs one delivery at a time and merges a flood of the same signal into one waiting delivery', async () => {
    const { calls, deliver } = held();
    const queue = new SignalQueue(deliver, jest.fn());
    for (let i = 0; i < 150; i += 1) queue.push('WINCH');
    await tick();
    expect(calls.map((c) => c.name)).toEqual(['WINCH']);
    calls[0]?.settle();
    await tick();
    expect(calls.map((c) => c.name)).toEqual(['WINCH', 'WINCH']);
    calls[1]?.settle();
    await tick();
    expect(calls).toHaveLength(2);
  });

  it('keeps distinct signals in the order they came, each waiting once (one already running may be sent again)', async () => {
    const { calls, deliver } = held();
    const queue = new SignalQueue(deliver, jest.fn());
    for (const name of ['INT', 'WINCH', 'INT', 'TERM', 'WINCH', 'KILL'] as const) queue.push(name);
    for (let i = 0; i < 6; i += 1) {
      await tick();
      calls[i]?.settle();
    }
    await tick();
    expect(calls.map((c) => c.name)).toEqual(['INT', 'WINCH', 'INT', 'TERM', 'KILL']);
  });

  it('reports a failed delivery and goes on with the next', async () => {
    const { calls, deliver } = held();
    const failed = jest.fn();
    const queue = new SignalQueue(deliver, failed);
    queue.push('INT');
    queue.push('TERM');
    await tick();
    calls[0]?.settle(new Error('no container'));
    await tick();
    expect(failed).toHaveBeenCalledWith(new Error('no container'));
    expect(calls.map((c) => c.name)).toEqual(['INT', 'TERM']);
  });

  it('drops waiting signals at close and resolves once the running delivery is over', async () => {
    const { calls, deliver } = held();
    const queue = new SignalQueue(deliver, jest.fn());
    queue.push('INT');
    queue.push('TERM');
    let done = false;
    const closed = queue.close().then(() => (done = true));
    queue.push('KILL');
    await tick();
    expect(done).toBe(false);
    calls[0]?.settle();
    await closed;
    expect(calls.map((c) => c.name)).toEqual(['INT']);
  });

  it('closes at once when nothing runs', async () => {
    const queue = new SignalQueue(jest.fn(), jest.fn());
    await expect(queue.close()).resolves.toBeUndefined();
  });
});
