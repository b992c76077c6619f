# Airbyte source connector: Rootly audit logs.
#
#   docker build -t ghcr.io/rootly-audit-logs/source-rootly-audit-logs:dev .
#   docker run --rm ghcr.io/rootly-audit-logs/source-rootly-audit-logs:dev spec
#
# Multi-arch (what the release workflow publishes):
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/<name>:<version> --push .
#
# BASE_IMAGE is the single source of truth for the Node.js base image
# (.ci/setup-container-engine.sh reads it to make a local stand-in where no
# registry is reachable).
ARG BASE_IMAGE=node:24.21.0-bookworm-slim

# ---------------------------------------------------------------- build stage
FROM ${BASE_IMAGE} AS build
WORKDIR /build

# Dependencies first, so they stay cached while only the sources change.
# Building needs no install scripts (they belong to test-only packages). The shared vocabulary is
# a workspace the connector depends on: its package.json lets npm ci link it. The mock Rootly
# server, a workspace the connector never imports, stays out of the context; npm ci skips it.
COPY package.json package-lock.json ./
COPY rootly-vocabulary/package.json ./rootly-vocabulary/
RUN npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier

COPY tsconfig.base.json tsconfig.json spec.json ./
COPY scripts/bundle.mjs ./scripts/
COPY rootly-vocabulary/ ./rootly-vocabulary/
COPY src/ ./src/

# Compile the vocabulary and src/ -> dist/, then bundle what the connector runs into dist/bundle/:
# the image ships that bundle (with its dependencies' licences) and no node_modules.
RUN npm run build:connector

# -------------------------------------------------------------- runtime stage
FROM ${BASE_IMAGE}

LABEL io.airbyte.name=ghcr.io/rootly-audit-logs/source-rootly-audit-logs
LABEL io.airbyte.version=0.1.0

ENV NODE_ENV=production

# Unprivileged user `airbyte` with uid and gid 1000, the ids Airbyte's rootless mode runs connector
# pods with (so that it owns /airbyte, its home and working directory). The official node image's
# `node` user holds 1000: it is removed first.
RUN if id -u node >/dev/null 2>&1; then userdel --remove node 2>/dev/null; fi \
    && if getent group node >/dev/null; then groupdel node; fi \
    && groupadd --gid 1000 airbyte \
    && useradd --uid 1000 --gid airbyte --home-dir /airbyte --shell /usr/sbin/nologin airbyte \
    && mkdir -p /airbyte/integration_code \
    && chown airbyte:airbyte /airbyte

# Root-owned, read-only application code.
WORKDIR /airbyte/integration_code
COPY --from=build /build/dist/bundle ./

USER airbyte
WORKDIR /airbyte

# A young generation of a fixed 4 MB per semi-space (large enough that a page being processed is
# rarely caught by a scavenge, and never growing) and slow heap growth keep memory flat however
# many records a sync moves (see npm run bench). --single-threaded keeps V8 from compiling and
# collecting on helper threads: a sync waits on the network, so the main thread has the time, and
# the helpers' speculative work cost about a quarter more CPU per record.
ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/node --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=10 --single-threaded /airbyte/integration_code/main.mjs"
ENTRYPOINT ["/usr/local/bin/node", "--min-semi-space-size=4", "--max-semi-space-size=4", "--heap-growing-percent=10", "--single-threaded", "/airbyte/integration_code/main.mjs"]
