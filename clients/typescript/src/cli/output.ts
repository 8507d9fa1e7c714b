/** Column-aligned table with a header row, as `docker ps` prints. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A progress bar on stderr: redrawn in place on a terminal, at most ten times a second, and always
 * once more at the end, so a forced bar in a log still shows the final figure.
 */
export class ProgressBar {
  private last = 0;
  private done = 0;
  private total: number | null = null;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream | null,
  ) {}

  update(done: number, total: number | null): void {
    this.done = done;
    this.total = total;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.draw();
  }

  finish(): void {
    if (!this.out) return;
    if (this.total !== null) this.done = this.total;
    this.draw();
    this.out.write('\n');
  }

  private draw(): void {
    if (!this.out) return;
    const clear = this.out.isTTY ? '\r\x1b[K' : '\r';
    if (this.total === null || this.total === 0) {
      this.out.write(`${clear}${this.label} ${bytes(this.done)}`);
      return;
    }
    const ratio = Math.min(1, this.done / this.total);
    const filled = Math.round(ratio * 30);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(30 - filled)}`;
    this.out.write(
      `${clear}${this.label} [${bar}] ${String(Math.round(ratio * 100)).padStart(3)}% ${bytes(this.done)} / ${bytes(this.total)}`,
    );
  }
}
