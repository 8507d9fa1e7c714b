const AGE = /^(\d{1,6})(ms|s|m|h)$/;
const UNIX = /^\d{1,10}(\.\d{1,9})?$/;
const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(Z|[+-]\d\d:\d\d)?)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * `since` as the Engine API takes it (Unix seconds, up to nine decimals), from what the logs route
 * accepts: Unix seconds as they are, an age like `10m` back from `now`, or an ISO 8601 time. As the
 * `docker logs` CLI reads them (moby's GetTimestamp): a time without a zone is this process's local
 * time, a date alone its local midnight, and fractions keep all nine digits. The DTO has already
 * checked the shape; a shape that names no real time is undefined.
 */
export function engineSince(value: string, now: Date): string | undefined {
  if (UNIX.test(value)) return value;
  const age = AGE.exec(value);
  if (age) return String(Math.floor((now.getTime() - Number(age[1]) * UNIT_MS[age[2]!]!) / 1000));
  const iso = ISO.exec(value);
  if (!iso) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = iso;
  const wall = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  // A calendar time that does not exist (month 13, 25:00, 30 February) is refused, not rolled over.
  const check = new Date(Date.UTC(...wall));
  if (
    check.getUTCMonth() !== wall[1] ||
    check.getUTCDate() !== wall[2] ||
    wall[3] > 23 ||
    wall[4] > 59 ||
    wall[5] > 59
  ) {
    return undefined;
  }
  let ms: number;
  if (zone === undefined) {
    ms = new Date(...wall).getTime();
  } else {
    const offset =
      zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
    ms = Date.UTC(...wall) - offset * 60_000;
  }
  if (Number.isNaN(ms)) return undefined;
  return `${Math.floor(ms / 1000)}.${fraction.padEnd(9, '0')}`;
}
