#!/usr/bin/env bash
# Takes the compose stack started by `npm start` down (the logs stay in ./logs).
set -euo pipefail
cd "$(dirname "$0")/.."
RABBITMQ_IMAGE=${RABBITMQ_IMAGE:-watchdog-lab/rabbitmq:3} NODE_IMAGE=${NODE_IMAGE:-watchdog-lab/node:24} \
  docker-compose -p watchdog down --remove-orphans
