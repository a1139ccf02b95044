#!/usr/bin/env bash
# Makes PostgreSQL and Redis available and prints the env lines that point at them:
#   eval "$(bash scripts/services.sh)"
# Order, for each service: the URL already in the environment (DATABASE_URL / REDIS_URL) when it answers; else the
# local server on 127.0.0.1:5432 / :6379 when it answers; else start Debian's server; else install it with apt-get
# (root only); else stop with a message that names the fix. Idempotent: a second run finds everything up.
# Progress goes to stderr; only `export` lines go to stdout.
set -euo pipefail
LOG_TAG=services
source "$(dirname "$0")/lib.sh"
answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
url_host_port() { # url default_port -> "host port"
  local rest="${1#*://}"; rest="${rest#*@}"; rest="${rest%%/*}"; rest="${rest%%\?*}"
  local host="${rest%%:*}" port="${2}"
  [[ "$rest" == *:* ]] && port="${rest##*:}"
  echo "$host $port"
}
wait_for() { # host port seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do answers "$1" "$2" && return 0; sleep 0.1; done; return 1
}

# ---------- PostgreSQL ----------
DB_NAME="${DRIFTPRUNE_DB_NAME:-driftprune}"
if [ -n "${DATABASE_URL:-}" ]; then
  read -r h p < <(url_host_port "$DATABASE_URL" 5432)
  answers "$h" "$p" || { log "DATABASE_URL is set but $h:$p does not answer; fix the URL or unset it"; exit 1; }
  log "postgres: using DATABASE_URL ($h:$p)"
else
  if answers 127.0.0.1 5432; then
    log "postgres: a server answers on 127.0.0.1:5432"
  else
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql || { log "PostgreSQL is not running and cannot be installed here. Fix: install PostgreSQL (Debian: apt-get install postgresql), set DATABASE_URL, or run docker compose -f docker/compose.yaml up postgres redis"; exit 1; }
    fi
    ver="$(ls /etc/postgresql | sort -V | tail -1)"
    log "postgres: starting cluster $ver/main"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 2>/dev/null || pg_ctlcluster "$ver" main start >&2
    wait_for 127.0.0.1 5432 20 || { log "postgres did not come up on 127.0.0.1:5432"; exit 1; }
  fi
  # A fresh Debian cluster asks for a password over TCP; a role with a known local password works either way.
  if [ "$(id -u)" = 0 ] && command -v psql >/dev/null && id postgres >/dev/null 2>&1; then
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='driftprune'\"" 2>/dev/null | grep -q 1 ||
      su postgres -c "psql -qc \"CREATE ROLE driftprune LOGIN SUPERUSER PASSWORD 'driftprune'\"" >&2 2>/dev/null || true
    DATABASE_URL="postgresql://driftprune:driftprune@127.0.0.1:5432/$DB_NAME"
  else
    DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB_NAME"
  fi
fi

# ---------- Redis ----------
if [ -n "${REDIS_URL:-}" ]; then
  read -r h p < <(url_host_port "$REDIS_URL" 6379)
  answers "$h" "$p" || { log "REDIS_URL is set but $h:$p does not answer; fix the URL or unset it"; exit 1; }
  log "redis: using REDIS_URL ($h:$p)"
else
  if answers 127.0.0.1 6379; then
    log "redis: a server answers on 127.0.0.1:6379"
  else
    command -v redis-server >/dev/null || apt_install redis-server || { log "Redis is not running and cannot be installed here. Fix: install Redis (Debian: apt-get install redis-server), set REDIS_URL, or run docker compose -f docker/compose.yaml up redis"; exit 1; }
    log "redis: starting redis-server on 127.0.0.1:6379"
    mkdir -p /tmp/driftprune-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp/driftprune-redis --logfile /tmp/driftprune-redis/redis.log >&2
    wait_for 127.0.0.1 6379 10 || { log "redis did not come up on 127.0.0.1:6379"; exit 1; }
  fi
  REDIS_URL="redis://127.0.0.1:6379"
fi

echo "export DATABASE_URL='$DATABASE_URL'"
echo "export REDIS_URL='$REDIS_URL'"
