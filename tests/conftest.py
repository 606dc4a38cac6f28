"""Shared fixtures. No module-level CKAN import: the pure tests in
tests/scoring run without CKAN (`make test-pure`)."""
import importlib

import pytest

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
    return reset


@pytest.fixture
def clean_db(fresh_db, with_plugins):
    """CKAN's clean_db, plus the tables and rows of the extension's migrations."""
    fresh_db()
