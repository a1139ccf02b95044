#!/usr/bin/env bash
# Base images built locally from Debian (no registry is reachable here): local/debian:bookworm (mmdebstrap, minbase)
# and stand-ins for node:20-bookworm-slim, redis:7 and postgres:16 built on it. Images that exist are kept, so a
# second run costs nothing. Run as root with dockerd running; every step is bounded by `timeout`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DOCKER=${DOCKER:-/usr/bin/docker}
have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! have local/debian:bookworm; then
  t0=$(date +%s)
  timeout 600 nice -n 10 mmdebstrap --quiet --variant=minbase bookworm "$work/rootfs.tar" /etc/apt/sources.list.d/debian.sources
  timeout 120 "$DOCKER" import --change 'CMD ["/bin/bash"]' "$work/rootfs.tar" local/debian:bookworm >/dev/null
  rm -f "$work/rootfs.tar"
  echo "fleet: local/debian:bookworm built in $(( $(date +%s) - t0 )) s"
fi
if ! have local/node:20-bookworm-slim; then
  t0=$(date +%s)
  ctx="$work/node" && mkdir -p "$ctx"
  cp "$here/images/node/Dockerfile" "$ctx/"
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/"
  timeout 600 nice -n 10 "$DOCKER" build -q -t local/node:20-bookworm-slim "$ctx" >/dev/null
  echo "fleet: local/node:20-bookworm-slim built in $(( $(date +%s) - t0 )) s"
fi
for svc in redis postgres; do
  tag=local/$svc:fleet
  if ! have "$tag"; then
    t0=$(date +%s)
    timeout 600 nice -n 10 "$DOCKER" build -q -t "$tag" "$here/images/$svc" >/dev/null
    echo "fleet: $tag built in $(( $(date +%s) - t0 )) s"
  fi
done
