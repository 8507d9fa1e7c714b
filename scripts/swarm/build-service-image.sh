#!/usr/bin/env bash
# Builds the service image container-manager:local from this working tree, offline: builds the
# service and the console (npm run build), stages dist/, web/dist/, package.json and the production
# node_modules (this tree's, dev dependencies pruned: the native modules are already built for Node 20),
# then `docker build -f deploy/Dockerfile` FROM local/cm-service-base:trixie.
# SKIP_NPM_BUILD=1 uses the dist/ already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"

bash "$here/build-service-base-image.sh"
cd "$repo"
if [ "${SKIP_NPM_BUILD:-0}" != 1 ]; then
  slog "npm run build"
  npm run --silent build >"$SWARM_WORK_DIR/npm-build.log" 2>&1 || { tail -n 30 "$SWARM_WORK_DIR/npm-build.log" >&2; sdie "npm run build failed"; }
fi
[ -f dist/main.js ] && [ -f web/dist/index.html ] || sdie "dist/main.js or web/dist/index.html missing: run npm run build"

# The staged node_modules are kept between runs and redone only when the lock file changes.
ctx="$SWARM_WORK_DIR/image-context"
stamp="$(sha256sum package-lock.json | cut -c1-16)"
if [ "$(cat "$ctx/.deps-stamp" 2>/dev/null)" != "$stamp" ]; then
  slog "staging production node_modules"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp package.json package-lock.json "$ctx/"
  cp -a node_modules "$ctx/node_modules"
  (cd "$ctx" && npm prune --omit=dev --ignore-scripts --offline --no-audit --no-fund >/dev/null 2>&1) \
    || sdie "npm prune failed in $ctx"
  echo "$stamp" >"$ctx/.deps-stamp"
fi
rm -rf "$ctx/dist" "$ctx/web" "$ctx/deploy"
mkdir -p "$ctx/web" "$ctx/deploy"
cp package.json "$ctx/"
cp -a dist "$ctx/dist"
cp -a web/dist "$ctx/web/dist"
cp deploy/entrypoint.sh "$ctx/deploy/"
printf '.deps-stamp\npackage-lock.json\n' >"$ctx/.dockerignore"

slog "docker build $SWARM_SERVICE_IMAGE"
DOCKER_BUILDKIT=0 docker build -q -f deploy/Dockerfile --build-arg "BASE_IMAGE=$SWARM_SERVICE_BASE_IMAGE" \
  -t "$SWARM_SERVICE_IMAGE" "$ctx" >"$SWARM_WORK_DIR/docker-build.log" 2>&1 \
  || { tail -n 30 "$SWARM_WORK_DIR/docker-build.log" >&2; sdie "docker build failed"; }
# The native modules must load under the image's Node (same ABI as the host's build).
docker run --rm --entrypoint node "$SWARM_SERVICE_IMAGE" -e "require('node-pty'); new (require('better-sqlite3'))(':memory:'); console.log(process.version)" \
  >"$SWARM_WORK_DIR/native-check.log" 2>&1 || { cat "$SWARM_WORK_DIR/native-check.log" >&2; sdie "native modules do not load in $SWARM_SERVICE_IMAGE"; }
slog "service image $SWARM_SERVICE_IMAGE built (node $(cat "$SWARM_WORK_DIR/native-check.log"))"
