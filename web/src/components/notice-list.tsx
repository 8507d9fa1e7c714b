import { useServices } from '../context';
import { useObservable } from '../state/store';

/** Refused calls, with the API's code, message and request id, until dismissed. */
export function NoticeList() {
  const { notices } = useServices();
  useObservable(notices);
  return (
    <section class="notices" aria-label="Notices" aria-live="polite">
      {notices.items.map((n) => (
        <div key={n.id} class={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <div class="notice-text">
            <strong>{n.title}</strong>
            {n.error && (
              <>
                {' '}
                <code class="notice-code">{n.error.code}</code> {n.error.message}
                {n.error.request_id && <span class="notice-rid"> (request_id {n.error.request_id})</span>}
              </>
            )}
          </div>
          <button type="button" class="link" onClick={() => notices.dismiss(n.id)} aria-label="Dismiss notice">
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
