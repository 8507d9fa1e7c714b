import { fakeConfig } from '../../test/support/fake-config';
import type { ProjectPaths } from '../compose/project-paths';
import { AppUsage } from './app-usage';
import type { ProjectStore } from './project-store';
import type { TreeBounds, TreeMeter, TreeSize } from './tree-meter';

const CUID = 'c11111111-1111-4111-8111-111111111111';

class FakeMeter {
  walks: string[] = [];
  release: (() => void)[] = [];
  measure(root: string, _bounds: TreeBounds): Promise<TreeSize> {
    this.walks.push(root);
    return new Promise((resolve) => this.release.push(() => resolve({ bytes: 4096, complete: true })));
  }
}

function setup() {
  const meter = new FakeMeter();
  const specs = new Map([[CUID, { cuid: CUID }]]);
  const store = { get: (c: string) => specs.get(c), all: () => [...specs.values()] } as unknown as ProjectStore;
  const paths = { appDir: (c: string) => `/p/${c}/app` } as unknown as ProjectPaths;
  const usage = new AppUsage(meter as unknown as TreeMeter, store, paths, fakeConfig({ appUsageIntervalMs: 60_000 }));
  return { usage, meter, specs };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('AppUsage', () => {
  it('answers from memory and never waits for a walk', async () => {
    const { usage, meter } = setup();
    expect(usage.get(CUID)).toEqual({ app_bytes: null, complete: false, measured_at: null });
    usage.refreshIfStale(CUID);
    expect(meter.walks).toEqual(['/p/' + CUID + '/app']);
    expect(usage.get(CUID).app_bytes).toBeNull();
    meter.release.shift()?.();
    await tick();
    expect(usage.get(CUID)).toMatchObject({ app_bytes: 4096, complete: true, measured_at: expect.any(String) });
  });

  it('runs one walk at a time and does not repeat a fresh figure', async () => {
    const { usage, meter } = setup();
    usage.refreshIfStale(CUID);
    usage.refreshIfStale(CUID);
    expect(meter.walks).toHaveLength(1);
    meter.release.shift()?.();
    await tick();
    await tick();
    // The second request was queued behind the first; once fresh, further requests walk nothing.
    meter.release.shift()?.();
    await tick();
    const walks = meter.walks.length;
    usage.refreshIfStale(CUID);
    expect(meter.walks).toHaveLength(walks);
  });

  it('keeps no figure for a container deleted during its walk', async () => {
    const { usage, meter, specs } = setup();
    usage.refreshIfStale(CUID);
    specs.delete(CUID);
    meter.release.shift()?.();
    await tick();
    expect(usage.get(CUID).app_bytes).toBeNull();
  });
});
