import { useEffect, useState } from 'preact/hooks';

/**
 * The console's own routes live in the URL fragment (`#/containers/<cuid>/logs`, `#/audit`), so
 * the service only ever serves `/` for it and every other path stays the API's.
 */
export type Route =
  { page: 'containers' } | { page: 'container'; cuid: string; tab: string } | { page: 'audit'; cuid?: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'containers' && parts[1]) return { page: 'container', cuid: parts[1], tab: parts[2] ?? 'overview' };
  if (parts[0] === 'audit') return { page: 'audit' };
  return { page: 'containers' };
}

export const hrefContainer = (cuid: string, tab?: string): string =>
  `#/containers/${encodeURIComponent(cuid)}${tab ? `/${tab}` : ''}`;

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
