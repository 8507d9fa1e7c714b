#!/usr/bin/env bash
# The test command: unit specs, then e2e specs against the real app and a real Docker engine.
# Needs a running engine and the test image (scripts/provision-docker.sh provisions both).
set -euo pipefail
cd "$(dirname "$0")/.."
export TEST_IMAGE="${TEST_IMAGE:-cm-test-python:bookworm}"
if ! timeout 10 docker info >/dev/null 2>&1; then
  echo "test: the Docker engine is not reachable; run: sudo bash scripts/provision-docker.sh" >&2
  exit 1
fi
if ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
  echo "test: image $TEST_IMAGE is missing; run: sudo bash scripts/provision-docker.sh image" >&2
  exit 1
fi
npx nest build # the reliability suite runs the built service as a real process
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
npx jest "$@" --selectProjects unit --passWithNoTests --json --outputFile="$results/unit.json" || status=$?
npx jest "$@" --selectProjects e2e --runInBand --passWithNoTests --json --outputFile="$results/e2e.json" || status=$?
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
' "$results/unit.json" "$results/e2e.json"
exit "$status"
