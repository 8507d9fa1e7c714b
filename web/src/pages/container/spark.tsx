const W = 240;
const H = 48;

/** A small line chart of the last values; the scale is 0 … max(values, floor). */
export function Spark({
  label,
  values,
  floor,
  text,
}: {
  label: string;
  values: number[];
  floor: number;
  text: string;
}) {
  const max = Math.max(floor, ...values);
  // One sample is drawn as a level line, not as a single (invisible) point.
  const shown = values.length === 1 ? [values[0]!, values[0]!] : values;
  const step = shown.length > 1 ? W / (shown.length - 1) : W;
  const points = shown.map((v, i) => `${(i * step).toFixed(1)},${(H - (v / max) * (H - 2) - 1).toFixed(1)}`).join(' ');
  return (
    <figure class="spark">
      <figcaption>
        {label}: <strong>{text}</strong>
      </figcaption>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label} over the last minute`}>
        <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
      </svg>
    </figure>
  );
}
