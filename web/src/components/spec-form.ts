import type { Container, Port } from '../api/types';

export interface EnvRow {
  key: string;
  value: string;
}

export interface PortRow {
  host: string;
  container: string;
  protocol: 'tcp' | 'udp';
}

/** What the create and edit forms hold, as typed. */
export interface SpecValues {
  image: string;
  env: EnvRow[];
  tags: string;
  cpus: string;
  memory: string;
  pids: string;
  ports: PortRow[];
  command: string;
  /** Lifetimes in seconds (`ttl_s`, `idle_stop_s`); empty: none (on create: the service's default). */
  ttl: string;
  idleStop: string;
}

export type FieldName =
  'image' | 'env' | 'tags' | 'cpus' | 'memory' | 'pids' | 'ports' | 'command' | 'ttl' | 'idle_stop';

export const emptySpec = (): SpecValues => ({
  image: '',
  env: [],
  tags: '',
  cpus: '',
  memory: '',
  pids: '',
  ports: [],
  command: '',
  ttl: '',
  idleStop: '',
});

export function specOf(c: Container): SpecValues {
  return {
    image: c.image,
    env: Object.entries(c.env)
      .filter(([key]) => key !== 'CONTAINER_UID' && key !== 'TAGS')
      .map(([key, value]) => ({ key, value })),
    tags: c.tags.join(', '),
    cpus: c.resources.cpus === undefined ? '' : String(c.resources.cpus),
    memory: c.resources.memory ?? '',
    pids: c.resources.pids === undefined ? '' : String(c.resources.pids),
    ports: c.ports.map((p) => ({ host: String(p.host), container: String(p.container), protocol: p.protocol })),
    command: c.command ? c.command.map(quoteWord).join(' ') : '',
    ttl: c.ttl_s === null ? '' : String(c.ttl_s),
    idleStop: c.idle_stop_s === null ? '' : String(c.idle_stop_s),
  };
}

/** A number when it reads as one; otherwise the text, so the API names the field it refuses. */
function numberOr(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

export function resourcesOf(v: SpecValues): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  if (v.cpus.trim()) resources.cpus = numberOr(v.cpus.trim());
  if (v.memory.trim()) resources.memory = v.memory.trim();
  if (v.pids.trim()) resources.pids = numberOr(v.pids.trim());
  return resources;
}

export function envOf(v: SpecValues): Record<string, string> {
  const env: Record<string, string> = {};
  for (const row of v.env) if (row.key.trim()) env[row.key.trim()] = row.value;
  return env;
}

export function tagsOf(v: SpecValues): string[] {
  return v.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

export function portsOf(v: SpecValues): (Port | Record<string, unknown>)[] {
  return v.ports
    .filter((p) => p.host.trim() || p.container.trim())
    .map((p) => ({ host: numberOr(p.host.trim()), container: numberOr(p.container.trim()), protocol: p.protocol }));
}

/** The create request: only what the operator filled in. */
export function createBody(v: SpecValues): Record<string, unknown> {
  const body: Record<string, unknown> = { image: v.image.trim() };
  const env = envOf(v);
  if (Object.keys(env).length) body.env = env;
  const tags = tagsOf(v);
  if (tags.length) body.tags = tags;
  const resources = resourcesOf(v);
  if (Object.keys(resources).length) body.resources = resources;
  const ports = portsOf(v);
  if (ports.length) body.ports = ports;
  const command = splitCommand(v.command);
  if (command.length) body.command = command;
  if (v.ttl.trim()) body.ttl_s = numberOr(v.ttl.trim());
  if (v.idleStop.trim()) body.idle_stop_s = numberOr(v.idleStop.trim());
  return body;
}

/** A lifetime as the PATCH takes it: empty removes it (null). */
const lifetimeOf = (text: string): number | string | null => (text.trim() ? numberOr(text.trim()) : null);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The PATCH body of an edit: only the fields that differ from the container as loaded. Sending an
 * unchanged field is not harmless: a `ttl_s` restarts its count from now, and any field makes a
 * running container go through `compose up` again.
 */
export function patchBody(before: Container, edited: SpecValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const was = specOf(before);
  const oldEnv = envOf(was);
  const newEnv = envOf(edited);
  const env: Record<string, string | null> = {};
  for (const key of Object.keys(oldEnv)) if (!(key in newEnv)) env[key] = null;
  for (const [key, value] of Object.entries(newEnv)) if (oldEnv[key] !== value) env[key] = value;
  if (Object.keys(env).length) body.env = env;
  if (!same(tagsOf(edited), before.tags)) body.tags = tagsOf(edited);
  const oldResources = resourcesOf(was);
  const newResources = resourcesOf(edited);
  const resources: Record<string, unknown> = {};
  for (const key of ['cpus', 'memory', 'pids']) {
    if (!same(oldResources[key] ?? null, newResources[key] ?? null)) resources[key] = newResources[key] ?? null;
  }
  if (Object.keys(resources).length) body.resources = resources;
  const command = splitCommand(edited.command);
  if (!same(command.length ? command : null, before.command)) body.command = command.length ? command : null;
  if (!same(lifetimeOf(edited.ttl), before.ttl_s)) body.ttl_s = lifetimeOf(edited.ttl);
  if (!same(lifetimeOf(edited.idleStop), before.idle_stop_s)) body.idle_stop_s = lifetimeOf(edited.idleStop);
  return body;
}

/** Whether the edit changes the port list (sent separately, to PATCH …/ports). */
export const portsChanged = (before: Container, edited: SpecValues): boolean =>
  !same(portsOf(edited), portsOf(specOf(before)));

/** Which form field an API error's `details.field` names (`resources.memory` → Memory). */
export function fieldOf(apiField: string | undefined): FieldName | null {
  if (!apiField) return null;
  const [head, second] = apiField.split(/[.[]/);
  if (head === 'resources') {
    if (second === 'cpus' || second === 'memory' || second === 'pids') return second;
    return 'cpus';
  }
  if (head === 'ttl_s') return 'ttl';
  if (head === 'idle_stop_s') return 'idle_stop';
  const fields: FieldName[] = ['image', 'env', 'tags', 'ports', 'command'];
  return fields.find((f) => f === head) ?? null;
}

/** Splits a command line into words the way a shell would for simple quoting: "a b" and 'a b'. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  }
  return words;
}

function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/["\\]/g, '\\$&')}"`;
}
