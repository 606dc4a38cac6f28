"""Shared fixtures. No module-level CKAN import: the pure tests in
tests/scoring run without CKAN (`make test-pure`)."""
import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, plus the tables of the plugins with migrations of their own."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("opdc_kpi")
