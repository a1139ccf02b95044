# Starting and stopping the platform's long-running services (sourced by start.sh, not run). Each service runs in
# its own process group (setsid) so that stopping it stops its children too (npm → node → a run's child process).
# The services are stopped when this shell ends for any reason: Ctrl-C (INT), kill (TERM), the terminal closing
# (HUP: the services, in their own sessions, would not get it themselves and were left running) or an error (EXIT).
# Needs log() from lib.sh.
svc_pids=()
svc_names=()
stop_all() {
  trap - HUP INT TERM EXIT
  [ ${#svc_pids[@]} = 0 ] && return 0
  log "stopping ${svc_names[*]}"
  for p in "${svc_pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0; for p in "${svc_pids[@]}"; do kill -0 -- "-$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  # whatever is left of each group (a child that ignored TERM) is killed
  for p in "${svc_pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  log "stopped"
}
trap 'stop_all; exit 129' HUP
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT
# launch NAME LOGFILE COMMAND...: starts a service in its own session, output to LOGFILE
launch() {
  local name="$1" logfile="$2"; shift 2
  setsid "$@" >"$logfile" 2>&1 &
  svc_pids+=($!)
  svc_names+=("$name")
  log "$name started (pid $!, log $logfile)"
}
# Waits in a way a signal interrupts at once (a foreground sleep would delay the trap until it ends).
pause() { sleep "$1" & wait $! || true; }
# Returns when a service exits (1, after naming it and showing its log's tail); runs until then.
watch_services() {
  while true; do
    for i in "${!svc_pids[@]}"; do
      if ! kill -0 "${svc_pids[$i]}" 2>/dev/null; then
        log "${svc_names[$i]} exited"; return 1
      fi
    done
    pause 1
  done
}
