import { errorCodes } from '../common/errors/error-codes';

/** Codes of the Docker CLI calls. */
export const ComposeErrorCode = errorCodes(
  'DOCKER_UNAVAILABLE',
  'COMPOSE_TIMEOUT',
  'COMPOSE_FAILED',
  'ENGINE_REQUEST_FAILED',
);

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    compose: typeof ComposeErrorCode;
  }
}
