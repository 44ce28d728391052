# The images of the system, one target each: agent, control, antagonist, dummy.
#   docker build --target agent -t container-watchdog/agent .
# NODE_IMAGE is the base: the official Node LTS image for users; the lab passes an offline
# build of its own (scripts/lab-up.sh). Multi-arch: docker buildx build --platform linux/amd64,linux/arm64;
# without buildx, scripts/images-arm64.sh builds arm64 under QEMU emulation (docs/stack.md).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Empty for users. A network that inspects TLS (like the lab's) drops its CA bundle here; it is
# used by this build stage only and is not in any final image.
COPY lab/build-ca/ /tmp/build-ca/
RUN if [ -f /tmp/build-ca/ca.pem ]; then export NODE_EXTRA_CA_CERTS=/tmp/build-ca/ca.pem; fi; \
    npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json openapi.yaml ./
COPY agent agent
COPY api api
COPY cli cli
COPY bin bin
COPY antagonist antagonist
COPY bus bus
COPY chaos chaos
COPY control control
COPY dummy dummy
COPY shared shared
COPY dashboard dashboard
COPY scripts/build-dashboard.ts scripts/
RUN npx tsc -p tsconfig.build.json && cp openapi.yaml dist/ \
 && npx tsx scripts/build-dashboard.ts && mkdir -p dist/dashboard && cp -r dashboard/dist dist/dashboard/ \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY --from=build /src/bin bin

FROM runtime AS control
LABEL watchdog.role=control
# The operator's CLI on the PATH: docker exec <control> watchdog status (docs/cli.md).
RUN ln -s /app/bin/watchdog.mjs /usr/local/bin/watchdog
USER node
ENV PORT=8080 LISTEN_ADDRESS=0.0.0.0
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/control/main.js"]

FROM runtime AS agent
LABEL watchdog.role=agent
# ping (iputils, which the ping package needs) and fping. The agent runs as root: it talks to the
# Docker socket and sends ICMP.
RUN command -v fping >/dev/null && ping -V >/dev/null 2>&1 || \
    (apt-get update && apt-get install -y --no-install-recommends iputils-ping fping && apt-get clean && rm -rf /var/lib/apt/lists/*)
ENV STATE_FILE=/var/lib/watchdog/agent-state.json LOG_FILE=/var/log/watchdog/agent.log
CMD ["node", "dist/agent/main.js"]

FROM runtime AS antagonist
LABEL watchdog.role=antagonist
# nsenter (util-linux) to reach a target's network namespace; tc and iptables to inject loss there.
RUN command -v tc >/dev/null && command -v iptables >/dev/null || \
    (apt-get update && apt-get install -y --no-install-recommends iproute2 iptables && rm -rf /var/lib/apt/lists/*)
ENV FAULT_LOG=/var/log/watchdog/antagonist.log
CMD ["node", "dist/antagonist/main.js"]

FROM runtime AS dummy
# tc and iptables for its own packet loss (run with NET_ADMIN; as root, which that needs).
RUN command -v tc >/dev/null && command -v iptables >/dev/null || \
    (apt-get update && apt-get install -y --no-install-recommends iproute2 iptables && rm -rf /var/lib/apt/lists/*)
CMD ["node", "dist/dummy/main.js"]
