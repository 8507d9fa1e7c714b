import type { Port } from '../api/types';

/** Published ports as links to this host (the service and the containers share it). */
export function PortLinks({ ports }: { ports: Port[] }) {
  return (
    <>
      {ports.map((p) =>
        p.protocol === 'tcp' ? (
          <a
            key={`${p.host}/${p.protocol}`}
            class="port"
            href={`http://${location.hostname}:${p.host}`}
            target="_blank"
            rel="noopener noreferrer"
          >
            {p.host}→{p.container}
          </a>
        ) : (
          <span key={`${p.host}/${p.protocol}`} class="port">
            {p.host}→{p.container}/udp
          </span>
        ),
      )}
    </>
  );
}
