#!/usr/bin/env bash
# The platform on one GPU host with nothing installed (no Node, Postgres or Redis, no network): starts Redis and
# PostgreSQL from the carry, migrates, starts the API and a worker with DRIFTPRUNE_DEVICE=webgpu, submits a sweep
# through GraphQL with the driftprune CLI, waits for the worker to run it from BullMQ, reads back every run's metrics
# and artifacts through the API (queue-check.ts), and stops everything. scripts/gpu/README.md tells the whole story.
#
# Here (x86-64 Linux with npm and apt, from the repository root):
#   bash scripts/gpu/make-carry.sh --services          # .gpu-carry: Node, onnxruntime, loaders, bundles, services
# On the GPU host (as root or not), from the repository root with .gpu-carry beside it:
#   bash scripts/gpu/queue-on-gpu-host.sh [--out DIR] [--device webgpu|cpu] [--sweep FILE] [--workers N] [--timeout-s S]
# --out (default $OUT or ./queue-out) receives queue.json (runs, metrics, artifacts, workers), sweep.json and the
# services' logs. Exit status 0 only when every run succeeded on a worker of that device and its files came back.
# DP_CARRY (default .gpu-carry) and DP_NO_ACTIVATE=1 (node on PATH, DP_CARRY/app and /tmp/dp-services unpacked
# already: how this script is tried on a development machine) change where things come from.
set -euo pipefail
out="${OUT:-queue-out}"; device=webgpu; sweep=scripts/gpu/queue-sweep.yaml; workers=1; timeout_s=420
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    --sweep) sweep="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --timeout-s) timeout_s="$2"; shift 2 ;;
    *) echo "queue-on-gpu-host: unknown option $1" >&2; exit 2 ;;
  esac
done
carry="$(cd "${DP_CARRY:-.gpu-carry}" && pwd)"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
t0=$(date +%s)
say() { echo "[queue-on-gpu-host $(( $(date +%s) - t0 )) s] $*" >&2; }
if [ "${DP_NO_ACTIVATE:-0}" != 1 ]; then
  # shellcheck disable=SC1091
  source "$carry/activate.sh"
fi
svc=/tmp/dp-services
app="$carry/app"
[ -x "$svc/redis/redis-server" ] && [ -x "$svc/postgres/bin/postgres" ] || { say "no services in $svc: pack them with make-carry.sh --services"; exit 1; }
work="$(mktemp -d /tmp/dp-queue.XXXXXX)"
chmod 755 "$work"
REDIS_PORT="${REDIS_PORT:-6391}" PG_PORT="${PG_PORT:-5441}" API_PORT="${API_PORT:-4411}"
pids=()
# PostgreSQL refuses to run as root: as root, the server runs as nobody.
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(setpriv --reuid=65534 --regid=65534 --clear-groups --); fi
stop_all() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  "${as_pg[@]}" "$svc/postgres/bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  cp "$work"/*.log "$out/" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_all EXIT INT TERM

# Redis: no persistence, only this host.
LD_LIBRARY_PATH="$svc/redis" "$svc/redis/redis-server" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
mkdir -p "$work/pg"
if [ ${#as_pg[@]} -gt 0 ]; then chown 65534:65534 "$work/pg"; fi
"${as_pg[@]}" "$svc/postgres/bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --no-locale >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$svc/postgres/bin/postgres" -D "$work/pg" -p "$PG_PORT" -k "$work/pg" -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100 >"$work/postgres.log" 2>&1 &
pids+=($!)
export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/driftprune" REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
# LOCAL_MODE: the dev login gives the demo user's token to a request from this machine with the dashboard's Origin.
export API_HOST=127.0.0.1 API_PORT LOCAL_MODE=true QUEUE_PREFIX=dpgpu CORS_ORIGINS="http://127.0.0.1:$API_PORT"
export ARTIFACT_STORE="file:$work/artifacts" WORKER_DIR="$work/runs" WORKER_RECONCILE_MS=0
for _ in $(seq 1 100); do node -e 'require("net").connect(+process.argv[1], "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(1))' "$PG_PORT" && break; sleep 0.2; done
say "redis :$REDIS_PORT and postgres :$PG_PORT up ($("$svc/postgres/bin/postgres" --version))"
node "$app/platform.mjs" migrate prisma/migrations
node "$app/platform.mjs" api >"$work/api.log" 2>&1 &
pids+=($!)
for i in $(seq 1 "$workers"); do
  DRIFTPRUNE_DEVICE="$device" node "$app/platform.mjs" worker >"$work/worker-$i.log" 2>&1 &
  pids+=($!)
done
api="http://127.0.0.1:$API_PORT/graphql"
node -e 'const u=process.argv[1];const end=Date.now()+60000;(async()=>{while(Date.now()<end){try{const r=await fetch(u);if(r.ok)process.exit(0)}catch{}await new Promise(r=>setTimeout(r,250))}process.exit(1)})()' "http://127.0.0.1:$API_PORT/health" \
  || { say "the API did not answer"; tail -30 "$work/api.log" >&2; exit 1; }
say "api :$API_PORT and $workers worker(s) with DRIFTPRUNE_DEVICE=$device started"
eval "$(node "$app/platform.mjs" queue-check login --api "$api" --origin "$CORS_ORIGINS" | grep -E '^(TOKEN|PROJECT)=[A-Za-z0-9_-]+$')"
# The sweep's runs use the device asked for (the sample file says webgpu).
sed -E "s/device: [a-z]+/device: $device/" "$sweep" >"$work/sweep.yaml"
node "$app/gpu.mjs" driftprune sweep "$work/sweep.yaml" --api "$api" --token "$TOKEN" --project "$PROJECT" >"$out/sweep.json"
sweep_id="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).sweep.id)' "$out/sweep.json")"
say "sweep $sweep_id submitted through GraphQL; waiting for the worker"
rc=0
node "$app/platform.mjs" queue-check wait --api "$api" --token "$TOKEN" --sweep "$sweep_id" --out "$out" --timeout-s "$timeout_s" --device "$device" || rc=$?
grep -h -E "WebGPU|backend|adapter" "$work"/worker-*.log | head -5 >&2 || true
say "done (exit $rc)"
exit $rc
