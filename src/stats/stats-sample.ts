import { isoWithOffset } from '../common/time';
import type { Reading } from './stats-collector';

export interface StatsSample {
  cuid: string;
  sampled_at: string;
  cpu: { percent_of_limit: number; percent_of_host: number; limit_cpus: number };
  memory: { usage_bytes: number; limit_bytes: number; percent: number };
  pids: number;
  network: { rx_bytes: number; tx_bytes: number };
  block_io: { read_bytes: number; write_bytes: number };
}

/**
 * Docker's CPU figure counts one core as 100%; here it is put against the container's `cpus` limit
 * (the host's cores when it has none) and against the whole host.
 */
export function toSample(cuid: string, r: Reading, limitCpus: number | undefined, hostCpus: number): StatsSample {
  const limit = limitCpus && limitCpus > 0 ? limitCpus : hostCpus;
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    cuid,
    sampled_at: isoWithOffset(new Date(r.at)),
    cpu: {
      percent_of_limit: round(r.cpuPercent / limit),
      percent_of_host: round(r.cpuPercent / hostCpus),
      limit_cpus: limit,
    },
    memory: { usage_bytes: r.memUsage, limit_bytes: r.memLimit, percent: round(r.memPercent) },
    pids: r.pids,
    network: { rx_bytes: r.netRx, tx_bytes: r.netTx },
    block_io: { read_bytes: r.blockRead, write_bytes: r.blockWrite },
  };
}
