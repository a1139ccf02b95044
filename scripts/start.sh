#!/usr/bin/env bash
# Starts the whole platform on this machine: installs what is missing, makes Postgres and Redis available,
# migrates, builds the dashboard, starts api + worker + web, submits a small demo run on the synthetic stream,
# and prints the URLs and the demo user's API token. Ctrl-C stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=start
source scripts/lib.sh
started=$(date +%s)
bash scripts/bootstrap.sh
eval "$(bash scripts/services.sh)"
export DATABASE_URL REDIS_URL
export API_HOST="${API_HOST:-127.0.0.1}" API_PORT="${API_PORT:-4000}" WEB_PORT="${WEB_PORT:-3000}"
export PUBLIC_API_URL="${PUBLIC_API_URL:-http://$API_HOST:$API_PORT/graphql}"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 LOCAL_MODE="${LOCAL_MODE:-true}"
# Absolute, because npm runs each workspace's start script in its own folder: a relative default would give the API
# and the worker two different artifact stores (downloads missing, deleted experiments' files left behind).
export ARTIFACT_STORE="${ARTIFACT_STORE:-file:$PWD/.data/artifacts}" WORKER_DIR="${WORKER_DIR:-$PWD/.data/work}"
# Runs read data by path only inside the data roots: .data/datasets, and the shared real data sets when present.
shared_data="$(cd .. && pwd)/shared/data"
export DATA_ROOTS="${DATA_ROOTS:-$PWD/.data/datasets$([ -d "$shared_data" ] && echo ",$shared_data")}" UPLOAD_DIR="${UPLOAD_DIR:-$PWD/.data/uploads}"
mkdir -p .data/datasets
node scripts/ensure-db.mjs
log "applying migrations"
npm run --silent db:migrate >&2
if [ ! -f apps/web/.next/BUILD_ID ] || [ -n "$(find apps/web/src packages/config/src -newer apps/web/.next/BUILD_ID -type f 2>/dev/null | head -1)" ]; then
  log "building the dashboard (next build)"
  npm run --silent build -w @driftprune/web >&2
fi
mkdir -p .data/logs
# launch, stop_all on HUP/INT/TERM/EXIT (closing the terminal stops everything), watch_services
source scripts/supervise.sh
launch api .data/logs/api.log npm run start -w @driftprune/api
launch worker .data/logs/worker.log npm run start -w @driftprune/worker
launch web .data/logs/web.log npx next start apps/web -H 127.0.0.1 -p "$WEB_PORT"
wait_http() { # url seconds  (Node's fetch: curl may not be installed)
  node -e 'const [u,s]=process.argv.slice(1);const end=Date.now()+s*1000;(async()=>{while(Date.now()<end){try{const r=await fetch(u);if(r.ok)process.exit(0)}catch{}await new Promise(r=>setTimeout(r,250))}process.exit(1)})()' "$1" "$2"
}
wait_http "http://$API_HOST:$API_PORT/health" 60 & wait $! || { log "the API did not answer; see .data/logs/api.log"; tail -20 .data/logs/api.log >&2; exit 1; }
wait_http "http://127.0.0.1:$WEB_PORT/" 60 & wait $! || { log "the dashboard did not answer; see .data/logs/web.log"; tail -20 .data/logs/web.log >&2; exit 1; }
token_line="$(npm run --silent seed -w @driftprune/api | grep -E '^DRIFTPRUNE_TOKEN=' | tail -1)"
run_line="$(npm run --silent demo -w @driftprune/api | grep -E '^DRIFTPRUNE_DEMO_RUN=' | tail -1)"
cat <<MSG

  driftprune is running ($(( $(date +%s) - started )) s)
    dashboard   http://127.0.0.1:$WEB_PORT
    GraphQL     http://$API_HOST:$API_PORT/graphql   (health: http://$API_HOST:$API_PORT/health)
    demo user   demo@driftprune.local, API token: ${token_line#DRIFTPRUNE_TOKEN=}
    demo run    ${run_line#DRIFTPRUNE_DEMO_RUN=}  (the worker is training it now)
    logs        .data/logs/{api,worker,web}.log
  Press Ctrl-C to stop everything.

MSG
# Keep running while the services do; if one dies, say which and stop the rest.
watch_services || { for n in api worker web; do tail -5 ".data/logs/$n.log" >&2; done; exit 1; }
