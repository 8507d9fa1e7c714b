import { bytes, parseStatsLine } from './docker-stats-line';

describe('parseStatsLine', () => {
  it('reads a line of docker stats, screen-control codes and units included', () => {
    const line =
      '\x1b[H{"BlockIO":"1.5MB / 0B","CPUPerc":"99.87%","Container":"x","ID":"abc","MemPerc":"0.01%",' +
      '"MemUsage":"2.902MiB / 23.54GiB","Name":"x","NetIO":"266B / 1.2kB","PIDs":"3"}\x1b[K';
    expect(parseStatsLine(line)).toEqual({
      id: 'abc',
      cpuPercent: 99.87,
      memUsage: Math.round(2.902 * 1024 ** 2),
      memLimit: Math.round(23.54 * 1024 ** 3),
      memPercent: 0.01,
      netRx: 266,
      netTx: 1200,
      blockRead: 1_500_000,
      blockWrite: 0,
      pids: 3,
    });
  });

  it('ignores what is not a container line', () => {
    expect(parseStatsLine('\x1b[J')).toBeNull();
    expect(parseStatsLine('{"no":"id"}')).toBeNull();
    expect(parseStatsLine('{broken')).toBeNull();
  });

  it('converts docker units', () => {
    expect(bytes('0B')).toBe(0);
    expect(bytes('1KiB')).toBe(1024);
    expect(bytes('2GB')).toBe(2e9);
    expect(bytes('--')).toBe(0);
  });
});
