import { parse, stringify } from 'yaml';
import type { ContainerSpec } from '../containers/container.types';

export const SPEC_VERSION = 1;
export const MANAGED_LABEL = 'io.container-manager.managed';
export const ROOT_LABEL = 'io.container-manager.root';
export const DEFAULT_COMMAND = ['python', '/app/boot.py'];
const META_KEY = 'x-container-manager';

export interface RenderContext {
  /** uid:gid the container's process runs as. */
  user: string;
  /** Host directory bind-mounted at /app. */
  appDir: string;
  /** COMPOSE_PROJECTS_DIR, labelled on every container so the state cache only sees this instance's. */
  projectsRoot: string;
}

/**
 * Renders a container spec as compose.yaml from an allow-list of keys: nothing in a request can add
 * privileged mode, host namespaces, devices, capabilities or volumes. Every string is escaped for
 * compose interpolation (`$` → `$$`) and double-quoted, so YAML and compose take it literally.
 */
export function renderComposeFile(spec: ContainerSpec, ctx: RenderContext): string {
  const environment: Record<string, string> = {
    // boot.py's prints must reach `docker logs` and attach as they happen, not when its buffer fills.
    PYTHONUNBUFFERED: '1',
    ...spec.env,
    CONTAINER_UID: spec.cuid,
    TAGS: spec.tags.join(','),
  };
  const limits: Record<string, string | number> = {};
  if (spec.resources.cpus !== undefined) limits.cpus = String(spec.resources.cpus);
  if (spec.resources.memory !== undefined) limits.memory = spec.resources.memory;
  if (spec.resources.pids !== undefined) limits.pids = spec.resources.pids;
  const service: Record<string, unknown> = {
    image: spec.image,
    command: spec.command ?? DEFAULT_COMMAND,
    working_dir: '/app',
    user: ctx.user,
    environment,
    volumes: [{ type: 'bind', source: ctx.appDir, target: '/app' }],
    network_mode: 'bridge',
    init: true,
    stdin_open: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    pull_policy: 'never',
    restart: 'no',
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
    labels: { [MANAGED_LABEL]: 'true', [ROOT_LABEL]: ctx.projectsRoot },
  };
  if (Object.keys(limits).length > 0) service.deploy = { resources: { limits } };
  if (spec.ports.length > 0) {
    service.ports = spec.ports.map((p) => ({ target: p.container, published: String(p.host), protocol: p.protocol }));
  }
  const doc = {
    name: spec.cuid,
    services: { app: service },
    [META_KEY]: {
      version: SPEC_VERSION,
      image: spec.image,
      env: spec.env,
      tags: spec.tags,
      resources: spec.resources,
      ports: spec.ports,
      command: spec.command,
      created_at: spec.created_at,
      updated_at: spec.updated_at,
      ttl_s: spec.ttl_s,
      expires_at: spec.expires_at,
      idle_stop_s: spec.idle_stop_s,
    },
  };
  return stringify(escapeDollars(doc), { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

/** Reads back the spec this service wrote; throws on a file it did not write. */
export function parseComposeFile(cuid: string, text: string): ContainerSpec {
  const doc = unescapeDollars(parse(text) as unknown) as Record<string, unknown>;
  const meta = doc?.[META_KEY] as Record<string, unknown> | undefined;
  if (!meta || meta.version !== SPEC_VERSION)
    throw new Error(`compose file of ${cuid} has no ${META_KEY} v${SPEC_VERSION}`);
  return {
    cuid,
    image: String(meta.image),
    env: (meta.env ?? {}) as Record<string, string>,
    tags: (meta.tags ?? []) as string[],
    resources: meta.resources ?? {},
    ports: (meta.ports ?? []) as ContainerSpec['ports'],
    command: (meta.command ?? null) as string[] | null,
    created_at: String(meta.created_at),
    updated_at: String(meta.updated_at),
    ttl_s: meta.ttl_s as number | null | undefined,
    expires_at: meta.expires_at as string | null | undefined,
    idle_stop_s: meta.idle_stop_s as number | null | undefined,
  };
}

function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  }
  return value;
}

function unescapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\$/g, '$');
  if (Array.isArray(value)) return value.map(unescapeDollars);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeDollars(v)]));
  }
  return value;
}
