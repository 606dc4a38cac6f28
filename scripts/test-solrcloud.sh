#!/usr/bin/env bash
# `make test-solrcloud`: tests against a SolrCloud collection of 2 shards (issue 17,
# item 6). Not part of `make test` or CI.
#
#   scripts/test-solrcloud.sh VERSION VENV TEST_FILE... [pytest options]
#
# Starts SolrCloud from the same jars (scripts/solr.sh with SOLR_SHARDS, default 2:
# ZooKeeper and 2 nodes in one JVM) only when this worktree's Solr is down, adds the
# version's collection when a running cluster lacks it, points the tests at the
# collection through one node (CKAN_SOLR_URL; CKAN's start-up schema check runs
# against it), runs pytest in Solr mode, and stops SolrCloud again only if it
# started it. A single-node Solr running on the same port is an error (stop it, or
# set SOLR_PORT). CKAN_SQLALCHEMY_URL: the test database (the Makefile sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[solrcloud]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[solrcloud]\033[0m %s\n' "$*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: $0 VERSION VENV TEST_FILE... [pytest options]"
version=$1 venv=$2
shift 2
[ -x "$venv/bin/python" ] || die "no virtualenv at $venv (make setup CKAN_VERSION=$version)"
[ -n "${CKAN_SQLALCHEMY_URL:-}" ] || die "CKAN_SQLALCHEMY_URL (the test database) is not set"
export SOLR_SHARDS=${SOLR_SHARDS:-2}

started=""
if scripts/solr.sh status >/dev/null 2>&1; then
  mode=$(cat .state/solr/mode 2>/dev/null || echo node)
  [ "$mode" = cloud ] || die "a single-node Solr of this checkout is running on port ${SOLR_PORT:-8983}: scripts/solr.sh stop first, or set SOLR_PORT to a free port"
  log "SolrCloud already running: using it (it stays running afterwards)"
else
  started=1
fi
stop_started() {
  if [ -n "$started" ]; then
    log "stopping the SolrCloud this run started"
    scripts/solr.sh stop || true
  fi
}
trap stop_started EXIT
trap 'exit 130' INT TERM

scripts/solr.sh start "$version"
url=$(scripts/solr.sh url "$version")
scripts/solr.sh status "$version" | sed 's/^/  /'
shards=$(scripts/solr.sh status "$version" | grep -c "^collection .* shard" || true)
[ "$shards" -ge 2 ] || log "note: the collection has $shards shard(s) (SOLR_SHARDS=$SOLR_SHARDS)"

log "pytest against $url"
begin=$(date +%s)
status=0
CKAN_SOLR_URL=$url CKAN_INI=$(pwd)/test-solr.ini OPDC_KPI_SEARCH=solr \
  "$venv/bin/python" -m pytest --ckan-ini=test-solr.ini -p no:cacheprovider "$@" || status=$?
log "pytest exit status $status in $(( $(date +%s) - begin )) s (collection $url, $shards shards)"
exit $status
