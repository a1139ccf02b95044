#!/usr/bin/env bash
# Submit a sweep, wait for it, fetch its Pareto front, with curl and jq (docs/api.md).
#   DRIFTPRUNE_API=http://127.0.0.1:4000/graphql DRIFTPRUNE_TOKEN=dp_… EXPERIMENT_ID=<uuid> [SWEEP_JSON=…] bash examples/automation/sweep-pareto.sh
set -euo pipefail
API=${DRIFTPRUNE_API:-http://127.0.0.1:4000/graphql}
: "${DRIFTPRUNE_TOKEN:?set DRIFTPRUNE_TOKEN}" "${EXPERIMENT_ID:?set EXPERIMENT_ID}"
gql() { # gql QUERY VARIABLES_JSON → the response's data; exits 1 with the error codes on errors
  local out
  out=$(curl -sS "$API" -H 'content-type: application/json' -H "authorization: Bearer $DRIFTPRUNE_TOKEN" \
    --data "$(jq -n --arg q "$1" --argjson v "$2" '{query: $q, variables: $v}')")
  if jq -e '.errors' >/dev/null <<<"$out"; then jq -r '.errors[] | "\(.extensions.code)/\(.extensions.reason // "-"): \(.message)"' <<<"$out" >&2; exit 1; fi
  jq '.data' <<<"$out"
}
SWEEP=${SWEEP_JSON:-'{"name":"budgets from curl","seeds":[1,2],"parameters":{"pruning.budget":{"values":[0.25,0.5,0.75]}}}'}
SWEEP_ID=$(gql 'mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id } }' \
  "$(jq -n --arg e "$EXPERIMENT_ID" --argjson s "$SWEEP" '{i: {experimentId: $e, sweep: $s}}')" | jq -r '.submitSweep.id')
echo "sweep $SWEEP_ID submitted" >&2
while :; do
  STATUS=$(gql 'query($id: ID!) { sweep(id: $id) { status } }' "{\"id\":\"$SWEEP_ID\"}" | jq -r '.sweep.status')
  [[ $STATUS == queued || $STATUS == running ]] || break
  sleep 2
done
echo "sweep $SWEEP_ID: $STATUS" >&2
gql 'query($id: ID!) { sweep(id: $id) { paretoFront(cost: P99_MS) { batchSize front { label gapPct cost n runIds } } } }' "{\"id\":\"$SWEEP_ID\"}"
# the runs table of the sweep as CSV, with the same filter the dashboard puts in its URL
curl -sS -G "${API%/graphql}/export" -H "authorization: Bearer $DRIFTPRUNE_TOKEN" \
  --data-urlencode "projectId=$(gql 'query($id: ID!) { sweep(id: $id) { projectId } }' "{\"id\":\"$SWEEP_ID\"}" | jq -r '.sweep.projectId')" \
  --data-urlencode "filter={\"sweepId\":\"$SWEEP_ID\"}" --data-urlencode 'sortColumn=meanDeltaNEPct' \
  --data-urlencode 'sort={"direction":"ASC"}' -o "sweep-$SWEEP_ID.csv"
echo "runs table: sweep-$SWEEP_ID.csv" >&2
