"""Search table: a bulk write refills the bitmaps and values once instead of
updating them row by row in one transaction.

``ckan search-index rebuild`` writes every dataset in ONE transaction. The
row triggers then update the same few bitmap rows (``#row``, ``#state``, an
organization's, a format's: ~18 per dataset) again and again, and PostgreSQL
can reclaim none of those row versions before the commit: at 50,000 datasets
``opdc_kpi_search_bits`` grew from 3.5 MB to 524 MB (911,898 updates, 1 %
HOT), and every faceted page read the bloated table, 2x slower (the
bitmaps' statement 29 ms instead of 7 ms), until a ``VACUUM FULL``.

The row triggers now stand aside while the transaction-local setting
``opdc_kpi.search_bulk`` is ``on``; the PostgreSQL search's index turns it
on after ``ckanext.opdc_kpi.search.bulk_after`` deferred writes in one
transaction and refills both tables (``opdc_kpi_search_bits_rebuild()``,
``opdc_kpi_search_values_rebuild()``) just before that transaction commits.
Everything else (a ``package_update``, another session during a rebuild)
keeps the triggers. This migration also refills the bitmaps once, which
compacts a table a rebuild has already bloated.

Revision ID: a1c3e5f70110
Revises: a1c3e5f70109
Create Date: 2026-12-07
"""
from alembic import op

revision = "a1c3e5f70110"
down_revision = "a1c3e5f70109"
branch_labels = None
depends_on = None

NOT_BULK = "current_setting('opdc_kpi.search_bulk', true) IS DISTINCT FROM 'on'"
# frozen copy of a1c3e5f70108's list of fields that never reach the document
NOT_DOCUMENT = ("text", "notes", "urls", "res_name", "res_description", "title",
                "title_ngram", "name_ngram", "id", "name", "owner_org", "state",
                "dataset_type", "type", "metadata_modified", "metadata_created",
                "site_id", "index_id", "entity_type", "capacity", "private",
                "permission_labels")


def _skipped() -> str:
    return "CAST('{" + ",".join(NOT_DOCUMENT) + "}' AS text[])"


def _triggers(extra: str) -> None:
    for name in ("bits", "values"):
        op.execute(f"DROP TRIGGER IF EXISTS opdc_kpi_search_{name}_row ON opdc_kpi_search")
        op.execute(f"DROP TRIGGER IF EXISTS opdc_kpi_search_{name}_update ON opdc_kpi_search")
        when = f"WHEN ({extra}) " if extra else ""
        op.execute(
            f"CREATE TRIGGER opdc_kpi_search_{name}_row AFTER INSERT OR DELETE "
            f"ON opdc_kpi_search FOR EACH ROW {when}"
            f"EXECUTE FUNCTION opdc_kpi_search_{name}_trigger()")
    and_extra = f" AND {extra}" if extra else ""
    op.execute(
        "CREATE TRIGGER opdc_kpi_search_bits_update AFTER UPDATE ON opdc_kpi_search "
        "FOR EACH ROW WHEN ((OLD.id IS DISTINCT FROM NEW.id "
        "OR OLD.facets IS DISTINCT FROM NEW.facets OR OLD.state IS DISTINCT FROM NEW.state "
        f"OR OLD.permission_labels IS DISTINCT FROM NEW.permission_labels){and_extra}) "
        "EXECUTE FUNCTION opdc_kpi_search_bits_trigger()")
    op.execute(
        "CREATE TRIGGER opdc_kpi_search_values_update AFTER UPDATE ON opdc_kpi_search "
        "FOR EACH ROW WHEN ((OLD.id IS DISTINCT FROM NEW.id "
        f"OR (OLD.fields - {_skipped()}) IS DISTINCT FROM (NEW.fields - {_skipped()}))"
        f"{and_extra}) EXECUTE FUNCTION opdc_kpi_search_values_trigger()")


def upgrade():
    _triggers(NOT_BULK)
    op.execute("SELECT opdc_kpi_search_bits_rebuild()")


def downgrade():
    _triggers("")
