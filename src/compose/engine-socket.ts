import { UnavailableError } from '../common/errors/app-error';
import { ComposeErrorCode } from './compose.errors';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * The unix socket of the Docker Engine API: DOCKER_HOST when it is `unix://…`, the default socket when
 * DOCKER_HOST is unset. Any other DOCKER_HOST (tcp, ssh) is not spoken by the engine client: the
 * terminal says so when a session opens, rather than talking to the wrong engine.
 */
export function engineSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return DEFAULT_SOCKET;
  if (host.startsWith('unix://') && host.length > 'unix://'.length) return host.slice('unix://'.length);
  throw new UnavailableError(
    ComposeErrorCode.DOCKER_UNAVAILABLE,
    'The terminal reaches the engine only through a unix socket',
    {
      docker_host: host.split('://')[0] + '://…',
    },
  );
}
