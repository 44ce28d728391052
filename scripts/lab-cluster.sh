#!/usr/bin/env bash
# A 3-node RabbitMQ cluster on this machine, beside the lab's single broker: nodes watchdog-c1..3
# on AMQP ports 5681-5683, their data in $LAB_STATE/cluster, the same users (from the same
# definitions) and no guest. Killing a node is a real node loss; running this again brings it back.
# Idempotent: starts only the nodes that are not running (a node a test killed comes back and
# rejoins), joins new ones, and gives the cluster the lab's users. Run by `LAB_CLUSTER=1 scripts/lab-up.sh`.
set -euo pipefail
LAB_STATE=/var/lib/watchdog-lab
# shellcheck source=scripts/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
[ "$(id -u)" = 0 ] || die "the lab needs root"
[ -s "$LAB_STATE/broker/definitions.json" ] || die "run scripts/lab-up.sh first (it makes the broker users)"

base=$LAB_STATE/cluster
host=$(hostname -s)
install -d -o rabbitmq -g rabbitmq "$base"
echo '[].' >"$base/enabled_plugins" # no management: its port would clash with the main broker's
chown rabbitmq:rabbitmq "$base/enabled_plugins"
for i in 1 2 3; do
  node=watchdog-c$i@$host
  if rabbitmqctl -q -n "$node" ping >/dev/null 2>&1; then continue; fi
  say "starting RabbitMQ cluster node $node (port 568$i)"
  install -d -o rabbitmq -g rabbitmq "$base/c$i" "$base/c$i/log"
  printf 'listeners.tcp.default = 568%s\nloopback_users = none\n' "$i" >"$base/c$i/rabbitmq.conf"
  chown rabbitmq:rabbitmq "$base/c$i/rabbitmq.conf"
  (cd /var/lib/rabbitmq && runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="568$i" \
    RABBITMQ_DIST_PORT="2568$i" RABBITMQ_MNESIA_BASE="$base/c$i/mnesia" RABBITMQ_LOG_BASE="$base/c$i/log" \
    RABBITMQ_CONFIG_FILE="$base/c$i/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" \
    RABBITMQ_PID_FILE="$base/c$i/pid" /usr/lib/rabbitmq/bin/rabbitmq-server -detached)
done
for i in 1 2 3; do wait_for 90 "cluster node watchdog-c$i" rabbitmqctl -q -n "watchdog-c$i@$host" await_startup; done
for i in 2 3; do
  if ! rabbitmqctl -q -n "watchdog-c$i@$host" cluster_status 2>/dev/null | grep -q "watchdog-c1@$host"; then
    say "joining watchdog-c$i to the cluster"
    rabbitmqctl -q -n "watchdog-c$i@$host" stop_app >/dev/null 2>&1
    rabbitmqctl -q -n "watchdog-c$i@$host" reset >/dev/null 2>&1
    rabbitmqctl -q -n "watchdog-c$i@$host" join_cluster "watchdog-c1@$host" >/dev/null 2>&1
    rabbitmqctl -q -n "watchdog-c$i@$host" start_app >/dev/null 2>&1
  fi
done
copy=$(mktemp /tmp/watchdog-definitions.XXXXXX)
install -m 0640 -g rabbitmq "$LAB_STATE/broker/definitions.json" "$copy"
rabbitmqctl -q -n "watchdog-c1@$host" import_definitions "$copy" >/dev/null
rm -f "$copy"
if rabbitmqctl -q -n "watchdog-c1@$host" list_users | grep -q '^guest\b'; then rabbitmqctl -q -n "watchdog-c1@$host" delete_user guest >/dev/null; fi
