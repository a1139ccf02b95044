# Shared shell helpers for the scripts in this folder (sourced, not run).
log() { echo "[${LOG_TAG:-driftprune}] $*" >&2; }
# apt_install PKG... : installs Debian packages when running as root with apt-get; returns 1 otherwise.
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then return 1; fi
  log "installing $* with apt-get"
  if [ ! -f /tmp/.driftprune-apt-updated ]; then apt-get update -qq >&2 && touch /tmp/.driftprune-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
