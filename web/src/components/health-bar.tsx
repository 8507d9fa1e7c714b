import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/client';
import { STATUSES, type Health } from '../api/types';
import { useServices } from '../context';
import { useObservable } from '../state/store';

const HEALTH_EVERY_MS = 15_000;

/** Engine reachable, compose version, and how many containers are in each status. */
export function HealthBar() {
  const { containers } = useServices();
  useObservable(containers);
  const [health, setHealth] = useState<Health | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const check = (): void => {
      api<Health>('GET', '/healthz').then(
        (h) => {
          setHealth(h);
          setProblem(null);
        },
        (err: unknown) => setProblem(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)),
      );
    };
    check();
    const timer = setInterval(check, HEALTH_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  const counts = new Map<string, number>();
  for (const c of containers.byCuid.values()) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return (
    <section class="health" aria-label="Health">
      {problem ? (
        <span class="health-bad" title={problem}>
          Engine unreachable
        </span>
      ) : health ? (
        <span class="health-ok" title={`Docker ${health.docker_version}`}>
          Engine OK · compose {health.compose_version}
        </span>
      ) : (
        <span>Checking engine…</span>
      )}
      <span class="health-counts">
        {containers.byCuid.size} {containers.byCuid.size === 1 ? 'container' : 'containers'}
        {STATUSES.filter((s) => counts.get(s)).map((s) => (
          <span key={s}>
            {' '}
            · {counts.get(s)} {s}
          </span>
        ))}
      </span>
      <span class="health-live" title="How status changes reach this page">
        {containers.mode === 'events' ? 'live' : containers.mode === 'polling' ? 'polling' : '…'}
      </span>
    </section>
  );
}
