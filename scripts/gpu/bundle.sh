#!/usr/bin/env bash
# Bundles what a GPU host runs into DEST/app.tar.xz (one esbuild file per program, onnxruntime-node kept external:
# its native runtime travels beside them, see make-carry.sh):
#   gpu.mjs                scripts/gpu/tools.ts: the driftprune CLI, cross-check, serving
#   platform.mjs           scripts/gpu/platform.ts: migrate, api, worker, queue-check
#   bench-gpu.mjs          packages/engine/bench/bench-gpu.ts
#   row-update-worker.js   the CPU engine's overlap worker thread, which the bundles load from beside themselves
#   run-child.js           apps/worker/src/run-child.ts: the worker runs each experiment in this child process, which it
#                          forks from beside its own module (child-runner.ts)
#   schema.graphql         the API reads its schema from beside its module
#   package.json           {"type": "module"}, so that Node loads row-update-worker.js as ESM
#
#   bash scripts/gpu/bundle.sh [DEST] [--keep DIR]   (DEST defaults to .gpu-carry; --keep also leaves the plain files
#                                                    in DIR, e.g. to try them here with DIR/node_modules linked)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="${1:-.gpu-carry}"
keep=""
if [ "${2:-}" = --keep ]; then keep="${3:?--keep needs a folder}"; fi
mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"
cd "$root"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# The Prisma client is generated code: a bundle of a stale one refuses columns that newer migrations added (on the
# H100, 2026-12-07: submitSweep failed with "Unknown argument `stopped`"), so generate it from this tree's schema.
PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/false}" npx prisma generate >/dev/null
common=(--bundle --platform=node --format=esm --target=node20 --log-level=warning --external:onnxruntime-node --external:onnxruntime-common
  --external:@prisma/schema-engine-wasm "--banner:js=import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);")
npx esbuild scripts/gpu/tools.ts "${common[@]}" --outfile="$stage/gpu.mjs"
npx esbuild scripts/gpu/platform.ts "${common[@]}" --outfile="$stage/platform.mjs"
npx esbuild packages/engine/bench/bench-gpu.ts "${common[@]}" --outfile="$stage/bench-gpu.mjs"
npx esbuild packages/engine/src/overlap/row-update-worker.ts "${common[@]}" --outfile="$stage/row-update-worker.js"
npx esbuild apps/worker/src/run-child.ts "${common[@]}" --outfile="$stage/run-child.js"
cp apps/api/src/schema.graphql "$stage/"
echo '{ "type": "module", "private": true }' > "$stage/package.json"
# Files the bundles open from beside themselves (new URL('./…', import.meta.url)): a missing one fails only at run
# time on the host (on 2026-12-07 every queued run failed: the worker's run-child.js was not there).
for f in $(grep -ho 'new URL([^)]*import\.meta\.url)' "$stage"/*.mjs | grep -o '"\./[A-Za-z0-9_.-]*\.\(js\|graphql\)"' | tr -d '"' | sort -u); do
  [ -f "$stage/$f" ] || { echo "[bundle] $f is opened beside a bundle but was not built" >&2; exit 1; }
done
tar cf - -C "$stage" . | xz -T0 -6 > "$DEST/app.tar.xz"
if [ -n "$keep" ]; then mkdir -p "$keep" && cp -a "$stage/." "$keep/"; fi
echo "[bundle] $(cd "$stage" && du -ch --apparent-size ./*.mjs ./*.js | tail -1 | cut -f1) of bundles → $DEST/app.tar.xz ($(du -h "$DEST/app.tar.xz" | cut -f1))" >&2
