#!/usr/bin/env bash
# Apache Solr 9.10.1 for CKAN's own schema, from Maven Central's jars (no Solr
# distribution, no Docker): Solr's Jetty launcher on 127.0.0.1.
#
#   scripts/solr.sh start VERSION    start when down; the core for CKAN VERSION
#   scripts/solr.sh stop             stop (SIGTERM: Jetty closes the cores cleanly)
#   scripts/solr.sh status [VERSION] running? core answering?
#   scripts/solr.sh url VERSION      the core's URL (solr_url / CKAN_SOLR_URL)
#   scripts/solr.sh thai-words       stdin lines -> tab-separated words, as Solr's
#                                    ThaiTokenizer cuts them on this Java runtime
#
# One Solr process serves one core per CKAN version (ckan-2_12_0, ckan-2_11_6):
# their schemas differ (name ckan-2.12 / ckan-2.11). Each core's conf/ is CKAN's
# schema.xml from that version's venv with Thai search (`ckan opdc-kpi solr-schema`;
# SOLR_SCHEMA=ckan: CKAN's file unchanged), solr/solrconfig.xml and empty word lists.
# Everything lives in the git-ignored .state/solr: lib/ (jars, fetched once with
# mvn), classes/ (solr/src compiled), home/ (Solr home), solr.pid, solr.log.
#
# Environment: SOLR_PORT (8983), SOLR_HEAP (1g), SOLR_WAIT (seconds, 120),
# SOLR_CORE (the core's name instead of ckan-<version>, e.g. the search benchmark's),
# SOLR_SHARDS (unset: one node; N: SolrCloud, see below), SOLR_SCHEMA (thai: CKAN's
# schema with Thai search, the default; ckan: CKAN's schema.xml as it ships).
#
# SolrCloud (SOLR_SHARDS=N): ZooKeeper (127.0.0.1:SOLR_ZK_PORT, default SOLR_PORT+1000,
# chroot /solr) and SOLR_NODES (default N) Solr nodes in one JVM, the first on
# SOLR_PORT, the others on free ports; a fresh cluster at each start (.state/solr/cloud).
# A version's collection (named like the core, N shards, one replica each) is made as
# a site makes it: the configset uploaded to ZooKeeper with Solr's own CLI
# (SolrCLI upconfig, what `bin/solr zk upconfig` runs), then the Collections API's
# CREATE. `start VERSION` on a running cluster adds that version's collection.
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
ZK_PORT=${SOLR_ZK_PORT:-$((PORT + 1000))}
ZK_HOST="127.0.0.1:$ZK_PORT/solr"
SHARDS=${SOLR_SHARDS:-}
SCHEMA=${SOLR_SCHEMA:-thai}
NODES=${SOLR_NODES:-$SHARDS}

log() { printf '\033[1;34m[solr]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[solr]\033[0m %s\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2 (Debian: apt-get install openjdk-17-jdk-headless maven)"
}

core_name() { echo "${SOLR_CORE:-ckan-${1//./_}}"; }
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

compile() {  # solr/src/*.java: the launcher and the Thai word helper
  local src stale=""
  for src in solr/src/*.java; do
    local class="$CLASSES/$(basename "$src" .java).class"
    if [ ! -f "$class" ] || [ ! "$class" -nt "$src" ] || [ ! "$class" -nt "$LIB/.complete" ]; then
      stale=1
    fi
  done
  [ -z "$stale" ] && return 0
  need javac "a JDK (17) compiles the launcher"
  log "compiling solr/src/*.java"
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  javac -nowarn -d "$CLASSES" -cp "$(classpath)" solr/src/*.java
}

# conf/ for a CKAN version: its schema.xml (SOLR_SCHEMA=thai: CKAN's own file
# with Thai search, written by `ckan opdc-kpi solr-schema`'s code from that
# version's venv; ckan: CKAN's file as it is), our solrconfig.xml, the word lists.
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
  local wanted=$schema
  if [ "$SCHEMA" = thai ]; then
    wanted=$STATE/schema-thai-$version.xml
    "$venv/bin/python" -m ckanext.opdc_kpi.search.solr_schema > "$wanted.tmp" \
      || die "could not write the Thai schema for CKAN $version (ckanext.opdc_kpi.search.solr_schema)"
    mv "$wanted.tmp" "$wanted"
  fi
  if ! cmp -s "$wanted" "$conf/schema.xml"; then
    [ -f "$conf/schema.xml" ] && log "schema.xml of $conf changed ($SCHEMA): documents indexed before keep their old analysis until reindexed (ckan search-index rebuild)" >&2
    cp "$wanted" "$conf/schema.xml"
    changed=1
  fi
  if ! cmp -s solr/solrconfig.xml "$conf/solrconfig.xml"; then
    cp solr/solrconfig.xml "$conf/"
    changed=1
  fi
  # every word list the schema names (synonyms="..", protected="..", words="..")
  local f
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

mode_now() { cat "$MODEFILE" 2>/dev/null || echo node; }

# Solr's command-line tools (org.apache.solr.cli.SolrCLI, in solr-core's jar):
# `solr_cli zk upconfig ...` is what `bin/solr zk upconfig ...` runs
solr_cli() {
  # solr.install.dir: bin/solr sets it; upconfig looks for named configsets there
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dfile.encoding=UTF-8 \
    -Dsolr.install.dir="$(pwd)/$STATE" \
    -Dlog4j2.configurationFile="$(pwd)/solr/log4j2.xml" \
    -cp "$(classpath)" org.apache.solr.cli.SolrCLI "$@"
}

collections_api() {  # collections_api 'action=...&...': the JSON answer, or exit 1
  curl -sf --max-time 300 "http://127.0.0.1:$PORT/solr/admin/collections?wt=json&$1"
}

# wait_until EXITED TIMED_OUT COMMAND...: until COMMAND succeeds; the log's tail
# and exit 1 when Solr exits (EXITED) or WAIT seconds pass (TIMED_OUT)
wait_until() {
  local exited=$1 timed_out=$2 i
  shift 2
  for i in $(seq 1 $((WAIT * 2))); do
    "$@" && return 0
    if ! running; then
      echo "--- $LOGFILE (last 40 lines) ---" >&2; tail -n 40 "$LOGFILE" >&2
      die "$exited"
    fi
    sleep 0.5
  done
  echo "--- $LOGFILE (last 40 lines) ---" >&2; tail -n 40 "$LOGFILE" >&2
  die "$timed_out"
}

cloud_ready() { grep -q '^SOLR READY' "$LOGFILE" 2>/dev/null; }

wait_cloud_up() {  # the launcher printed SOLR READY: ZooKeeper and every node are live
  wait_until "SolrCloud exited during start-up" \
    "SolrCloud's nodes were not live within ${WAIT}s" cloud_ready
}

upload_configset() {  # upload_configset NAME DIR, then the Configsets API must list NAME
  local cli_log=$STATE/solr-cli.log
  solr_cli zk upconfig -n "$1" -d "$2" -z "$ZK_HOST" >"$cli_log" 2>&1 \
    || { tail -n 20 "$cli_log" >&2; die "bin/solr zk upconfig failed (log $cli_log)"; }
  curl -sf --max-time 30 "http://127.0.0.1:$PORT/solr/admin/configs?action=LIST&wt=json" \
    | grep -q "\"$1\"" \
    || { tail -n 20 "$cli_log" >&2; die "configset $1 is not in ZooKeeper after upconfig (log $cli_log)"; }
}

# The version's collection on the running cluster: configset to ZooKeeper and
# CREATE when it is missing; configset again and RELOAD when conf/ changed.
ensure_collection() {
  local version=$1 core conf changed shards=${SHARDS:-2}
  core=$(core_name "$version")
  conf=$STATE/cloud-conf/$core/conf
  changed=$(write_conf "$version" "$conf")
  local list
  list=$(collections_api "action=LIST") || { tail -n 20 "$LOGFILE" >&2; die "the Collections API does not answer on port $PORT"; }
  if grep -q "\"$core\"" <<<"$list"; then
    [ -z "$changed" ] && return 0
    log "configuration changed: uploading configset $core again and reloading the collection"
    upload_configset "$core" "$conf"
    collections_api "action=RELOAD&name=$core" >/dev/null \
      || { tail -n 20 "$LOGFILE" >&2; die "could not reload collection $core"; }
    return 0
  fi
  log "uploading configset $core to ZooKeeper $ZK_HOST (bin/solr zk upconfig)"
  upload_configset "$core" "$conf"
  log "creating collection $core: $shards shards, 1 replica each (Collections API CREATE)"
  local answer
  answer=$(collections_api "action=CREATE&name=$core&numShards=$shards&replicationFactor=1&collection.configName=$core&waitForFinalState=true") \
    || { tail -n 30 "$LOGFILE" >&2; die "could not create collection $core"; }
  if grep -q '"failure"' <<<"$answer"; then
    echo "$answer" >&2; die "collection $core: CREATE reported a failure"
  fi
}

wait_ready() {  # wait_ready VERSION: the core answers, or the log's tail and exit 1
  wait_until "Solr exited during start-up" \
    "Solr's core $(core_name "$1") did not answer within ${WAIT}s" ping_core "$1"
}

port_busy() {
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null
}

start() {
  check_version "${1:-}"
  local version=$1 core mode=node
  core=$(core_name "$version")
  [ -n "$SHARDS" ] && mode="cloud"
  if [ "$mode" = cloud ]; then
    [[ "$SHARDS" =~ ^[1-9][0-9]?$ ]] || die "SOLR_SHARDS must be a number of shards (1-99), not '$SHARDS'"
    [[ "$NODES" =~ ^[1-9][0-9]?$ ]] || die "SOLR_NODES must be a number of nodes (1-99), not '$NODES'"
  fi
  need java "Solr runs on Java 17"
  [[ "$SCHEMA" =~ ^(thai|ckan)$ ]] || die "SOLR_SCHEMA must be thai or ckan, not '$SCHEMA'"

  if running; then
    [ "$(mode_now)" = "$mode" ] \
      || die "Solr is running in $(mode_now) mode on port $PORT (pid $(cat "$PIDFILE")): scripts/solr.sh stop first, or set SOLR_PORT"
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
    else
      ensure_collection "$version"
    fi
    wait_ready "$version"
    log "Solr is running: $(core_url "$version")"
    return 0
  fi

  port_busy && die "port $PORT is taken by another program (another worktree's Solr?): set SOLR_PORT"
  local args
  if [ "$mode" = cloud ]; then
    (exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT") 2>/dev/null \
      && die "port $ZK_PORT (ZooKeeper) is taken by another program: set SOLR_ZK_PORT (or SOLR_PORT)"
  fi
  jars
  compile
  if [ "$mode" = node ]; then
    solr_home "$version" >/dev/null
    args=(node "$SOLR_HOME_DIR" "$PORT")
  else
    # a fresh cluster each start (the index is rebuilt from CKAN's database)
    rm -rf "$STATE/cloud"
    args=(cloud "$STATE/cloud" "$PORT" "$NODES" "$ZK_PORT")
  fi
  log "starting Solr 9.10.1 ($mode) on 127.0.0.1:$PORT, log $LOGFILE"
  rm -f "$LOGFILE"  # wait_cloud_up reads it: no line of the last run
  # setsid: the JVM outlives this shell and make; no nohup wrapper, so $! is the JVM
  setsid java -Xms256m -Xmx"$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dlog4j2.configurationFile="$(pwd)/solr/log4j2.xml" \
    -Dsolr.log.dir="$(pwd)/$STATE" -Dsolr.max.booleanClauses=1024 \
    -Dsolr.install.dir="$(pwd)/$STATE" -Dsolr.solr.home="$(pwd)/$SOLR_HOME_DIR" \
    -cp "$(classpath)" SolrLauncher "${args[@]}" > "$LOGFILE" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  echo "$mode" > "$MODEFILE"
  if [ "$mode" = cloud ]; then
    wait_cloud_up
    log "$(grep -m1 '^SOLR READY' "$LOGFILE" | cut -d' ' -f3-)"
    ensure_collection "$version"
  fi
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
    echo "Solr running (pid $(cat "$PIDFILE"), $(mode_now) mode) on 127.0.0.1:$PORT"
    if [ "$(mode_now)" = cloud ]; then
      grep -m1 '^SOLR READY' "$LOGFILE" 2>/dev/null | cut -d' ' -f3- || true
      if [ -n "${1:-}" ]; then
        collections_api "action=CLUSTERSTATUS&collection=$(core_name "$1")" \
          | python3 -c 'import json, sys
for name, col in json.load(sys.stdin)["cluster"]["collections"].items():
    for shard, s in sorted(col["shards"].items()):
        print("collection " + name + " " + shard + ": " + ", ".join(
            r["node_name"] + " " + r["state"] for r in s["replicas"].values()))' 2>/dev/null \
          || echo "no collection $(core_name "$1")"
      fi
    fi
  else
    echo "Solr not running"
  fi
  if [ -n "${1:-}" ]; then
    if ping_core "$1"; then echo "core $(core_name "$1") answers: $(core_url "$1")"
    else echo "core $(core_name "$1") does not answer"; return 1; fi
  fi
  running
}

thai_words() {  # stdin lines -> their words as solr.ThaiTokenizerFactory cuts them
  need java "the Thai word helper runs on Java 17"
  jars >&2
  compile >&2
  exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dfile.encoding=UTF-8 \
    -cp "$(classpath)" ThaiWords
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status "$@" ;;
  url) check_version "${1:-}"; core_url "$1" ;;
  thai-words) thai_words ;;
  *) echo "usage: $0 start VERSION|stop|status [VERSION]|url VERSION|thai-words" >&2; exit 2 ;;
esac
