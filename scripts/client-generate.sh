#!/usr/bin/env bash
# Regenerates the TypeScript client's types from the document the service serves: builds the service,
# writes its OpenAPI document (nothing listens, no engine needed), runs openapi-typescript on it, and
# builds the client. Run after any change to a route, a DTO or an @Api* decorator; the drift test
# (test/client/client-drift.e2e-spec.ts) fails until this has been run and its output committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=clients/typescript/src/generated
npx nest build
node dist/openapi/write-openapi.js "$out/openapi.json"
npx openapi-typescript "$out/openapi.json" --output "$out/api.ts"
npm run --silent build:client
