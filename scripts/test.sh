#!/usr/bin/env bash
# Quick start, command 2: the whole test suite on a fresh machine or a warm one. Provisions what the
# tests need when it is missing (engine, Compose v2, the offline test image, the Python clients the
# guide's examples import: needs root then), installs npm dependencies when missing or stale, lints
# (whole-suite runs only), builds, then runs the unit specs and the e2e specs against the real engine.
# Arguments select a subset: `npm test -- test/files`. A whole-suite run ends with the real three-node swarm
# (scripts/swarm/; SKIP_SWARM=1 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
export TEST_IMAGE="${TEST_IMAGE:-cm-test-python:bookworm}"
if ! timeout 10 docker info >/dev/null 2>&1 || ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 \
  || ! /usr/bin/python3 -c 'import requests, aiohttp, websockets' >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ] \
  || [ ! -x /usr/bin/firefox-esr ] || ! command -v debootstrap >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  bash scripts/provision-docker.sh all
fi
bash scripts/ensure-deps.sh
if [ "$#" -eq 0 ]; then npm run lint; fi
npm run --silent build # the reliability suite and the browser tests run the built service and console, the cm tests the built cm
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
# --forceExit: a unit spec that fails mid-race with a real pty must not keep the run alive.
npx jest "$@" --selectProjects unit --passWithNoTests --forceExit --json --outputFile="$results/unit.json" || status=$?
npx jest "$@" --selectProjects e2e --runInBand --passWithNoTests --json --outputFile="$results/e2e.json" || status=$?
cluster_json=()
# The real three-node swarm (scripts/swarm/, a few minutes) runs with every whole-suite run; SKIP_SWARM=1
# leaves it out, and `npm run test:swarm` runs it alone.
if [ "$#" -eq 0 ] && [ "${SKIP_SWARM:-0}" != 1 ]; then
  cluster_json=("$results/cluster.json")
  if SKIP_NPM_BUILD=1 bash scripts/swarm/up.sh >"$results/swarm-up.log" 2>&1; then
    SWARM_CREDENTIALS=/tmp/cm-swarm/credentials npx jest --selectProjects cluster --runInBand --json \
      --outputFile="$results/cluster.json" || status=$?
  else
    echo "[test] the swarm did not come up:" >&2; tail -n 40 "$results/swarm-up.log" >&2; status=1
  fi
  bash scripts/swarm/down.sh >/dev/null 2>&1 || true
fi
# One plain closing line for whoever reads the log: totals of both runs.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/e2e.json" "${cluster_json[@]}"
exit "$status"
