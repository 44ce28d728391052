#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing; checks the contracts, types and
# lint first (no lab needed: a mistake there fails in seconds); brings the lab up, then runs unit
# and integration tests in one node:test run (one summary).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "== contracts and typecheck (generated types match asyncapi.yaml and openapi.yaml)"
npm run -s typecheck
echo "== lint (including which way imports may point)"
npm run -s lint
echo "== lab (Docker engines, RabbitMQ, images)"
LAB_HOSTS=2 LAB_BROWSER=1 LAB_IMAGES=1 LAB_CLUSTER=1 scripts/lab-up.sh
echo "== dashboard (bundle)"
npx tsx scripts/build-dashboard.ts
echo "== tests"
node --import tsx --test --test-concurrency=1 --test-reporter=spec test/unit/*.test.ts test/integration/*.test.ts
