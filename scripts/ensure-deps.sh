#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file (npm ci), so the
# quick-start commands work on a fresh clone and stay fast on a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."
marker=node_modules/.package-lock.json # written by npm at every install
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  echo "[setup] installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
