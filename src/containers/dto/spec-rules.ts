import { cpus } from 'node:os';
import { parseMemorySize } from '../../common/units';

/** Limits and grammars for container specs, shared by the create and update DTOs. */
export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
export const RESERVED_ENV_KEYS = new Set(['CONTAINER_UID', 'TAGS']);
export const MAX_ENV_ENTRIES = 1000;
export const MAX_ENV_VALUE_BYTES = 32 * 1024;
export const TAG = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,63}$/;
export const MAX_TAGS = 50;
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/**
 * Docker's image reference grammar (domain[:port]/path[:tag][@digest]), anchored, so nothing that
 * starts with `-` or holds spaces, quotes or shell characters can pass as an image.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST_PART = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const PORT = '(?::[0-9]{1,5})';
// As in Docker, a first component is a registry only if it has a dot or a port, or is localhost.
const DOMAIN = `(?:localhost${PORT}?|${HOST_PART}(?:\\.${HOST_PART})+${PORT}?|${HOST_PART}${PORT})`;
export const IMAGE_REF = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
export const MAX_IMAGE_LENGTH = 255;

export function hostCpuCount(): number {
  return cpus().length;
}

/** Docker-style memory sizes (`512m`, `4096m`, `1g`, `1.5GB`, `1048576`) to bytes, or null. */
export function parseMemory(value: string): number | null {
  return parseMemorySize(value)?.bytes ?? null;
}
