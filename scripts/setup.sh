#!/usr/bin/env bash
# Idempotent set-up of everything the catalog and its tests need on a Debian
# machine: system packages, PostgreSQL and Redis running, a venv per CKAN
# version, the database role and databases, ckan.ini, migrations.
#
#   scripts/setup.sh system            Debian packages, services
#   scripts/setup.sh venv VERSION      .venv (2.12.0) or .venv-VERSION
#   scripts/setup.sh db NAME           role + database NAME (UTF-8, C.UTF-8)
#   scripts/setup.sh ini VENV          ckan.ini, written only when missing (mode 600)
#   scripts/setup.sh site VENV         db init + migrations + sysadmin
#   scripts/setup.sh solr VERSION      Apache Solr with the core for CKAN VERSION
#                                      (scripts/solr.sh start; needs Java 17, Maven)
#
# Every step checks before it acts: a second run is quick and changes nothing.
#
# Secrets (ckan.ini's SECRET_KEY and database password, the sysadmin password in
# STATE/admin-password) are written under umask 077 and kept mode 600, and never
# passed on a command line (other users see those in ps): the database role's
# password goes to psql on stdin, the ini's settings through a private file
# (ckan config-tool -f), the sysadmin's password through the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_USER=${DB_USER:-ckan_opdc}
DB_PASS=${DB_PASS:-ckan_opdc}
DB_HOST=${DB_HOST:-127.0.0.1}
STATE=${STATE:-.state}
mkdir -p "$STATE"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

system() {
  local wanted="postgresql postgresql-contrib redis-server libpq-dev gcc"
  [ "${WITH_BROWSER:-1}" = 1 ] && wanted="$wanted chromium chromium-driver fonts-thai-tlwg"
  local missing=""
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    log "installing Debian packages:$missing"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq $missing >/dev/null
  fi
  services
}

services() {
  if ! pg_isready -q -h "$DB_HOST" 2>/dev/null; then
    local cluster
    cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
      local ver
      ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
      log "creating PostgreSQL cluster $ver main"
      as_root pg_createcluster "$ver" main >/dev/null
      cluster="$ver main"
    fi
    log "starting PostgreSQL $cluster"
    as_root pg_ctlcluster $cluster start
    for _ in $(seq 1 30); do pg_isready -q -h "$DB_HOST" && break; sleep 0.5; done
  fi
  if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --port 6379 --bind 127.0.0.1 --save '' >/dev/null
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.25; done
  fi
}

venv_dir() {
  if [ "$1" = "2.12.0" ]; then echo .venv; else echo ".venv-$1"; fi
}

venv() {
  local version=$1 dir
  dir=$(venv_dir "$version")
  local reqs="requirements/ckan-$version.txt"
  [ -f "$reqs" ] || { echo "no $reqs: supported CKAN versions are $(ls requirements | sed -n 's/ckan-\(.*\)\.txt/\1/p' | xargs)"; exit 2; }
  local stamp
  stamp=$(cat "$reqs" requirements/dev.txt pyproject.toml setup.cfg | sha1sum | cut -c1-12)
  if [ -f "$dir/.opdc-installed" ] && [ "$(cat "$dir/.opdc-installed")" = "$stamp" ]; then
    return 0
  fi
  log "installing CKAN $version into $dir"
  [ -x "$dir/bin/python" ] || python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$reqs" -r requirements/dev.txt
  "$dir/bin/pip" install -q --disable-pip-version-check --no-deps -e .
  echo "$stamp" > "$dir/.opdc-installed"
}

db() {
  local name=$1
  if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1; then
    log "creating database role $DB_USER"
    # on stdin: a password on psql's command line would show in ps
    as_postgres psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS';
SQL
  fi
  local ctype
  ctype=$(as_postgres psql -tAc "SELECT datctype FROM pg_database WHERE datname='$name'")
  if [ -z "$ctype" ]; then
    log "creating database $name (UTF8, C.UTF-8)"
    as_postgres createdb -O "$DB_USER" -E UTF8 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 \
      --template=template0 "$name"
  elif ! printf '%s' "$ctype" | grep -qiE 'utf-?8$'; then
    echo "database $name has LC_CTYPE=$ctype: Thai text search needs a UTF-8 ctype (C.UTF-8)." >&2
    echo "drop it (dropdb $name) and run again." >&2
    exit 1
  fi
  as_postgres psql -q -d "$name" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null
}

db_url() {
  echo "postgresql://$DB_USER:$DB_PASS@$DB_HOST/$1"
}

ini() {
  local dir=$1 file=${INI:-ckan.ini}
  umask 077   # the ini holds SECRET_KEY and the database password
  if [ -f "$file" ]; then
    chmod 600 "$file"
    return 0
  fi
  log "writing $file"
  # SEARCH=solr: CKAN searches Apache Solr (SOLR_URL), so no opdc_kpi_pgsearch
  # dcat structured_data: ckanext-dcat's endpoints and the dataset page's
  # schema.org block, with the extension's profiles (README, "DCAT and schema.org")
  local plugins="activity scheming_datasets scheming_organizations opdc_kpi opdc_kpi_pgsearch dcat structured_data"
  [ "${SEARCH:-pg}" = solr ] && plugins="activity scheming_datasets scheming_organizations opdc_kpi dcat structured_data"
  # CKAN's template draws a random SECRET_KEY (WTF_CSRF_SECRET_KEY and the API
  # tokens' key derive from it); the settings go through a private file, not argv
  "$dir/bin/ckan" generate config "$file" >/dev/null
  local options
  options=$(mktemp "$STATE/ini-options.XXXXXX")
  cat > "$options" <<OPTIONS
[app:main]
sqlalchemy.url = $(db_url "${DB_NAME:-ckan_opdc}")
ckan.site_url = http://127.0.0.1:5000
ckan.site_id = opdc_kpi
ckan.redis.url = redis://127.0.0.1:6379/0
solr_url = ${SOLR_URL:-http://127.0.0.1:8983/solr/ckan}
ckan.plugins = $plugins
scheming.dataset_schemas = ckanext.opdc_kpi:schemas/dataset.yaml
scheming.organization_schemas = ckanext.opdc_kpi:schemas/organization.yaml
scheming.presets = ckanext.scheming:presets.json ckanext.opdc_kpi:schemas/presets.yaml
licenses_group_url = file://$(pwd)/ckanext/opdc_kpi/licenses/opdc-licenses.json
ckanext.dcat.rdf.profiles = euro_dcat_ap_3 opdc_kpi_dcat
ckanext.dcat.structured_data.profiles = opdc_kpi_schemaorg
ckan.locale_default = th
ckan.locales_offered = th en
ckan.storage_path = $(pwd)/.state/storage
ckan.auth.create_user_via_web = true
ckan.gravatar_default = disabled
OPTIONS
  "$dir/bin/ckan" config-tool "$file" -f "$options" >/dev/null || { rm -f "$options"; exit 1; }
  rm -f "$options"
  chmod 600 "$file"
}

# CKAN's own `ckan user add` (user_create, as a sysadmin: the site user), in a
# Python process that takes the password from its environment: on the command
# line (`ckan user add ... password=...`) it would show in ps.
ADD_SYSADMIN='
import os, sys
from ckan.cli.cli import ckan
password = os.environ.pop("OPDC_KPI_ADMIN_PASSWORD")
ckan(["-c", sys.argv[1], "user", "add", "admin", "email=admin@example.org",
      "sysadmin=true", "password=" + password])
'

site() {
  local dir=$1 file=${INI:-ckan.ini}
  umask 077   # before the password file is written
  log "database migrations"
  "$dir/bin/ckan" -c "$file" db init >/dev/null 2>&1 || "$dir/bin/ckan" -c "$file" db init
  "$dir/bin/ckan" -c "$file" db upgrade -p opdc_kpi >/dev/null 2>&1 || "$dir/bin/ckan" -c "$file" db upgrade -p opdc_kpi
  if [ ! -f "$STATE/admin-password" ]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(12))' > "$STATE/admin-password"
  fi
  chmod 600 "$STATE/admin-password"
  if ! "$dir/bin/ckan" -c "$file" user show admin 2>/dev/null | grep -q "name=admin"; then
    log "creating sysadmin 'admin' (password in $STATE/admin-password)"
    OPDC_KPI_ADMIN_PASSWORD=$(cat "$STATE/admin-password") \
      "$dir/bin/python" -c "$ADD_SYSADMIN" "$file" >/dev/null
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  system) system ;;
  services) services ;;
  venv) venv "$@" ;;
  venv-dir) venv_dir "$@" ;;
  db) db "$@" ;;
  db-url) db_url "$@" ;;
  ini) ini "$@" ;;
  site) site "$@" ;;
  solr) exec scripts/solr.sh start "$@" ;;
  *) echo "usage: $0 system|services|venv VERSION|db NAME|ini VENV|site VENV|solr VERSION" >&2; exit 2 ;;
esac
