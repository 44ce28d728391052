#!/usr/bin/env bash
# Runs the whole system on this machine: installs and starts Docker (and the lab's RabbitMQ),
# builds every image offline, brings the compose stack up and prints where to look.
# `npm stop` takes it down again.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[start] %s\n' "$*"; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund
fi
say "bringing the lab up: Docker engine, images (the first time takes a few minutes)"
LAB_IMAGES=1 scripts/lab-up.sh

# The lab's own broker (the tests use it) holds 5672 and 15672, so the stack's goes on 5673/15673.
export BROKER_PORT=${BROKER_PORT:-5673} BROKER_UI_PORT=${BROKER_UI_PORT:-15673}
export RABBITMQ_IMAGE=${RABBITMQ_IMAGE:-watchdog-lab/rabbitmq:3} NODE_IMAGE=${NODE_IMAGE:-watchdog-lab/node:24}
export PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-watchdog-lab/prometheus:2} PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
export LOG_DIR=${LOG_DIR:-$PWD/logs} CONTROL_PORT=${CONTROL_PORT:-8080}
mkdir -p "$LOG_DIR"

# Broker passwords and the API token: made once, kept in .secrets/ (not in the repository).
say "secrets: .secrets/ (broker users control, agent-${AGENT_HOSTNAME:-host1}, antagonist, admin; API token)"
npx tsx scripts/secrets.ts stack .secrets "${AGENT_HOSTNAME:-host1}"
# A token given in the environment wins over the generated one.
API_TOKEN=${API_TOKEN:-$(cat .secrets/api-token)}
export API_TOKEN
say "starting the stack (docker-compose --env-file .secrets/stack.env -p watchdog up -d)"
docker-compose --env-file .secrets/stack.env -p watchdog up -d
say "waiting for the control service and the agent"
agent_live() { # node's fetch rather than curl, which a fresh machine may not have
  node -e "fetch('http://localhost:$CONTROL_PORT/hosts').then(r => r.json()).then(h => process.exit(h.some(x => x.live) ? 0 : 1), () => process.exit(1))"
}
live=0
for _ in $(seq 1 120); do
  if agent_live; then live=1; break; fi
  sleep 1
done
[ "$live" = 1 ] || { say "the agent did not come up within 120 s; see: docker-compose --env-file .secrets/stack.env -p watchdog logs"; exit 1; }

cat <<TXT

The watchdog is running.
  Dashboard       http://localhost:$CONTROL_PORT/
  Swagger UI      http://localhost:$CONTROL_PORT/docs
  API token       $API_TOKEN
                  (changing calls need it: Swagger UI's Authorize button, or the header below;
                  kept in .secrets/api-token)
  REST API        curl http://localhost:$CONTROL_PORT/containers
                  curl -X PUT -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' -d 80 http://localhost:$CONTROL_PORT/threshold
  RabbitMQ UI     http://localhost:$BROKER_UI_PORT  (admin / the password in .secrets/broker-admin)
  Prometheus      http://localhost:$PROMETHEUS_PORT  (7 days of history; curl http://localhost:$CONTROL_PORT/history?... for series)
  Agent metrics   curl http://localhost:9464/metrics
  Agent log       tail -f $LOG_DIR/agent-host1.log
  Antagonist log  tail -f $LOG_DIR/antagonist-host1.log
  Stop it         npm stop
TXT
