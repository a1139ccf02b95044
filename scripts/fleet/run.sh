#!/usr/bin/env bash
# npm run test:fleet — the platform as a fleet of containers (issue 16.2): PostgreSQL, Redis, an S3-compatible store,
# the API and THREE worker containers (no volume shared between them), built from this checkout. The driver
# (system-tests/fleet/fleet.ts) uploads a dataset, submits a sweep, `docker kill`s a worker mid-run, restarts Redis,
# and checks every run, metric row, artifact and stored file. Needs root (it installs and starts Docker when absent).
#
# Cleans up after itself, whatever happens: the compose project and its volumes, the project images and build cache,
# dockerd stopped by PID if this script started it, and the network state it found (iptables and ip6tables rules,
# docker0, net.ipv4.ip_forward). Every step is bounded by `timeout`; FLEET_TIMEOUT_S bounds the whole test.
#   env: FLEET_KEEP=1 keeps the platform up and the images (to look around), FLEET_PRUNE_BASE=1 also removes the
#        local base images and the dependency layer (local/*), FLEET_TIMEOUT_S (2400).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
DOCKER=/usr/bin/docker                 # Debian's client: /usr/local/bin/docker (28.x) lacks buildx for BuildKit
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
project="dpfleet$$"
state=$(mktemp -d /tmp/dpfleet.XXXXXX)
started_dockerd=""
t_start=$(date +%s)
log() { echo "fleet [$(( $(date +%s) - t_start ))s, load $(cut -d' ' -f1 /proc/loadavg)]: $*"; }
[ "$(id -u)" = 0 ] || { echo "fleet: needs root (Docker)"; exit 2; }

# --- the network state before anything ran, to put back afterwards
iptables-save > "$state/iptables.before" 2>/dev/null || true
ip6tables-save > "$state/ip6tables.before" 2>/dev/null || true
sysctl -n net.ipv4.ip_forward > "$state/ip_forward.before"
ip link show docker0 >/dev/null 2>&1 && echo yes > "$state/docker0.before" || echo no > "$state/docker0.before"

compose() { timeout "${COMPOSE_TIMEOUT:-600}" docker-compose -p "$project" -f docker/compose.yaml "$@"; }

cleanup() {
  local rc=$?
  set +e
  if [ -n "${FLEET_KEEP:-}" ]; then log "FLEET_KEEP: platform $project left up"; exit $rc; fi
  log "cleaning up"
  COMPOSE_TIMEOUT=180 compose down -v --remove-orphans -t 10 >/dev/null 2>&1
  for img in driftprune-api:$project driftprune-worker:$project; do timeout 60 $DOCKER image rm -f "$img" >/dev/null 2>&1; done
  timeout 120 $DOCKER image prune -f >/dev/null 2>&1
  timeout 120 $DOCKER builder prune -f >/dev/null 2>&1
  if [ -n "${FLEET_PRUNE_BASE:-}" ]; then
    for img in local/driftprune-deps:fleet local/node:20-bookworm-slim local/redis:fleet local/postgres:fleet local/debian:bookworm; do timeout 60 $DOCKER image rm -f "$img" >/dev/null 2>&1; done
  fi
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$started_dockerd" 2>/dev/null && kill -9 "$started_dockerd"
    # dockerd leaves its bridge, its firewall rules (FORWARD policy DROP) and forwarding on: put back what was there
    [ "$(cat "$state/docker0.before")" = no ] && ip link delete docker0 2>/dev/null
    for fam in iptables ip6tables; do
      command -v "$fam-save" >/dev/null || continue
      # tables dockerd created: emptied, their built-in chains back to ACCEPT; tables that were there: restored
      for table in $("$fam-save" 2>/dev/null | sed -n 's/^\*//p'); do
        grep -qx "\*$table" "$state/$fam.before" && continue
        "$fam" -t "$table" -F && "$fam" -t "$table" -X
        for chain in $("$fam-save" -t "$table" | sed -n 's/^:\([A-Z]*\) \(ACCEPT\|DROP\) .*/\1/p'); do "$fam" -t "$table" -P "$chain" ACCEPT; done
      done
      [ -s "$state/$fam.before" ] && "$fam-restore" < "$state/$fam.before"
    done
    sysctl -qw net.ipv4.ip_forward="$(cat "$state/ip_forward.before")"
    log "dockerd $started_dockerd stopped; network state restored"
  fi
  rm -rf "$state"
  log "done (exit $rc)"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Docker: installed and running
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null || ! command -v mmdebstrap >/dev/null; then
  log "installing docker.io, docker-compose, mmdebstrap"
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends docker.io docker-compose mmdebstrap >/dev/null
fi
if ! timeout 20 $DOCKER info >/dev/null 2>&1; then
  dockerd --storage-driver=overlay2 > "$state/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do timeout 5 $DOCKER info >/dev/null 2>&1 && break; sleep 0.5; done
  timeout 5 $DOCKER info >/dev/null 2>&1 || { cat "$state/dockerd.log"; echo "fleet: dockerd did not start"; exit 1; }
  log "dockerd started (pid $started_dockerd)"
fi

# --- images: local bases from Debian, then the project's (nice: this machine's cores are shared)
t0=$(date +%s)
DOCKER=$DOCKER bash scripts/fleet/base-images.sh
log "base images ready in $(( $(date +%s) - t0 )) s"
export POSTGRES_PASSWORD="fleet-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export METRICS_TOKEN="fleet-metrics-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export NODE_IMAGE=local/node:20-bookworm-slim POSTGRES_IMAGE=local/postgres:fleet REDIS_IMAGE=local/redis:fleet IMAGE_TAG=$project
export API_PORTS=127.0.0.1::4000 POSTGRES_PORTS=127.0.0.1::5432 STORE_PORTS=127.0.0.1::9000
export WORKER_HEARTBEAT_MS=1000 WORKER_LOCK_MS=10000 WORKER_RECONCILE_MS=3000
t0=$(date +%s)
# the dependency layer (npm ci) is kept as local/driftprune-deps:fleet between runs, like the base images: the next
# build reuses it while package-lock.json and the manifests are unchanged
timeout 1500 nice -n 10 $DOCKER build -q -f docker/Dockerfile --target deps --build-arg NODE_IMAGE="$NODE_IMAGE" -t local/driftprune-deps:fleet . >"$state/deps.log" 2>&1 || { tail -40 "$state/deps.log"; exit 1; }
log "dependency layer ready in $(( $(date +%s) - t0 )) s"
t0=$(date +%s)
# the docker CLI, not compose v1's own build (docker-py packs the context differently, and no layer is reused)
for target in api worker; do
  timeout 1500 nice -n 10 $DOCKER build -q -f docker/Dockerfile --target $target --build-arg NODE_IMAGE="$NODE_IMAGE" -t driftprune-$target:$project . >>"$state/build.log" 2>&1 || { tail -40 "$state/build.log"; exit 1; }
done
log "project images built in $(( $(date +%s) - t0 )) s"

# --- the platform, three workers
t0=$(date +%s)
compose up -d --no-build --scale worker=3 postgres redis store api worker >"$state/up.log" 2>&1 || { cat "$state/up.log"; compose logs --tail 40; exit 1; }
log "platform up in $(( $(date +%s) - t0 )) s"
port() { compose port "$1" "$2" | tail -1 | sed 's/.*://'; }
export FLEET_API_URL="http://127.0.0.1:$(port api 4000)"
export FLEET_DATABASE_URL="postgresql://driftprune:$POSTGRES_PASSWORD@127.0.0.1:$(port postgres 5432)/driftprune"
export FLEET_S3_ENDPOINT="http://127.0.0.1:$(port store 9000)"
export FLEET_PROJECT=$project FLEET_DOCKER=$DOCKER
export FLEET_TOKEN=$(compose exec -T api node --import tsx apps/api/src/seed.ts | sed -n 's/^DRIFTPRUNE_TOKEN=//p')
[ -n "$FLEET_TOKEN" ] || { echo "fleet: no token from the seed"; exit 1; }

t0=$(date +%s)
set +e
timeout "${FLEET_TIMEOUT_S:-2400}" node --import tsx system-tests/fleet/fleet.ts
rc=$?
set -e
log "driver finished in $(( $(date +%s) - t0 )) s (exit $rc)"
if [ $rc -ne 0 ]; then mkdir -p "$root/.data"; compose logs --tail 80 api worker redis > "$root/.data/fleet-failure.log" 2>&1 || true; log "container logs: .data/fleet-failure.log"; fi
exit $rc
