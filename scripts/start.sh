#!/usr/bin/env bash
# Runs the system on this machine: brings the lab up (Docker engine, RabbitMQ, images), makes two
# demo containers and runs the agent watching them, in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
scripts/lab-up.sh
for name in demo-1 demo-2; do
  docker inspect "$name" >/dev/null 2>&1 || docker run -d --name "$name" watchdog-lab/target:latest >/dev/null
done
export MONITORED=${MONITORED:-demo-1,demo-2}
echo "agent: monitoring $MONITORED; log file ${LOG_FILE:-logs/agent-$(hostname).log}; try: docker stop demo-1"
exec npx tsx agent/main.ts
