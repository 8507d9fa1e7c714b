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
npx jest "$@" --selectProjects unit
npx jest "$@" --selectProjects e2e --runInBand
