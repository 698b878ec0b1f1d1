#!/usr/bin/env bash
# `npm test`: installs the test bed's packages, builds, runs every test project, and ends
# with the line `N passed, N failed, N skipped` (printed by test/summary-reporter.ts).
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! bash test/bed/install.sh; then
  echo "test bed: packages missing; integration tests will fail under CI=true" >&2
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
if ! npm run --silent build; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# The bench's smoke run (test/integration/bench-smoke.test.ts) runs the built bench.
if ! npx tsc -p tsconfig.bench.json; then
  echo "bench build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! npm run --silent typecheck; then
  echo "typecheck failed"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! npm run --silent lint; then
  echo "lint failed (eslint, prettier --check): run npm run lint"
  echo "0 passed, 1 failed"
  exit 1
fi
npx vitest run "$@"
