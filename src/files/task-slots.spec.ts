import { TaskSlots } from './task-slots';

describe('TaskSlots', () => {
  it('runs at most `width` tasks at once, in order, and goes on after a failure', async () => {
    const slots = new TaskSlots(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (i: number) => async (): Promise<number> => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setImmediate(r));
      running -= 1;
      if (i === 5) throw new Error('five');
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => slots.run(task(i))));
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    // Every slot was given back: a new task starts at once.
    await expect(slots.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });
});
