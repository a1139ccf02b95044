#!/usr/bin/env bash
# Installs what the repo needs on a machine with only Node >= 20 and npm: npm dependencies (when missing or stale)
# and the generated Prisma client. Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=bootstrap
source scripts/lib.sh
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$major" -ge 20 ] || { log "Node.js >= 20 is required (found $(node --version 2>/dev/null || echo none))"; exit 1; }
# onnxruntime-node's postinstall would download CUDA providers from NuGet, unreachable here and not needed.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund >&2
  touch node_modules/.package-lock.json
fi
# Prisma 7's CLI cannot fetch its native schema engine here; `generate` does not need it.
if [ -f prisma/schema.prisma ]; then
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate >/dev/null 2>&1 || { log "prisma generate failed:"; PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate >&2; exit 1; }
fi
