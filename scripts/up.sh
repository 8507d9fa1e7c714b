#!/usr/bin/env bash
# Quick start, command 1: brings the service up on a fresh Debian machine or a warm one.
#   - provisions the Docker engine and Compose v2 when they are missing or not running (needs root),
#   - installs npm dependencies when missing or stale, builds,
#   - generates APP_PASS into .env (mode 0600) when none is configured and prints it once,
#   - then runs the service in the foreground (Ctrl-C or SIGTERM stops it gracefully).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! timeout 10 docker info >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
  bash scripts/provision-docker.sh engine
fi
bash scripts/ensure-deps.sh
npm run build
node scripts/ensure-env.js
exec node dist/main.js
