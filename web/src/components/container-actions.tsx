import { useState } from 'preact/hooks';
import { api, containerPath } from '../api/client';
import type { Container } from '../api/types';
import { useServices } from '../context';
import { ACTIONS, allowed, type Action } from './actions';

/** Start, Stop, Restart, Pause, Unpause and Delete for one container; refusals become notices. */
export function ContainerActions({ container, onDeleted }: { container: Container; onDeleted?: () => void }) {
  const { containers, notices } = useServices();
  const [busy, setBusy] = useState<string | null>(null);
  const short = container.cuid.slice(0, 9);

  const run = async (action: Action, label: string): Promise<void> => {
    setBusy(action);
    try {
      containers.put(await api<Container>('POST', containerPath(container.cuid, `/${action}`)));
    } catch (err) {
      notices.error(`${label} ${short} refused:`, err);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (): Promise<void> => {
    if (!confirm(`Delete container ${container.cuid}? Its files in /app are deleted too.`)) return;
    setBusy('delete');
    try {
      await api('DELETE', containerPath(container.cuid));
      containers.remove(container.cuid);
      notices.info(`Deleted ${short}`);
      onDeleted?.();
    } catch (err) {
      notices.error(`Delete ${short} refused:`, err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="actions" role="group" aria-label={`Actions for ${container.cuid}`}>
      {ACTIONS.map(({ action, label }) => (
        <button
          key={action}
          type="button"
          disabled={busy !== null || !allowed(action, container.status)}
          aria-busy={busy === action}
          onClick={() => void run(action, label)}
        >
          {label}
        </button>
      ))}
      <button type="button" class="danger" disabled={busy !== null} onClick={() => void remove()}>
        Delete
      </button>
    </div>
  );
}
