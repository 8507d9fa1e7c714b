import { useEffect, useState } from 'preact/hooks';
import { containerPath } from '../../api/client';
import { openLive } from '../../api/live';
import type { StatsSample } from '../../api/types';
import { Spark } from './spark';

const KEEP = 60;
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

/** CPU, memory and pids of a running container, one sample a second, as small live charts. */
export function StatsTab({ cuid, running }: { cuid: string; running: boolean }) {
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    if (!running) return;
    setSamples([]);
    setUnavailable(false);
    const live = openLive(
      containerPath(cuid, '/stats?stream=true'),
      { stats: (data) => setSamples((prev) => [...prev, data as StatsSample].slice(-KEEP)) },
      () => setUnavailable(true),
    );
    return () => live.close();
  }, [cuid, running]);

  if (!running) return <p class="muted">Stats are sampled while the container runs.</p>;
  if (unavailable && samples.length === 0)
    return <p class="muted">The service refused the stats stream; reopen the tab to try again.</p>;
  const last = samples[samples.length - 1];
  if (!last) return <p class="muted">Waiting for the first sample…</p>;
  return (
    <div class="stats">
      <Spark
        label="CPU"
        values={samples.map((s) => s.cpu.percent_of_limit)}
        floor={100}
        text={`${last.cpu.percent_of_limit.toFixed(1)}% of ${last.cpu.limit_cpus} ${last.cpu.limit_cpus === 1 ? 'CPU' : 'CPUs'}`}
      />
      <Spark
        label="Memory"
        values={samples.map((s) => s.memory.usage_bytes)}
        floor={last.memory.limit_bytes || 1}
        text={`${mb(last.memory.usage_bytes)} of ${mb(last.memory.limit_bytes)}`}
      />
      <Spark label="PIDs" values={samples.map((s) => s.pids)} floor={10} text={String(last.pids)} />
    </div>
  );
}
