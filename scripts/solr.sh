#!/usr/bin/env bash
# Apache Solr 9.10.1 for CKAN's own schema, from Maven Central's jars (no Solr
# distribution, no Docker): Solr's Jetty launcher on 127.0.0.1.
#
#   scripts/solr.sh start VERSION    start when down; the core for CKAN VERSION
#   scripts/solr.sh stop             stop (SIGTERM: Jetty closes the cores cleanly)
#   scripts/solr.sh status [VERSION] running? core answering?
#   scripts/solr.sh url VERSION      the core's URL (solr_url / CKAN_SOLR_URL)
#
# One Solr process serves one core per CKAN version (ckan-2_12_0, ckan-2_11_6):
# their schemas differ (name ckan-2.12 / ckan-2.11). Each core's conf/ is CKAN's
# schema.xml from that version's venv, solr/solrconfig.xml and empty word lists.
# Everything lives in the git-ignored .state/solr: lib/ (jars, fetched once with
# mvn), classes/ (solr/src compiled), home/ (Solr home), solr.pid, solr.log.
#
# Environment: SOLR_PORT (8983), SOLR_HEAP (1g), SOLR_WAIT (seconds, 120),
# SOLR_SHARDS (unset: one node; N: SolrCloud, ZooKeeper and N nodes in one JVM,
# a collection of N shards named like the core; experimental, one version at a time).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SOLR_PORT:-8983}
HEAP=${SOLR_HEAP:-1g}
WAIT=${SOLR_WAIT:-120}
STATE=.state/solr
LIB=$STATE/lib
CLASSES=$STATE/classes
SOLR_HOME_DIR=$STATE/home
PIDFILE=$STATE/solr.pid
LOGFILE=$STATE/solr.log
MODEFILE=$STATE/mode

log() { printf '\033[1;34m[solr]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[solr]\033[0m %s\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2 (Debian: apt-get install openjdk-17-jdk-headless maven)"
}

core_name() { echo "ckan-${1//./_}"; }
core_url() { echo "http://127.0.0.1:$PORT/solr/$(core_name "$1")"; }

check_version() {
  [ -n "${1:-}" ] || die "usage: $0 start|status|url VERSION (e.g. 2.12.0)"
  [ -f "requirements/ckan-$1.txt" ] || die "no requirements/ckan-$1.txt: unknown CKAN version $1"
}

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

ping_core() {  # the core answers a query
  curl -sf -o /dev/null --max-time 5 "$(core_url "$1")/admin/ping?wt=json"
}

# Jars of org.apache.solr:solr-core and solr-test-framework (solr/pom.xml), once.
jars() {
  local stamp
  stamp=$(sha1sum solr/pom.xml | cut -c1-12)
  if [ -f "$LIB/.complete" ] && [ "$(cat "$LIB/.complete")" = "$stamp" ]; then
    return 0
  fi
  need mvn "Maven fetches Solr's jars from Maven Central"
  log "fetching Solr's jars with Maven into $LIB (once, ~85 MB)"
  rm -rf "$LIB.tmp"
  mvn -q -f solr/pom.xml dependency:copy-dependencies \
    -DoutputDirectory="$(pwd)/$LIB.tmp" -DincludeScope=runtime \
    || die "mvn could not fetch Solr's jars (is Maven Central reachable?)"
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  echo "$stamp" > "$LIB/.complete"
}

classpath() { echo "$CLASSES:$LIB/*"; }

compile() {
  local src=solr/src/SolrLauncher.java
  if [ -f "$CLASSES/SolrLauncher.class" ] && [ "$CLASSES/SolrLauncher.class" -nt "$src" ] \
     && [ "$CLASSES/SolrLauncher.class" -nt "$LIB/.complete" ]; then
    return 0
  fi
  need javac "a JDK (17) compiles the launcher"
  log "compiling $src"
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  javac -nowarn -d "$CLASSES" -cp "$(classpath)" "$src"
}

# conf/ for a CKAN version: its schema.xml, our solrconfig.xml, the word lists.
# Prints "changed" when a file was written.
write_conf() {
  local version=$1 conf=$2 venv schema changed=""
  venv=$(scripts/setup.sh venv-dir "$version")
  schema="$venv/lib/python3.11/site-packages/ckan/config/solr/schema.xml"
  if [ ! -f "$schema" ]; then
    log "no CKAN $version in $venv: creating it (scripts/setup.sh venv $version)" >&2
    scripts/setup.sh venv "$version" >&2
  fi
  [ -f "$schema" ] || die "CKAN's schema.xml not found at $schema"
  mkdir -p "$conf"
  local f
  for f in "$schema" solr/solrconfig.xml; do
    if ! cmp -s "$f" "$conf/$(basename "$f")"; then
      cp "$f" "$conf/"
      changed=1
    fi
  done
  # every word list the schema names (synonyms="..", protected="..", words="..")
  for f in $(grep -oE '(synonyms|protected|words|dictionary|types)="[^"]+\.txt"' "$schema" \
             | cut -d'"' -f2 | sort -u); do
    [ -f "$conf/$f" ] || { : > "$conf/$f"; changed=1; }
  done
  [ -n "$changed" ] && echo changed
  return 0
}

solr_home() {
  local version=$1 core
  core=$(core_name "$version")
  mkdir -p "$SOLR_HOME_DIR"
  cmp -s solr/solr.xml "$SOLR_HOME_DIR/solr.xml" || cp solr/solr.xml "$SOLR_HOME_DIR/solr.xml"
  local changed
  changed=$(write_conf "$version" "$SOLR_HOME_DIR/$core/conf")
  [ -f "$SOLR_HOME_DIR/$core/core.properties" ] || printf 'name=%s\n' "$core" > "$SOLR_HOME_DIR/$core/core.properties"
  echo "$changed"
}

wait_ready() {  # wait_ready VERSION: the core answers, or the log's tail and exit 1
  local version=$1 i
  for i in $(seq 1 $((WAIT * 2))); do
    if ping_core "$version"; then return 0; fi
    if ! running; then
      echo "--- $LOGFILE (last 40 lines) ---" >&2; tail -n 40 "$LOGFILE" >&2
      die "Solr exited during start-up"
    fi
    sleep 0.5
  done
  echo "--- $LOGFILE (last 40 lines) ---" >&2; tail -n 40 "$LOGFILE" >&2
  die "Solr's core $(core_name "$version") did not answer within ${WAIT}s"
}

port_busy() {
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null
}

start() {
  check_version "${1:-}"
  local version=$1 core mode=node
  core=$(core_name "$version")
  [ -n "${SOLR_SHARDS:-}" ] && mode="cloud"
  need java "Solr runs on Java 17"

  if running; then
    [ "$(cat "$MODEFILE" 2>/dev/null || echo node)" = "$mode" ] \
      || die "Solr is running in $(cat "$MODEFILE") mode: scripts/solr.sh stop first"
    if [ "$mode" = node ]; then
      local changed
      changed=$(solr_home "$version")
      local base="http://127.0.0.1:$PORT/solr/admin/cores?wt=json"
      if ! curl -sf --max-time 10 "$base&action=STATUS&core=$core" | grep -q '"instanceDir"'; then
        log "adding core $core"
        # CoreAdmin CREATE writes core.properties itself and refuses an existing one
        rm -f "$SOLR_HOME_DIR/$core/core.properties"
        curl -sf --max-time 120 -o /dev/null "$base&action=CREATE&name=$core&instanceDir=$core" \
          || { tail -n 20 "$LOGFILE" >&2; die "could not create core $core"; }
      elif [ -n "$changed" ]; then
        log "configuration changed: reloading core $core"
        curl -sf --max-time 120 -o /dev/null "$base&action=RELOAD&core=$core" \
          || { tail -n 20 "$LOGFILE" >&2; die "could not reload core $core"; }
      fi
    fi
    wait_ready "$version"
    log "Solr is running: $(core_url "$version")"
    return 0
  fi

  port_busy && die "port $PORT is taken by another program (another worktree's Solr?): set SOLR_PORT"
  jars
  compile
  local args
  if [ "$mode" = node ]; then
    solr_home "$version" >/dev/null
    args=(node "$SOLR_HOME_DIR" "$PORT")
  else
    # SolrCloud: a fresh cluster each start (the index is rebuilt from CKAN's database)
    rm -rf "$STATE/cloud"
    write_conf "$version" "$STATE/cloud-conf/$core/conf" >/dev/null
    args=(cloud "$STATE/cloud" "$PORT" "$core" "$STATE/cloud-conf/$core/conf" "$SOLR_SHARDS")
  fi
  log "starting Solr 9.10.1 ($mode) on 127.0.0.1:$PORT, log $LOGFILE"
  # setsid: the JVM outlives this shell and make; no nohup wrapper, so $! is the JVM
  setsid java -Xms256m -Xmx"$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dlog4j2.configurationFile="$(pwd)/solr/log4j2.xml" \
    -Dsolr.log.dir="$(pwd)/$STATE" -Dsolr.max.booleanClauses=1024 \
    -Dsolr.install.dir="$(pwd)/$STATE" -Dsolr.solr.home="$(pwd)/$SOLR_HOME_DIR" \
    -cp "$(classpath)" SolrLauncher "${args[@]}" > "$LOGFILE" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  echo "$mode" > "$MODEFILE"
  wait_ready "$version"
  log "Solr is ready: $(core_url "$version")"
}

stop() {
  if ! running; then
    rm -f "$PIDFILE"
    log "Solr is not running"
    return 0
  fi
  local pid i
  pid=$(cat "$PIDFILE")
  log "stopping Solr (pid $pid)"
  kill -TERM "$pid"
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; log "stopped"; return 0; }
    sleep 0.5
  done
  log "Solr did not stop within 30 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

status() {
  if running; then
    echo "Solr running (pid $(cat "$PIDFILE"), $(cat "$MODEFILE" 2>/dev/null || echo node) mode) on 127.0.0.1:$PORT"
  else
    echo "Solr not running"
  fi
  if [ -n "${1:-}" ]; then
    if ping_core "$1"; then echo "core $(core_name "$1") answers: $(core_url "$1")"
    else echo "core $(core_name "$1") does not answer"; return 1; fi
  fi
  running
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status "$@" ;;
  url) check_version "${1:-}"; core_url "$1" ;;
  *) echo "usage: $0 start VERSION|stop|status [VERSION]|url VERSION" >&2; exit 2 ;;
esac
