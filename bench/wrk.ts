/** What the benches read from wrk's output. */
export interface WrkResult {
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  errors: string;
}

/** wrk's --latency figures, in ms. */
export function parseWrk(text: string): WrkResult {
  const latency = (pct: string): number => {
    const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const errors = [/Non-2xx or 3xx responses: (\d+)/, /Socket errors: (.*)/].flatMap((re) => re.exec(text)?.[0] ?? []);
  return {
    p50: latency('50'),
    p99: latency('99'),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN),
    errors: errors.join('; '),
  };
}
