import { errorCodes } from '../common/errors/error-codes';

/** Codes of the container resources: lookups, the lifecycle, specs (the DTOs) and the project store. */
export const ContainersErrorCode = errorCodes(
  'CONTAINER_NOT_FOUND',
  'CONTAINER_NOT_PAUSED',
  'CONTAINER_PAUSED',
  'BOOT_SCRIPT_MISSING',
  'PRECONDITION_FAILED',
  'MISSING_IMAGE',
  'INVALID_IMAGE',
  'IMAGE_NOT_FOUND',
  'IMAGE_NOT_PRESENT',
  'IMAGE_REGISTRY_NOT_ALLOWED',
  'INVALID_ENV',
  'INVALID_TAGS',
  'INVALID_TAG',
  'INVALID_RESOURCES',
  'INVALID_CPUS',
  'INVALID_MEMORY',
  'INVALID_PIDS',
  'RESOURCE_ABOVE_MAX',
  'INVALID_COMMAND',
  'INVALID_TTL',
  'INVALID_IDLE_STOP',
  'INVALID_PORTS',
  'INVALID_PORT',
  'INVALID_PROTOCOL',
  'INVALID_HOST_IP',
  'DUPLICATE_HOST_PORT',
  'PORT_CONFLICT',
  'PORT_BIND_FAILED',
  'INVALID_TIMEOUT',
  'PROJECT_WRITE_FAILED',
  'PROJECT_DELETE_FAILED',
  'LEFTOVER_REMOVE_FAILED',
);

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    containers: typeof ContainersErrorCode;
  }
}
