# ckanext-opdc_kpi: `make serve` runs the catalog with demo content,
# `make test` runs the whole suite. Both set up what they need first.
CKAN_VERSION ?= 2.12.0
VENV := $(shell scripts/setup.sh venv-dir $(CKAN_VERSION))
# SEARCH=pg (default): the opdc_kpi_pgsearch plugin; SEARCH=solr: Apache Solr
# (scripts/solr.sh), with its own databases and ini (see README, "Running on Apache Solr").
SEARCH ?= pg
ifeq ($(SEARCH),solr)
# per CKAN version: the schemas (Solr cores) and the databases' extras differ
DB_NAME ?= ckan_opdc_solr_$(subst .,_,$(CKAN_VERSION))
TEST_DB ?= ckan_opdc_test_solr_$(subst .,_,$(CKAN_VERSION))
SERVE_INI := ckan-solr-$(CKAN_VERSION).ini
else ifneq ($(SEARCH),pg)
$(error SEARCH must be pg or solr, not $(SEARCH))
else
SERVE_INI := ckan.ini
endif
DB_NAME ?= ckan_opdc
# One test database per CKAN version: 2.11 and 2.12 keep extras differently.
TEST_DB ?= ckan_opdc_test_$(subst .,_,$(CKAN_VERSION))
# The DCAT harvester test's second site (tests/dcat/test_harvest.py) has a database of its own.
HARVEST_DB ?= $(TEST_DB)_harvest
PYTEST_ARGS ?=
TESTS ?= tests
HOST ?= 127.0.0.1
PORT ?= 5000
# the production server (uWSGI), beside the development one
PROD_HOST ?= 127.0.0.1
PROD_PORT ?= 5001
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) )))

export CKAN_SQLALCHEMY_URL_TEST := $(shell scripts/setup.sh db-url $(TEST_DB))
export OPDC_KPI_HARVEST_DB_URL := $(shell scripts/setup.sh db-url $(HARVEST_DB))

.PHONY: serve setup test test-canary test-differential test-pure test-all demo bench i18n i18n-extract clean-venv mutation \
  site-ready serve-production start-production stop-production bench-load \
  solr solr-stop solr-status test-solrcloud bench-search-solr bench-dcat-solr bench-thai-recall bench-faults test-faults

setup:
	scripts/setup.sh system
	scripts/setup.sh venv $(CKAN_VERSION)
	$(MAKE) --no-print-directory i18n

serve: setup
	scripts/setup.sh db $(DB_NAME)
ifeq ($(SEARCH),solr)
	scripts/solr.sh start $(CKAN_VERSION)
	DB_NAME=$(DB_NAME) INI=$(SERVE_INI) SEARCH=solr SOLR_URL=$$(scripts/solr.sh url $(CKAN_VERSION)) \
	  scripts/setup.sh ini $(VENV)
	INI=$(SERVE_INI) scripts/setup.sh site $(VENV)
else
	DB_NAME=$(DB_NAME) scripts/setup.sh ini $(VENV)
	scripts/setup.sh site $(VENV)
endif
	$(VENV)/bin/ckan -c $(SERVE_INI) opdc-kpi demo
ifeq ($(SEARCH),solr)
	@# datasets saved while Solr was down or reset are indexed now (the others are skipped)
	$(VENV)/bin/ckan -c $(SERVE_INI) search-index rebuild -o -q
endif
	@echo "Catalog: http://$(HOST):$(PORT)  login: admin, password in .state/admin-password"
	@# a jobs worker for background work (workbook imports), stopped with the server
	$(VENV)/bin/ckan -c $(SERVE_INI) jobs worker > .state/jobs-worker.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/ckan -c $(SERVE_INI) run -H $(HOST) -p $(PORT) -r

# The catalog under uWSGI, as CKAN's deployment documentation runs it: the same
# site as `make serve` (same set-up steps, database and ckan.ini). Foreground:
# Ctrl-C stops the server and its jobs worker. start-/stop-production: background.
site-ready: setup
	scripts/setup.sh db $(DB_NAME)
	DB_NAME=$(DB_NAME) scripts/setup.sh ini $(VENV)
	scripts/setup.sh site $(VENV)
	$(VENV)/bin/ckan -c ckan.ini opdc-kpi demo

serve-production: site-ready
	@echo "Catalog: http://$(PROD_HOST):$(PROD_PORT)  login: admin, password in .state/admin-password"
	PROD_HOST=$(PROD_HOST) PROD_PORT=$(PROD_PORT) WORKERS=$(WORKERS) scripts/production.sh run $(VENV)

start-production: site-ready
	PROD_HOST=$(PROD_HOST) PROD_PORT=$(PROD_PORT) WORKERS=$(WORKERS) scripts/production.sh start $(VENV)
	@echo "Catalog: http://$(PROD_HOST):$(PROD_PORT)  login: admin, password in .state/admin-password"

stop-production:
	scripts/production.sh stop $(VENV)

# The run's ini: test.ini (or test-solr.ini) with a webassets folder of its own per
# CKAN version and search mode, so runs side by side (CI's two lanes, worktrees)
# never compile CKAN's assets into each other's files. A copy beside the original
# (git-ignored), not a `use = config:` chain: CKAN 2.11 reads its logging set-up
# from the file it is given.
RUN_INI := .test-$(CKAN_VERSION)-$(SEARCH).ini
BASE_INI := $(if $(filter solr,$(SEARCH)),test-solr.ini,test.ini)

test: setup
	scripts/setup.sh db $(TEST_DB)
	scripts/setup.sh db $(HARVEST_DB)
	@sed '/^\[app:main\]/a ckan.webassets.path = %(here)s/.state/webassets-$(CKAN_VERSION)-$(SEARCH)' \
	  $(BASE_INI) > $(RUN_INI)
ifeq ($(SEARCH),solr)
	scripts/solr.sh start $(CKAN_VERSION)
	@# subprocesses (ckan -c, the browser tests' server) inherit the core and the ini
	CKAN_SQLALCHEMY_URL=$(CKAN_SQLALCHEMY_URL_TEST) CKAN_SOLR_URL=$$(scripts/solr.sh url $(CKAN_VERSION)) \
	  CKAN_INI=$(CURDIR)/$(RUN_INI) OPDC_KPI_SEARCH=solr \
	  $(VENV)/bin/python -m pytest --ckan-ini=$(RUN_INI) -p no:cacheprovider $(PYTEST_ARGS) $(TESTS)
else
	CKAN_SQLALCHEMY_URL=$(CKAN_SQLALCHEMY_URL_TEST) CKAN_INI=$(CURDIR)/$(RUN_INI) OPDC_KPI_SEARCH=pg \
	  $(VENV)/bin/python -m pytest --ckan-ini=$(RUN_INI) -p no:cacheprovider $(PYTEST_ARGS) $(TESTS)
endif

# Apache Solr 9 for CKAN's schema, the core of CKAN_VERSION (scripts/solr.sh).
# SOLR_PORT=8984 (environment or make's command line) gives a worktree its own Solr.
solr:
	scripts/solr.sh start $(CKAN_VERSION)

solr-stop:
	scripts/solr.sh stop

solr-status:
	scripts/solr.sh status $(CKAN_VERSION)

# SolrCloud (issue 17, item 6; not in `make test` or CI): ZooKeeper and 2 nodes in one
# JVM, a collection of 2 shards with CKAN_VERSION's schema; the differential test and
# the harvest check's tests against it (scripts/test-solrcloud.sh). Its own database;
# TEST_DB from the command line or the environment is used instead.
SOLRCLOUD_TESTS ?= tests/test_search_differential.py tests/logic/test_harvest_check.py \
  tests/test_views_harvest.py tests/test_kpi_page_harvest.py tests/test_cli_harvest.py
ifeq ($(origin TEST_DB),file)
SOLRCLOUD_DB := ckan_opdc_test_solrcloud_$(subst .,_,$(CKAN_VERSION))
else
SOLRCLOUD_DB := $(TEST_DB)
endif
test-solrcloud: setup
	scripts/setup.sh db $(SOLRCLOUD_DB)
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url $(SOLRCLOUD_DB)) \
	  scripts/test-solrcloud.sh $(CKAN_VERSION) $(VENV) $(SOLRCLOUD_TESTS) $(PYTEST_ARGS)

# The canary test's full matrix (issue 26; not in `make test` or CI, which run
# one request per route and role): each query parameter a route or an action
# reads, separately, set to each of organization A's private and draft objects,
# and the path to each of them (tests/canary). Same variables as `make test`
# (SEARCH=solr, CKAN_VERSION, TEST_DB, CKAN_REDIS_URL); it prints its counts.
test-canary:
	OPDC_KPI_CANARY_FULL=1 $(MAKE) --no-print-directory test TESTS=tests/canary \
	  PYTEST_ARGS="-q -s $(PYTEST_ARGS)"

# The fault tests (tests/test_faults.py), the killed jobs worker included
test-faults:
	OPDC_KPI_FAULT_WORKER=1 $(MAKE) --no-print-directory test TESTS=tests/test_faults.py

# The generated pg<->Solr differential test at full size (CI's Solr stage runs 300
# examples): DIFF_EXAMPLES searches drawn from the grammar (README, "Running on
# Apache Solr"); OPDC_KPI_DIFF_THAI=1 adds Thai words in text (a Thai-aware schema).
DIFF_EXAMPLES ?= 3000
test-differential:
	OPDC_KPI_DIFF_EXAMPLES=$(DIFF_EXAMPLES) $(MAKE) --no-print-directory test SEARCH=solr \
	  TESTS=tests/test_search_generated.py PYTEST_ARGS="-q $(PYTEST_ARGS)"

# The pure scoring core and the remote tool: no CKAN, no database.
test-pure:
	$(VENV)/bin/python -m pytest -p no:ckan -p no:ckan_fixtures -p no:cacheprovider \
	  tests/scoring tests/remote --ignore=tests/remote/test_remote_live.py

# Mutation testing with mutmut (scripts/mutation.py; not part of `make test` or CI):
# MUTATION_AREA=scoring (the pure core, tests/scoring) or validators (the dataset
# field validators, tests/logic/test_validators.py, on a test database of its own).
# MUTATION=run (resumes; MUTATION_ARGS=--fresh starts over), rerun (the mutants not
# killed, again), results, summary. Working files: .mutation/ (git-ignored).
MUTATION_AREA ?= scoring
MUTATION ?= run
MUTATION_ARGS ?=
MUTATION_DB ?= ckan_opdc_test_mutation
mutation: setup
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements/mutation.txt
ifeq ($(MUTATION_AREA),validators)
	scripts/setup.sh db $(MUTATION_DB)
endif
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url $(MUTATION_DB)) CKAN_INI=$(CURDIR)/test.ini \
	  OPDC_KPI_SEARCH=pg nice -n 10 $(VENV)/bin/python scripts/mutation.py \
	  $(MUTATION) $(MUTATION_AREA) $(MUTATION_ARGS)

test-all:
	$(MAKE) test CKAN_VERSION=2.12.0
	$(MAKE) test CKAN_VERSION=2.11.6

i18n:
	@# compile the translations (the .mo files are built, not committed)
	@if ls ckanext/opdc_kpi/i18n/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  $(VENV)/bin/pybabel -q compile -D ckanext-opdc_kpi -d ckanext/opdc_kpi/i18n; fi

# after changing user-visible strings: refresh the template and the catalogs
i18n-extract:
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k N_ -k ungettext:1,2 --no-location \
	  --project ckanext-opdc_kpi -o ckanext/opdc_kpi/i18n/ckanext-opdc_kpi.pot ckanext
	$(VENV)/bin/pybabel update -D ckanext-opdc_kpi -i ckanext/opdc_kpi/i18n/ckanext-opdc_kpi.pot \
	  -d ckanext/opdc_kpi/i18n --ignore-obsolete

bench: setup
	# each benchmark on its own database (the KPI one reseeds its catalog);
	# the harvest benchmark walks the search benchmark's 50,000 datasets
	scripts/setup.sh db ckan_opdc_bench_search
	scripts/setup.sh db ckan_opdc_bench_kpi
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url ckan_opdc_bench_search) $(VENV)/bin/python bench/run.py search
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url ckan_opdc_bench_search) $(VENV)/bin/python bench/run.py harvest
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url ckan_opdc_bench_kpi) $(VENV)/bin/python bench/run.py kpi
	scripts/setup.sh db ckan_opdc_bench_dcat
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url ckan_opdc_bench_dcat) $(VENV)/bin/python bench/run.py dcat

# The search benchmark on the PostgreSQL search and on Solr side by side, with the
# time of `ckan search-index rebuild` for each (bench/README.md "Search"; not in CI).
# Solr: this checkout's Solr (SOLR_PORT) with its own core, ckan-bench-<version>; the
# rebuilds index a catalog of REBUILD_DATASETS in its own database.
BENCH_SEARCH_DB ?= ckan_opdc_bench_search
BENCH_REBUILD_DB ?= $(BENCH_SEARCH_DB)_rebuild
BENCH_SOLR_CORE := ckan-bench-$(subst .,_,$(CKAN_VERSION))
REBUILD_DATASETS ?= 2000
BENCH_ARGS ?=
bench-search-solr: setup
	scripts/setup.sh db $(BENCH_SEARCH_DB)
	scripts/setup.sh db $(BENCH_REBUILD_DB)
	SOLR_CORE=$(BENCH_SOLR_CORE) scripts/solr.sh start $(CKAN_VERSION)
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url $(BENCH_SEARCH_DB)) $(VENV)/bin/python \
	  bench/run.py search --backends pg,solr \
	  --solr-url $$(SOLR_CORE=$(BENCH_SOLR_CORE) scripts/solr.sh url $(CKAN_VERSION)) \
	  --rebuild --rebuild-datasets $(REBUILD_DATASETS) \
	  --rebuild-db-url $$(scripts/setup.sh db-url $(BENCH_REBUILD_DB)) $(BENCH_ARGS)

# The DCAT benchmark on both backends side by side (bench/README.md "DCAT"; not in
# CI): the same Solr core as bench-search-solr (the same seed and site id).
bench-dcat-solr: setup
	scripts/setup.sh db ckan_opdc_bench_dcat
	SOLR_CORE=$(BENCH_SOLR_CORE) scripts/solr.sh start $(CKAN_VERSION)
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url ckan_opdc_bench_dcat) $(VENV)/bin/python \
	  bench/run.py dcat --backends pg,solr \
	  --solr-url $$(SOLR_CORE=$(BENCH_SOLR_CORE) scripts/solr.sh url $(CKAN_VERSION)) $(BENCH_ARGS)

# Thai recall at full size (README, "Searching Thai text on Solr"; not in CI): each
# Thai word of the benchmark catalog's titles searched alone on both backends, hits
# compared; the same catalog, database and Solr core as bench-search-solr.
bench-thai-recall: setup
	scripts/setup.sh db $(BENCH_SEARCH_DB)
	SOLR_CORE=$(BENCH_SOLR_CORE) scripts/solr.sh start $(CKAN_VERSION)
	CKAN_SQLALCHEMY_URL=$$(scripts/setup.sh db-url $(BENCH_SEARCH_DB)) $(VENV)/bin/python \
	  bench/run.py search --backends pg,solr --thai-recall \
	  --solr-url $$(SOLR_CORE=$(BENCH_SOLR_CORE) scripts/solr.sh url $(CKAN_VERSION)) $(BENCH_ARGS)

# Load on loopback, not in CI (bench/README.md): the development and the production
# server side by side in one run, on the site of `make serve` (demo copies up to 265
# datasets). Servers already running are used; those started here are stopped.
CLIENTS ?= 20
DURATION ?= 60
bench-load: site-ready
	$(VENV)/bin/python bench/load/main.py --clients $(CLIENTS) --duration $(DURATION) \
	  --dev-port $(PORT) --prod-port $(PROD_PORT) --workers $(WORKERS)

# Faults survived, nothing lost (issue 30; not in CI, bench/README.md "Faults"): the
# catalog under mixed read/write load on its own PostgreSQL, Redis, Solr (SEARCH=solr)
# and uWSGI, all on loopback ports of the run's own, while its parts fail in turns;
# prints the invariants, exits non-zero when one breaks. FAULTS_ARGS: e.g.
# "--duration 120 --readme" (the tables into bench/README.md).
FAULTS_ARGS ?=
bench-faults: setup
	nice -n 10 $(VENV)/bin/python bench/faults/main.py --search $(SEARCH) \
	  --ckan-version $(CKAN_VERSION) $(FAULTS_ARGS)
