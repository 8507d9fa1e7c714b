import type { Status } from '../api/types';

/** The API's own status word, coloured; fixed width so rows do not shift as it changes. */
export function StatusBadge({ status }: { status: Status }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}
