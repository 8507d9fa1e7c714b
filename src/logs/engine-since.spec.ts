import { engineSince } from './engine-since';

describe('engineSince', () => {
  const now = new Date('2026-01-20T15:30:00Z');

  it('passes Unix seconds through, fraction and all', () => {
    expect(engineSince('1768923000', now)).toBe('1768923000');
    expect(engineSince('1768923000.123456789', now)).toBe('1768923000.123456789');
  });

  it('turns an age into seconds back from now', () => {
    const at = now.getTime() / 1000;
    expect(engineSince('10m', now)).toBe(String(at - 600));
    expect(engineSince('2h', now)).toBe(String(at - 7200));
    expect(engineSince('30s', now)).toBe(String(at - 30));
    expect(engineSince('1500ms', now)).toBe(String(Math.floor(at - 1.5)));
  });

  it('reads ISO times with a zone exactly, nine fraction digits kept', () => {
    expect(engineSince('2026-01-20T15:30:00Z', now)).toBe('1768923000.000000000');
    expect(engineSince('2026-01-20T15:30:00.5Z', now)).toBe('1768923000.500000000');
    expect(engineSince('2026-01-20T15:30:00.123456789Z', now)).toBe('1768923000.123456789');
    expect(engineSince('2026-01-20T17:30:00+02:00', now)).toBe('1768923000.000000000');
    expect(engineSince('2026-01-20T10:00-05:30', now)).toBe('1768923000.000000000');
  });

  it('reads a time without a zone, and a date alone, as local time (as the docker CLI does)', () => {
    const local = (...parts: [number, number, number, number?, number?]): string =>
      `${Math.floor(new Date(parts[0], parts[1], parts[2], parts[3] ?? 0, parts[4] ?? 0).getTime() / 1000)}.000000000`;
    expect(engineSince('2026-01-20T15:30', now)).toBe(local(2026, 0, 20, 15, 30));
    expect(engineSince('2026-01-20', now)).toBe(local(2026, 0, 20));
  });

  it('gives nothing for what is not a time, or names no real one', () => {
    expect(engineSince('yesterday', now)).toBeUndefined();
    expect(engineSince('2026-13-01', now)).toBeUndefined();
    expect(engineSince('2026-02-30T10:00Z', now)).toBeUndefined();
    expect(engineSince('2026-01-20T24:00Z', now)).toBeUndefined();
    expect(engineSince('2026-01-20T10:60Z', now)).toBeUndefined();
  });
});
