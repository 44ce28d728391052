#!/usr/bin/env bash
# Takes the compose stack started by `npm start` down (the logs stay in ./logs).
set -euo pipefail
cd "$(dirname "$0")/.."
export RABBITMQ_IMAGE=${RABBITMQ_IMAGE:-watchdog-lab/rabbitmq:3} NODE_IMAGE=${NODE_IMAGE:-watchdog-lab/node:24}
# The agent first: otherwise it starts the dummies again while they are being stopped.
env_file=()
[ -f .secrets/stack.env ] && env_file=(--env-file .secrets/stack.env)
docker-compose "${env_file[@]}" -p watchdog stop antagonist agent
docker-compose "${env_file[@]}" -p watchdog down --remove-orphans
