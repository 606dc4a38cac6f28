#!/usr/bin/env bash
# The catalog under uWSGI, the way CKAN's deployment documentation runs CKAN.
#
#   scripts/production.sh run VENV     in the foreground; Ctrl-C stops the server
#                                      and its jobs worker (make serve-production)
#   scripts/production.sh start VENV   in the background, returns once the site
#                                      answers (make start-production)
#   scripts/production.sh stop VENV    stops a server started either way
#                                      (make stop-production)
#   scripts/production.sh status       running or not, with its processes
#
# Environment: PROD_HOST (127.0.0.1), PROD_PORT (5001), WORKERS (2 per CPU core),
# INI (ckan.ini: the site's settings; scripts/production/production.ini layers
# debug off and logging at INFO over it).
# Files: .state/production/uwsgi.pid, .state/production/uwsgi.log (start),
# .state/production/jobs-worker.log. Every command checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${PROD_HOST:-127.0.0.1}
PORT=${PROD_PORT:-5001}
STATE=.state/production
PIDFILE=$STATE/uwsgi.pid
mkdir -p "$STATE"

log() { printf '\033[1;34m[production]\033[0m %s\n' "$*"; }

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

answers() {
  "$VENV/bin/python" - "$HOST" "$PORT" <<'EOF'
import http.client, sys
try:
    c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=5)
    c.request("GET", "/api/3/action/status_show")
    sys.exit(0 if c.getresponse().status == 200 else 1)
except OSError:
    sys.exit(1)
EOF
}

prepare() {
  VENV=$1
  [ -x "$VENV/bin/uwsgi" ] || { echo "no $VENV/bin/uwsgi: run make setup" >&2; exit 2; }
  local ini=${INI:-ckan.ini}
  [ -f "$ini" ] || { echo "no $ini: run make serve-production (it writes one)" >&2; exit 2; }
  local here
  here=$(pwd)
  # production.ini points at ../../ckan.ini; another INI gets its own layer
  if [ "$ini" = ckan.ini ]; then
    export CKAN_INI=$here/scripts/production/production.ini
  else
    export CKAN_INI=$here/$STATE/production-$(basename "$ini")
    sed "s#^use = config:.*#use = config:$here/$ini#" scripts/production/production.ini > "$CKAN_INI"
  fi
  export CKAN_SITE_URL="http://$HOST:$PORT"
  export OPDC_HTTP="$HOST:$PORT"
  export OPDC_WSGI=$here/scripts/production/wsgi.py
  export OPDC_WORKERS=${WORKERS:-$(( 2 * $(nproc) ))}
  export OPDC_PIDFILE=$here/$PIDFILE
  # where Flask would find them: CKAN's public folder, the webassets output
  read -r OPDC_CKAN_PUBLIC OPDC_WEBASSETS < <("$VENV/bin/python" - <<'EOF'
import os
from ckan.cli import CKANConfigLoader
import ckan
config = CKANConfigLoader(os.environ["CKAN_INI"]).get_config()
public = os.path.join(os.path.dirname(ckan.__file__), config.get("ckan.base_public_folder") or "public")
webassets = config.get("ckan.webassets.path") or os.path.join(
    config.get("ckan.storage_path") or "/tmp", "webassets")
print(public, webassets)
EOF
)
  export OPDC_CKAN_PUBLIC OPDC_WEBASSETS
  mkdir -p "$OPDC_WEBASSETS"
  export OPDC_JOBS_WORKER="exec $here/$VENV/bin/ckan -c $here/$ini jobs worker >> $here/$STATE/jobs-worker.log 2>&1"
  # attach-daemon2 runs its cmd through /bin/sh -c: exec makes the stop signal reach the worker
}

run() {
  prepare "$1"
  if running; then
    echo "already running (pid $(cat "$PIDFILE")): make stop-production first" >&2
    exit 1
  fi
  log "uWSGI: $OPDC_WORKERS workers on http://$HOST:$PORT (Ctrl-C stops it and its jobs worker)"
  exec "$VENV/bin/uwsgi" --ini scripts/production/uwsgi.ini
}

start() {
  prepare "$1"
  if running && answers; then
    log "already running (pid $(cat "$PIDFILE")) on http://$HOST:$PORT"
    return 0
  fi
  running && stop "$1"
  log "starting uWSGI: $OPDC_WORKERS workers on http://$HOST:$PORT (log $STATE/uwsgi.log)"
  "$VENV/bin/uwsgi" --ini scripts/production/uwsgi.ini --daemonize2 "$(pwd)/$STATE/uwsgi.log" >> "$STATE/uwsgi.log" 2>&1
  for _ in $(seq 1 120); do
    answers && { log "ready: http://$HOST:$PORT"; return 0; }
    sleep 0.5
  done
  echo "uWSGI did not answer in 60 s; see $STATE/uwsgi.log" >&2
  exit 1
}

stop() {
  VENV=$1
  if ! running; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  local pid
  pid=$(cat "$PIDFILE")
  log "stopping uWSGI (pid $pid) and its jobs worker"
  kill -INT "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; log "stopped"; return 0; }
    sleep 0.5
  done
  echo "uWSGI (pid $pid) still running after 30 s" >&2
  exit 1
}

status() {
  if running; then
    local pid
    pid=$(cat "$PIDFILE")
    echo "running: pid $pid"
    ps --ppid "$pid" -o pid=,rss=,args= | sed 's/^/  /'
  else
    echo "not running"
    exit 3
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  run) run "$@" ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  status) status ;;
  *) echo "usage: $0 run|start|stop VENV | status" >&2; exit 2 ;;
esac
