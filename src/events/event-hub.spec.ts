import { fakeConfig } from '../../test/support/fake-config';
import { EventHub } from './event-hub';
import { EventRing } from './event-ring';
import type { NewLiveEvent } from './live-event';

const event = (n: number): NewLiveEvent => ({ type: 'action', time: 't', cuid: null, n });

describe('EventRing', () => {
  it('keeps the last `capacity` items and finds those after an id by arithmetic', () => {
    const ring = new EventRing<{ id: number }>(3);
    expect(ring.oldestId()).toBeNull();
    for (let id = 10; id <= 14; id += 1) ring.push({ id });
    expect(ring.oldestId()).toBe(12);
    expect(ring.after(12).map((i) => i.id)).toEqual([13, 14]);
    expect(ring.after(11).map((i) => i.id)).toEqual([12, 13, 14]);
    expect(ring.after(14)).toEqual([]);
  });
});

describe('EventHub', () => {
  const hub = (size = 5): EventHub => new EventHub(fakeConfig({ eventsRingSize: size }));

  it('numbers events consecutively, above any id a previous boot can have issued', () => {
    const h = hub();
    const before = Date.now();
    const a = h.publish(event(1));
    const b = h.publish(event(2));
    expect(a.id).toBeGreaterThanOrEqual(before);
    expect(b.id).toBe(a.id + 1);
    expect(h.latestId).toBe(b.id);
  });

  it('replays exactly what came after an id, and reports a gap when the ring has lost some of it', () => {
    const h = hub(5);
    const ids = Array.from({ length: 8 }, (_, i) => h.publish(event(i)).id);
    expect(h.replay(ids[4]!)).toEqual({ kind: 'events', events: expect.any(Array) });
    const replay = h.replay(ids[4]!);
    expect(replay.kind === 'events' && replay.events.map((e) => e.id)).toEqual(ids.slice(5));
    expect(h.replay(ids[7]!)).toEqual({ kind: 'events', events: [] });
    // ids[2] is the oldest kept: a client that saw ids[2] lost nothing; one that saw ids[1] did not.
    expect(h.replay(ids[2]!).kind).toBe('events');
    expect(h.replay(ids[1]!)).toEqual({ kind: 'gap', oldestId: ids[3] });
    expect(h.replay(ids[0]! - 1000).kind).toBe('gap');
    expect(h.replay(ids[7]! + 1).kind).toBe('gap');
  });

  it('an id from before this boot is a gap even when nothing has been published yet', () => {
    expect(hub().replay(5)).toEqual({ kind: 'gap', oldestId: null });
  });

  it('fans every new event out to subscribers synchronously', () => {
    const h = hub();
    const seen: number[] = [];
    const sub = h.subscribe((e) => seen.push(e.id));
    const a = h.publish(event(1));
    sub.unsubscribe();
    h.publish(event(2));
    expect(seen).toEqual([a.id]);
  });
});
