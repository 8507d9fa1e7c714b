import { parse, stringify } from 'yaml';
import { CONTROL_CHARS, parseMemorySize } from '../common/units';
import { MANAGED_LABEL, ROOT_LABEL } from '../compose/labels';
import type { ContainerSpec } from './container.types';

export const SPEC_VERSION = 1;
export const DEFAULT_COMMAND = ['python', '/app/boot.py'];
const META_KEY = 'x-container-manager';

export interface RenderContext {
  /** uid:gid the container's process runs as. */
  user: string;
  /** Host directory bind-mounted at /app. */
  appDir: string;
  /** COMPOSE_PROJECTS_DIR, labelled on every container so the state cache only sees this instance's. */
  projectsRoot: string;
  /** The one shared network every container joins (`bridge`: Docker's default bridge). */
  network: string;
  /** Host address for ports that name none. */
  portBindAddress: string;
}

/**
 * Renders a container spec as compose.yaml from an allow-list of keys: nothing in a request can add
 * privileged mode, host namespaces, devices, capabilities or volumes. Every string is escaped for
 * compose interpolation (`$` → `$$`) and double-quoted, so YAML and compose take it literally.
 */
export function renderComposeFile(spec: ContainerSpec, ctx: RenderContext): string {
  assertPlainSettings(spec, ctx);
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
    service.ports = spec.ports.map((p) => ({
      target: p.container,
      published: String(p.host),
      protocol: p.protocol,
      host_ip: p.host_ip ?? ctx.portBindAddress,
    }));
  }
  // One network for all (created once, outside compose): a network per project would exhaust
  // Docker's address pools after about 30 containers.
  if (ctx.network === 'bridge') service.network_mode = 'bridge';
  const doc = {
    name: spec.cuid,
    services: { app: service },
    ...(ctx.network === 'bridge' ? {} : { networks: { default: { name: ctx.network, external: true } } }),
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
    resources: readResources(meta.resources),
    ports: (meta.ports ?? []) as ContainerSpec['ports'],
    command: (meta.command ?? null) as string[] | null,
    created_at: String(meta.created_at),
    updated_at: String(meta.updated_at),
    ttl_s: meta.ttl_s as number | null | undefined,
    expires_at: meta.expires_at as string | null | undefined,
    idle_stop_s: meta.idle_stop_s as number | null | undefined,
  };
}

/**
 * Older versions stored memory as sent (`" 512m"`, `"512m\n"`), which broke every later compose call
 * on the project; read back, it becomes the canonical spelling (or goes, if it never was a size).
 */
function readResources(raw: unknown): ContainerSpec['resources'] {
  const resources = { ...((raw ?? {}) as ContainerSpec['resources']) };
  if (resources.memory !== undefined) {
    const size = typeof resources.memory === 'string' ? parseMemorySize(resources.memory.trim()) : null;
    if (size) resources.memory = size.canonical;
    else delete resources.memory;
  }
  return resources;
}

/**
 * Env values and command arguments are data handed to the process byte for byte (newlines included,
 * YAML-escaped); every other string is a compose setting, where a control character has no
 * legitimate use. The DTOs refuse them; this is the last line, should a caller forget.
 */
function assertPlainSettings(spec: ContainerSpec, ctx: RenderContext): void {
  const settings = [
    spec.image,
    spec.resources.memory ?? '',
    ctx.network,
    ctx.portBindAddress,
    ...spec.tags,
    ...spec.ports.map((p) => p.host_ip ?? ''),
  ];
  if (settings.some((v) => CONTROL_CHARS.test(v))) throw new Error(`spec of ${spec.cuid} holds a control character`);
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
