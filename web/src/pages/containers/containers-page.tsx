import { useMemo, useState } from 'preact/hooks';
import { STATUSES } from '../../api/types';
import { useServices } from '../../context';
import { useObservable } from '../../state/store';
import { ContainersTable } from './containers-table';
import { CreateForm } from './create-form';

/** The home page: every container, filtered in the browser, in a windowed table, updated live. */
export function ContainersPage() {
  const { containers } = useServices();
  useObservable(containers);
  const [creating, setCreating] = useState(false);
  const [status, setStatus] = useState('');
  const [tag, setTag] = useState('');
  const [search, setSearch] = useState('');

  const all = [...containers.byCuid.values()];
  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const tagNeedle = tag.trim();
    return all
      .filter((c) => !status || c.status === status)
      .filter((c) => !tagNeedle || c.tags.includes(tagNeedle))
      .filter((c) => !needle || c.cuid.startsWith(needle))
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.cuid.localeCompare(b.cuid));
  }, [all, status, tag, search]);
  const tags = [...new Set(all.flatMap((c) => c.tags))].sort();

  return (
    <section aria-labelledby="containers-title">
      <div class="page-head">
        <h1 id="containers-title">Containers</h1>
        <button type="button" class="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New container
        </button>
      </div>
      {creating && <CreateForm onDone={() => setCreating(false)} />}
      <div class="filters" role="search">
        <label>
          Status filter
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag filter
          <input list="known-tags" value={tag} onInput={(e) => setTag(e.currentTarget.value)} />
          <datalist id="known-tags">
            {tags.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <label>
          Search cuid
          <input value={search} placeholder="c1a2…" onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <span class="count">
          {rows.length} of {all.length}
        </span>
      </div>
      {!containers.loaded && !containers.loadError && <p>Loading containers…</p>}
      {containers.loadError !== null && <p class="error">Could not load the containers; see the notice.</p>}
      <ContainersTable rows={rows} resetKey={`${status}\n${tag}\n${search}`} />
      {containers.loaded && rows.length === 0 && (
        <p class="muted empty">
          {all.length === 0 ? 'No containers yet: New container creates one.' : 'No container matches the filters.'}
        </p>
      )}
    </section>
  );
}
