import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client';
import type { AuditEntry, ErrorBody } from '../../api/types';
import { hrefContainer } from '../../router';

interface Filters {
  action: string;
  cuid: string;
  user: string;
  errorsOnly: boolean;
}

const PAGE = 100;

function query(f: Filters, cursor: string | null): string {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.cuid.trim()) q.set('cuid', f.cuid.trim());
  if (f.user.trim()) q.set('user', f.user.trim());
  if (f.errorsOnly) q.set('error', 'true');
  if (cursor) q.set('cursor', cursor);
  return `/audit?${q.toString()}`;
}

/** The audit log, newest first, filtered on the server, paged back in time. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>({ action: '', cuid: '', user: '', errorsOnly: false });
  const [filters, setFilters] = useState(draft);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (f: Filters, after: string | null): Promise<void> => {
    setLoading(true);
    setError(null);
    try {
      const page = await api<{ entries: AuditEntry[]; next_cursor: string | null }>('GET', query(f, after));
      setEntries((prev) => (after ? [...prev, ...page.entries] : page.entries));
      setCursor(page.next_cursor);
    } catch (err) {
      if (!after) setEntries([]);
      setError(err instanceof ApiError ? err.body : null);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => void load(filters, null), [filters]);

  return (
    <section aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">Audit</h1>
        <button type="button" onClick={() => void load(filters, null)}>
          Refresh
        </button>
      </div>
      <form class="filters" role="search" onSubmit={(e) => (e.preventDefault(), setFilters({ ...draft }))}>
        <label>
          Action
          <input
            value={draft.action}
            placeholder="container.start,container.stop"
            onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
          />
        </label>
        <label>
          Container
          <input value={draft.cuid} onInput={(e) => setDraft({ ...draft, cuid: e.currentTarget.value })} />
        </label>
        <label>
          User
          <input value={draft.user} onInput={(e) => setDraft({ ...draft, user: e.currentTarget.value })} />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={draft.errorsOnly}
            onChange={(e) => setDraft({ ...draft, errorsOnly: e.currentTarget.checked })}
          />
          Errors only
        </label>
        <button type="submit">Apply filters</button>
      </form>
      {error && (
        <p class="field-error" role="alert">
          <code>{error.code}</code> {error.message}
          {error.request_id && <span class="notice-rid"> (request_id {error.request_id})</span>}
        </p>
      )}
      <table class="audit">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">User</th>
            <th scope="col">Action</th>
            <th scope="col">Container</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Code</th>
            <th scope="col">Request id</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={`${e.request_id}-${i}`} class={e.status >= 400 ? 'failed' : undefined}>
              <td>
                <time dateTime={e.timestamp}>{new Date(e.timestamp).toLocaleString()}</time>
              </td>
              <td>{e.user ?? '—'}</td>
              <td class="mono">{e.action ?? `${e.method} ${e.path}`}</td>
              <td class="mono">
                {e.cuid ? (
                  <a href={hrefContainer(e.cuid)} title={e.cuid}>
                    {e.cuid.slice(0, 9)}
                  </a>
                ) : (
                  '—'
                )}
              </td>
              <td>{e.status}</td>
              <td>{e.duration_ms} ms</td>
              <td class="mono">{e.code ?? ''}</td>
              <td class="mono small">{e.request_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && <p>Loading…</p>}
      {cursor && !loading && (
        <button type="button" onClick={() => void load(filters, cursor)}>
          Older entries
        </button>
      )}
    </section>
  );
}
