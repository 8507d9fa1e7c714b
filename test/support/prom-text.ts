/**
 * A small strict parser of the Prometheus text exposition format (0.0.4): every line must be a
 * HELP/TYPE comment, blank, or `name{label="value",…} value [timestamp]`; anything else throws.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sample: string): Family | undefined => {
    for (const suffix of ['', '_bucket', '_sum', '_count', '_total']) {
      if (suffix && !sample.endsWith(suffix)) continue;
      const f = families.get(suffix ? sample.slice(0, -suffix.length) : sample);
      if (f) return f;
    }
    return undefined;
  };
  text.split('\n').forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${line}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return;
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) fail('bad metric name');
      const f = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) fail('bad type');
        f.type = rest;
      } else f.help = rest;
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!m) fail('not a sample');
    const [, name, , labelText, valueText] = m!;
    const labels: Record<string, string> = {};
    let rest = labelText ?? '';
    while (rest !== '') {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (!lm) fail('bad label');
      labels[lm![1]!] = lm![2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      rest = rest.slice(lm![0].length);
    }
    // Values are Go floats: special values are case-insensitive (prom-client writes `Nan`).
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(valueText!);
    if (!special && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(valueText!)) fail('bad value');
    const sign = special?.[1] === '-' ? -1 : 1;
    const value = special ? (special[2]!.toLowerCase() === 'nan' ? NaN : sign * Infinity) : Number(valueText);
    const family = familyOf(name!);
    if (!family) fail('sample without a TYPE');
    family!.samples.push({ name: name!, labels, value });
  });
  return families;
}

/** The value of one sample, or 0 when it is not there (a counter that has not moved yet). */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return 0;
}
