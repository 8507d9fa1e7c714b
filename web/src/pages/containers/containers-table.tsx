import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Container } from '../../api/types';
import { ContainerActions } from '../../components/container-actions';
import { CopyCuid } from '../../components/copy-cuid';
import { PortLinks } from '../../components/port-links';
import { StatusBadge } from '../../components/status-badge';
import { hrefContainer } from '../../router';
import { rowWindow } from './row-window';

/** Every row is exactly this tall (styles.css pins it), so the window is arithmetic, not measurement. */
export const ROW_HEIGHT = 40;
const OVERSCAN = 10;
const COLUMNS = 7;

/** Space standing in for the rows above or below the window; hidden from screen readers and tests. */
function Spacer({ rows }: { rows: number }) {
  if (rows <= 0) return null;
  return (
    <tr class="spacer" aria-hidden="true">
      <td colSpan={COLUMNS} style={{ height: `${rows * ROW_HEIGHT}px` }} />
    </tr>
  );
}

function Row({ c, index }: { c: Container; index: number }) {
  return (
    <tr data-cuid={c.cuid} aria-rowindex={index + 2}>
      <td>
        <a href={hrefContainer(c.cuid)} title={c.cuid} class="mono">
          {c.cuid.slice(0, 9)}
        </a>
        <CopyCuid cuid={c.cuid} />
      </td>
      <td class="mono" title={c.image}>
        {c.image}
      </td>
      <td>
        <StatusBadge status={c.status} />
      </td>
      <td title={c.tags.join(', ')}>
        {c.tags.map((t) => (
          <span key={t} class="tag">
            {t}
          </span>
        ))}
      </td>
      <td>
        <PortLinks ports={c.ports} />
      </td>
      <td>
        <time dateTime={c.created_at} title={c.created_at}>
          {new Date(c.created_at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
        </time>
      </td>
      <td>
        <ContainerActions container={c} />
      </td>
    </tr>
  );
}

/**
 * The containers as a windowed table: only the rows in (and just around) the scrolled viewport are
 * in the DOM, between two spacers as tall as the rows they replace, so 500 or 5,000 containers cost
 * the same to draw and a live status change re-renders a few dozen rows. `resetKey` (the filters)
 * scrolls back to the top when it changes.
 */
export function ContainersTable({ rows, resetKey }: { rows: Container[]; resetKey: string }) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(() => window.innerHeight);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const measure = (): void => setHeight(el.clientHeight || window.innerHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  const { first, end } = rowWindow(rows.length, ROW_HEIGHT, scrollTop, height, OVERSCAN);
  return (
    <div
      ref={viewport}
      class="table-viewport"
      role="region"
      aria-label="Containers list"
      tabIndex={0}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <table class="containers" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Container</th>
            <th scope="col">Image</th>
            <th scope="col">Status</th>
            <th scope="col">Tags</th>
            <th scope="col">Ports</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <Spacer rows={first} />
          {rows.slice(first, end).map((c, i) => (
            <Row key={c.cuid} c={c} index={first + i} />
          ))}
          <Spacer rows={rows.length - end} />
        </tbody>
      </table>
    </div>
  );
}
