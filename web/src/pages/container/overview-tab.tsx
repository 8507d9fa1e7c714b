import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, containerPath } from '../../api/client';
import type { Container, ContainerState, ErrorBody } from '../../api/types';
import { byteSize } from '../../components/byte-size';
import { PortLinks } from '../../components/port-links';
import { SpecFields } from '../../components/spec-fields';
import {
  fieldOf,
  patchBody,
  portsChanged,
  portsOf,
  specOf,
  type FieldName,
  type SpecValues,
} from '../../components/spec-form';
import { useServices } from '../../context';

const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

function diskText({ app_bytes, complete }: Container['disk_usage']): string {
  if (app_bytes === null) return 'not measured yet';
  return complete ? byteSize(app_bytes) : `at least ${byteSize(app_bytes)}`;
}

/** The full config and live status, and editing (PATCH) of env, tags, resources, ports and command. */
export function OverviewTab({ container }: { container: Container }) {
  const { containers, notices } = useServices();
  const [state, setState] = useState<ContainerState | null>(null);
  const [editing, setEditing] = useState<SpecValues | null>(null);
  const [fieldError, setFieldError] = useState<{ field: FieldName; error: ErrorBody } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<ContainerState>('GET', containerPath(container.cuid, '/status')).then(setState, () => setState(null));
  }, [container.cuid, container.status, container.updated_at]);

  const keepAlive = async (): Promise<void> => {
    try {
      containers.put(await api<Container>('POST', containerPath(container.cuid, '/keepalive')));
    } catch (err) {
      notices.error('Keep alive refused:', err);
    }
  };

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!editing) return;
    setBusy(true);
    setFieldError(null);
    try {
      const body = patchBody(container, editing);
      const ports = portsChanged(container, editing);
      if (Object.keys(body).length === 0 && !ports) {
        notices.info('Nothing changed');
        setEditing(null);
        return;
      }
      let updated = container;
      let recreated = false;
      if (Object.keys(body).length) {
        updated = await api<Container>('PATCH', containerPath(container.cuid), body);
        recreated = updated.recreated === true;
      }
      if (ports) {
        updated = await api<Container>('PATCH', containerPath(container.cuid, '/ports'), { ports: portsOf(editing) });
        recreated ||= updated.recreated === true;
      }
      containers.put(updated);
      // Lifetimes take effect at once (the reaper reads them); the rest reaches the engine at up or start.
      const lifetimesOnly = !ports && Object.keys(body).every((k) => k === 'ttl_s' || k === 'idle_stop_s');
      notices.info(
        recreated
          ? 'Saved; the container was recreated to apply the change'
          : lifetimesOnly
            ? 'Saved; the new lifetimes apply now'
            : 'Saved; a stopped container picks the change up at its next start',
      );
      setEditing(null);
    } catch (err) {
      const field = err instanceof ApiError ? fieldOf(err.field) : null;
      if (err instanceof ApiError && field) setFieldError({ field, error: err.body });
      else notices.error('Save refused:', err);
    } finally {
      setBusy(false);
    }
  };

  if (editing) {
    return (
      <form aria-label="Edit container" onSubmit={(e) => void save(e)} noValidate>
        <SpecFields id="edit" values={editing} onChange={setEditing} fieldError={fieldError} withImage={false} />
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={() => (setEditing(null), setFieldError(null))}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  const env = Object.entries(container.env);
  return (
    <div class="overview">
      <dl class="facts">
        <dt>Status</dt>
        <dd>{container.status}</dd>
        <dt>Exit code</dt>
        <dd>{state?.exit_code ?? '—'}</dd>
        <dt>Started</dt>
        <dd>{when(state?.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{when(state?.finished_at)}</dd>
        <dt>OOM killed</dt>
        <dd>{state ? (state.oom_killed ? 'yes' : 'no') : '—'}</dd>
        <dt>Restarts</dt>
        <dd>{state?.restart_count ?? '—'}</dd>
        <dt>Image</dt>
        <dd class="mono">{container.image}</dd>
        <dt>Command</dt>
        <dd class="mono">{container.command ? container.command.join(' ') : 'python /app/boot.py (default)'}</dd>
        <dt>Tags</dt>
        <dd>{container.tags.join(', ') || '—'}</dd>
        <dt>Resources</dt>
        <dd>
          CPUs {container.resources.cpus ?? '—'} · Memory {container.resources.memory ?? '—'} · PIDs{' '}
          {container.resources.pids ?? '—'}
        </dd>
        <dt>Ports</dt>
        <dd>{container.ports.length ? <PortLinks ports={container.ports} /> : '—'}</dd>
        <dt>Disk (/app)</dt>
        <dd>{diskText(container.disk_usage)}</dd>
        <dt>Expires</dt>
        <dd>{container.expires_at ? `${when(container.expires_at)} (ttl ${container.ttl_s} s)` : 'never'}</dd>
        <dt>Idle stop</dt>
        <dd>
          {container.idle_stop_s === null ? (
            'never'
          ) : (
            <>
              after {container.idle_stop_s} s unused
              {container.idle_stop_at && <> · next at {when(container.idle_stop_at)}</>}{' '}
              <button type="button" class="small" onClick={() => void keepAlive()}>
                Keep alive
              </button>
            </>
          )}
        </dd>
        <dt>Created</dt>
        <dd>{when(container.created_at)}</dd>
        <dt>Updated</dt>
        <dd>{when(container.updated_at)}</dd>
      </dl>
      <h2>Environment</h2>
      {env.length === 0 ? (
        <p class="muted">No variables (besides CONTAINER_UID and TAGS, which every container gets).</p>
      ) : (
        <table class="env">
          <tbody>
            {env.map(([k, v]) => (
              <tr key={k}>
                <th scope="row" class="mono">
                  {k}
                </th>
                <td class="mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => setEditing(specOf(container))}>
        Edit
      </button>
    </div>
  );
}
