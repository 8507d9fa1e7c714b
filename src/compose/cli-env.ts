const PASSED = [
  'PATH',
  'HOME',
  'LANG',
  'TMPDIR',
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'DOCKER_CONTEXT',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
];

/**
 * The environment handed to docker CLI processes: only what the CLI needs, so the service's own
 * secrets (APP_PASS) never reach a child, and no COMPOSE_* variable can change a project.
 */
export function cliEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: source.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
  for (const key of PASSED) if (source[key] !== undefined) env[key] = source[key];
  return env;
}
