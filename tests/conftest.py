"""Shared fixtures. No module-level CKAN import: the pure tests in
tests/scoring run without CKAN (`make test-pure`)."""
import importlib

import pytest
from hypothesis import HealthCheck, settings

from tests.plugins import SEARCH_MODE, SOLR

# Hypothesis's two clocks off for every property test, as most already said in
# their own settings: a 200 ms deadline per example and the "too slow" health
# check measure the machine, not the property. Under CI's two lanes a pause
# (a full garbage collection, the other lane's work) can make one example
# slow: Hypothesis runs it again, fast, and fails the test as "unreliable
# timings" (a Flaky error). What a test asserts is unchanged; speed is
# measured in bench/ and by the tests that time on purpose (search cost and
# linearity, best of several runs).
settings.register_profile("opdc_kpi", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("opdc_kpi")

VOCABULARY_MIGRATION = (
    "ckanext.opdc_kpi.migration.opdc_kpi.versions.d5e6f7a80001_focus_area_vocabulary")


@pytest.fixture(scope="session")
def fresh_db(reset_db, migrate_db_for):
    """A callable giving an empty catalog database as ``ckan db upgrade -p
    opdc_kpi`` leaves it: CKAN's reset, the plugins' tables, and the rows the
    extension's migrations make (the focus-area vocabulary). CKAN's reset
    empties every table but keeps the record of applied migrations, so the
    rows a migration made are written again here."""
    def reset() -> None:
        from ckan import model

        reset_db()
        migrate_db_for("activity")
        migrate_db_for("opdc_kpi")
        with model.meta.engine.begin() as connection:
            importlib.import_module(VOCABULARY_MIGRATION).create(connection)
        if SOLR:
            # the PostgreSQL search's table went with the reset; Solr's core
            # keeps its documents: clear this site's (ckan.site_id) ones
            from ckan.lib import search
            search.clear_all()
    return reset


@pytest.fixture
def clean_db(fresh_db, with_plugins):
    """CKAN's clean_db, plus the tables and rows of the extension's migrations."""
    fresh_db()


@pytest.fixture
def cut_solr(ckan_config, monkeypatch):
    """A callable: Solr out of reach from then on, for the rest of the test.
    CKAN 2.12 reads ``solr_url`` from the config on each connection; 2.11 from
    ``SolrSettings``, set at start-up: both are pointed at a closed port."""
    def cut() -> None:
        from ckan.lib.search import common

        url = "http://127.0.0.1:9/solr/down"
        monkeypatch.setitem(ckan_config, "solr_url", url)
        monkeypatch.setitem(ckan_config, "solr_timeout", 2)
        if hasattr(common, "SolrSettings"):
            monkeypatch.setattr(common.SolrSettings, "_url", url)
    return cut


# --- the search mode: pg (opdc_kpi_pgsearch) or solr (tests/plugins.py) -----------

_SKIPS = {
    "pgsearch": ("solr", "tests the PostgreSQL search itself: not in Solr mode"),
    "solr": ("pg", "compares Solr with the PostgreSQL search: Solr mode only"),
}


def pytest_report_header(config):
    ini = config.getoption("ckan_ini", default=None)
    if SOLR:
        import os
        where = os.environ.get("CKAN_SOLR_URL") or "solr_url of the ini"
        return f"opdc_kpi search mode: solr ({where}); ini {ini}"
    return f"opdc_kpi search mode: pg (opdc_kpi_pgsearch); ini {ini}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker, (mode, reason) in _SKIPS.items():
            if SEARCH_MODE == mode and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = terminalreporter.stats
    counts = {key: len(stats.get(key, [])) for key in ("passed", "failed", "error", "skipped")}
    by_reason: dict[str, int] = {}
    for report in stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        by_reason[reason.removeprefix("Skipped: ")] = by_reason.get(
            reason.removeprefix("Skipped: "), 0) + 1
    terminalreporter.section(f"opdc_kpi search mode: {SEARCH_MODE}")
    terminalreporter.write_line(", ".join(f"{n} {k}" for k, n in counts.items()))
    for reason, n in sorted(by_reason.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"  skipped {n}: {reason}")
