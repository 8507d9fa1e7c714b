/** Which rows of a fixed-height list a viewport shows, plus a margin drawn ahead of the scroll. */
export interface RowWindow {
  first: number;
  /** One past the last row drawn. */
  end: number;
}

export function rowWindow(
  total: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { first: 0, end: 0 };
  // A stale position (the list shrank under it) counts as the bottom the browser will clamp it to.
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, total * rowHeight - viewportHeight));
  const first = Math.min(total, Math.max(0, Math.floor(top / rowHeight) - overscan));
  const end = Math.min(total, Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight) + overscan);
  return { first: Math.min(first, end), end };
}
