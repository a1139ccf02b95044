#!/usr/bin/env bash
# Everything issue 17 measures on a GPU host, in one invocation (the device is lent by the minute): activate the
# carry once, then each named phase in turn, each bounded by its own time limit, results under OUT (default $OUT).
#   bash scripts/gpu/on-device.sh PHASE[:SECONDS] ...
# phases:
#   info          nvidia-smi, the WebGPU adapter probe, versions
#   cross-check   whole runs per paradigm, webgpu vs cpu, resumed across devices → cross-check.tgz (scripts/gpu/cross-check.ts)
#   queue         the platform on this host: API + worker (DRIFTPRUNE_DEVICE=webgpu) + sweep via GraphQL → queue.tgz
#   cc+queue      cross-check and queue side by side (both check correctness, not speed)
#   serving       dense vs pruned ONNX models on the CPU and WebGPU providers → serving.json (scripts/gpu/serving.ts)
#   bench         bench-gpu: profile, levers, throughput against PyTorch → bench-gpu.json
#   answer        time to answer: one large run per paradigm on the webgpu device → answer.tgz (scripts/gpu/answer.ts)
# Extra arguments for a phase come from the environment: CC_ARGS, QUEUE_ARGS, SERVING_ARGS, BENCH_ARGS, ANSWER_ARGS;
# CC_APP runs the cross-check from another bundle of tools.ts (default: the carry's gpu.mjs), e.g. a diagnostic build.
set -uo pipefail
OUT="${OUT:-on-device-out}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
t0=$(date +%s)
say() { echo "[on-device $(( $(date +%s) - t0 )) s] $*" >&2; }
# shellcheck disable=SC1091
source .gpu-carry/activate.sh
app=.gpu-carry/app
work=/tmp/dp-on-device; mkdir -p "$work"
pack() { # name dir   (models and checkpoints stay behind: results, logs and metrics only)
  tar czf "$OUT/$1.tgz" --exclude='*.onnx' --exclude='*.ckpt' --exclude=checkpoint --exclude=gpu-checkpoint --exclude='*.cpuprofile' -C "$(dirname "$2")" "$(basename "$2")" 2>/dev/null || true
}
# cross-check in CC_SHARDS processes side by side (default 3), each with its share of the paradigms (CC_SPECS,
# default: cross-check's own list), results under cross-check/shard-N/.
cc() {
  local specs="${CC_SPECS:-dense,prune_once,gradual,sparse_regrow,d2s,adaptive_d2s,prune_once_distill,d2s_ramp,d2s:unstructured,sparse_regrow:unstructured,adaptive_d2s+paradigm.refresh.shadowWindows=1}"
  local n="${CC_SHARDS:-3}" i=0 pids=() rc=0
  IFS=, read -ra all <<<"$specs"
  mkdir -p "$work/cross-check"
  for ((i = 0; i < n; i++)); do
    local mine=() j
    for ((j = i; j < ${#all[@]}; j += n)); do mine+=("${all[j]}"); done
    [ ${#mine[@]} = 0 ] && continue
    (IFS=,; timeout "$1" node "${CC_APP:-$app/gpu.mjs}" cross-check --out "$work/cross-check/shard-$i" --paradigms "${mine[*]}" ${CC_ARGS:-} \
      >"$work/cross-check/shard-$i.stdout" 2>"$work/cross-check/shard-$i.log") &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  pack cross-check "$work/cross-check"
  say "cross-check exit $rc: $(cat "$work"/cross-check/shard-*.log | grep -E 'PASS|FAIL|cross-check:|Error' | cut -c1-220)"
}
queue() { DP_NO_ACTIVATE=1 timeout "$1" bash scripts/gpu/queue-on-gpu-host.sh --out "$work/queue" --timeout-s $(( $1 > 90 ? $1 - 60 : 30 )) ${QUEUE_ARGS:-} >"$work/queue.log" 2>&1; local rc=$?
  cp "$work/queue.log" "$work/queue/" 2>/dev/null; pack queue "$work/queue"; say "queue exit $rc: $(tail -4 "$work/queue.log")"; }
for spec in "$@"; do
  phase="${spec%%:*}"; limit="${spec#*:}"; [ "$limit" = "$spec" ] && limit=300
  say "phase $phase (at most $limit s)"
  case "$phase" in
    info)
      { timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; node --version; uname -a; nproc; free -g | head -2
        python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.is_available())' 2>&1 | tail -1
        timeout "$limit" node "$app/bench-gpu.mjs" --phases none --out "$work/info" 2>&1 | head -3; } >"$OUT/info.txt" 2>&1
      cat "$OUT/info.txt" >&2 ;;
    cross-check) cc "$limit" ;;
    queue) queue "$limit" ;;
    cc+queue) cc "$limit" & queue "$limit" & wait ;;
    serving)
      timeout "$limit" node "$app/gpu.mjs" serving --out "$work/serving" --train-device webgpu ${SERVING_ARGS:-} 2>&1 | tail -20 >&2
      cp "$work/serving/serving.json" "$OUT/" 2>/dev/null ;;
    bench)
      timeout "$limit" node "$app/bench-gpu.mjs" --out "$work/bench" ${BENCH_ARGS:-} 2>&1 | grep -v '^\s*$' | tail -25 >&2
      cp "$work/bench/results.json" "$OUT/bench-gpu.json" 2>/dev/null ;;
    answer)
      timeout "$limit" node "$app/gpu.mjs" answer --out "$work/answer" ${ANSWER_ARGS:-} >"$work/answer.log" 2>&1
      say "answer exit $?: $(tail -8 "$work/answer.log")"; cp "$work/answer.log" "$work/answer/" 2>/dev/null; pack answer "$work/answer" ;;
    *) say "unknown phase $phase" ;;
  esac
done
say "done; $(ls "$OUT" | tr '\n' ' ')"
