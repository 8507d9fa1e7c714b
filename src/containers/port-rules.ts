import { ConflictError, ValidationError } from '../common/errors/app-error';
import { ComposeError } from '../common/errors/app-error';
import type { ContainerSpec, PortMapping } from './container.types';
import { ContainersErrorCode } from './containers.errors';

/**
 * Fills the default protocol and rejects a host port listed twice in one request. A port counts as
 * taken whatever address it is bound to: simpler to reason about than per-address sharing.
 */
export function normalizePorts(
  ports: { host: number; container: number; protocol?: 'tcp' | 'udp'; host_ip?: string }[],
): PortMapping[] {
  const seen = new Set<string>();
  return ports.map((p) => {
    const port: PortMapping = { host: p.host, container: p.container, protocol: p.protocol ?? 'tcp' };
    if (p.host_ip !== undefined) port.host_ip = p.host_ip;
    const key = `${port.host}/${port.protocol}`;
    if (seen.has(key)) {
      throw new ValidationError(ContainersErrorCode.DUPLICATE_HOST_PORT, `Host port ${key} is listed twice`, {
        field: 'ports',
        port: port.host,
        protocol: port.protocol,
      });
    }
    seen.add(key);
    return port;
  });
}

/** 409 PORT_CONFLICT when another managed container already publishes one of these host ports. */
export function assertNoPortConflict(cuid: string, ports: PortMapping[], others: ContainerSpec[]): void {
  for (const other of others) {
    if (other.cuid === cuid) continue;
    for (const p of ports) {
      if (other.ports.some((o) => o.host === p.host && o.protocol === p.protocol)) {
        throw new ConflictError(
          ContainersErrorCode.PORT_CONFLICT,
          `Host port ${p.host}/${p.protocol} is used by another container`,
          {
            port: p.host,
            protocol: p.protocol,
            cuid: other.cuid,
          },
        );
      }
    }
  }
}

const BIND_FAILURE = /(?:port is already allocated|address already in use)/i;

/** A compose failure caused by a host port that something else holds becomes a 409 naming the port. */
export function asBindFailure(err: unknown, ports: PortMapping[]): unknown {
  if (!(err instanceof ComposeError)) return err;
  const stderr = ((err.details.stderr as string[] | undefined) ?? []).join('\n');
  if (!BIND_FAILURE.test(stderr)) return err;
  const mentioned = [...stderr.matchAll(/:(\d{1,5})\b/g)].map((m) => Number(m[1]));
  const port = ports.find((p) => mentioned.includes(p.host))?.host ?? ports[0]?.host ?? null;
  return new ConflictError(ContainersErrorCode.PORT_BIND_FAILED, `Host port ${port ?? ''} could not be bound`.trim(), {
    port,
    stderr: err.details.stderr,
  });
}
