#!/bin/sh
# The service image's entrypoint: checks what the service needs from its node, then runs it.
set -eu
for dir in "$COMPOSE_PROJECTS_DIR" "$LOG_DIR" "$STATE_DIR"; do mkdir -p "$dir"; done
if [ ! -S /var/run/docker.sock ] && [ -z "${DOCKER_HOST:-}" ]; then
  echo "container-manager: no Docker engine: mount the node's /var/run/docker.sock" >&2
  exit 1
fi
# A build of the service that predates APP_PASS_FILE (the secret's file) gets the password as APP_PASS;
# one that reads APP_PASS_FILE itself is left to do so (the value then never sits in the environment).
if [ -n "${APP_PASS_FILE:-}" ] && [ -z "${APP_PASS:-}" ] && ! grep -qs APP_PASS_FILE dist/common/config/environment.js; then
  APP_PASS="$(cat "$APP_PASS_FILE")"
  export APP_PASS
  unset APP_PASS_FILE
fi
exec "$@"
