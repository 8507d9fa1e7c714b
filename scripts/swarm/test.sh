#!/usr/bin/env bash
# The black-box cluster test (`npm run test:swarm`): brings the three-node swarm up from this tree
# (scripts/swarm/up.sh), runs the jest project `cluster` (test/cluster/*.e2e-spec.ts) against it over
# HTTP/WebSocket, then takes it down again (KEEP_SWARM=1 leaves it up for another run or a look).
# Ends with one plain line: `N passed, N failed, N skipped`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
. "$here/lib.sh"
results="$(mktemp -d)"
cleanup() {
  rm -rf "$results"
  if [ "${KEEP_SWARM:-0}" != 1 ]; then bash "$here/down.sh" || true; fi
}
trap cleanup EXIT
started=$SECONDS
bash "$here/up.sh" >/dev/null
slog "cluster up in $((SECONDS - started)) s; running the cluster suite"
status=0
SWARM_CREDENTIALS="$SWARM_WORK_DIR/credentials" npx jest "$@" --selectProjects cluster --runInBand --json \
  --outputFile="$results/cluster.json" || status=$?
node -e '
  const fs = require("fs");
  const f = process.argv[1];
  if (!fs.existsSync(f)) { console.log("0 passed, 1 failed, 0 skipped"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$results/cluster.json"
slog "total $((SECONDS - started)) s"
exit "$status"
