"""Search table: the facet bitmaps refilled once, compacting a table a bulk
write has bloated.

``ckan search-index rebuild`` writes every dataset in one transaction, and
the row triggers rewrite the same bitmap rows (``#row``, ``#state``, an
organization's, a format's: ~18 a dataset) with no version reclaimable
before that commit: at 50,000 datasets ``opdc_kpi_search_bits`` grew from
3.5 MB to 524 MB (911,898 updates, 1 % HOT), and every faceted page read the
bloated table, 2x slower, until a ``VACUUM FULL``. The PostgreSQL search now
refills the bitmaps after such a rebuild (``PgPackageSearchIndex.commit``,
``ckanext.opdc_kpi.search.bulk_after``); this migration does it once for a
site a past rebuild has bloated.

Revision ID: a1c3e5f70110
Revises: a1c3e5f70109
Create Date: 2026-12-07
"""
from alembic import op

revision = "a1c3e5f70110"
down_revision = "a1c3e5f70109"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SELECT opdc_kpi_search_bits_rebuild()")


def downgrade():
    pass
