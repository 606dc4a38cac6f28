"""Search table: facet values column, covering primary key for paging, sort
indexes with the id tie-break, trigram indexes on title and name, narrow heap.

- ``facets``: the values of the facetable fields as ``field<US>value``
  strings (US = U+001F), kept in the row (STORAGE MAIN), so one pass over the
  matching rows counts every facet; filled here from ``fields`` for rows
  indexed before this revision.
- ``search_text`` is stored out of line (STORAGE EXTERNAL, uncompressed) so
  the heap that counts and facets scan stays narrow; the trigram index
  answers text searches and rechecks only candidate rows.
- The primary key includes ``state``, ``private`` and ``permission_labels``,
  so a harvester's ``sort=id asc&start=40000`` page is an index-only scan.
- ``(metadata_modified, id)``, ``(metadata_created, id)``, ``(title_sort, id)``,
  ``(name, id)`` replace the single-column indexes: the queries order by the
  sort column then ``id`` in the same direction, which these serve both ways.

Revision ID: a1c3e5f70002
Revises: a1c3e5f70001
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1c3e5f70002"
down_revision = "a1c3e5f70001"
branch_labels = None
depends_on = None

# A frozen copy of search.index.FACET_FIELDS at this revision (a later change
# of that list needs its own revision that refills the column).
FACET_FIELDS = ("organization", "owner_org", "groups", "tags", "res_format", "license_id",
                "data_category", "dataset_type", "capacity")
SORT_COLUMNS = ("metadata_modified", "metadata_created", "title_sort", "name")
OLD_INDEXES = {"metadata_modified": "opdc_kpi_search_modified_idx",
               "metadata_created": "opdc_kpi_search_created_idx",
               "title_sort": "opdc_kpi_search_title_sort_idx",
               "name": "opdc_kpi_search_name_idx"}


def upgrade():
    op.add_column("opdc_kpi_search", sa.Column(
        "facets", postgresql.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"))
    op.execute("ALTER TABLE opdc_kpi_search ALTER COLUMN facets SET STORAGE MAIN")
    op.execute("ALTER TABLE opdc_kpi_search ALTER COLUMN search_text SET STORAGE EXTERNAL")
    keys = ", ".join(f"'{k}'" for k in FACET_FIELDS)
    # rewriting search_text moves it out of line in existing rows too
    op.execute(
        "UPDATE opdc_kpi_search SET search_text = search_text || '', facets = ARRAY("
        "SELECT DISTINCT e.key || chr(31) || v.value FROM jsonb_each(fields) AS e(key, vals), "
        "jsonb_array_elements_text(e.vals) AS v(value) "
        f"WHERE e.key IN ({keys}) OR e.key LIKE 'vocab\\_%' ORDER BY 1)"
    )
    op.execute(
        "ALTER TABLE opdc_kpi_search DROP CONSTRAINT opdc_kpi_search_pkey, "
        "ADD CONSTRAINT opdc_kpi_search_pkey PRIMARY KEY (id) "
        "INCLUDE (state, private, permission_labels)"
    )
    for column in SORT_COLUMNS:
        op.drop_index(OLD_INDEXES[column], table_name="opdc_kpi_search")
        op.create_index(f"opdc_kpi_search_{column}_id_idx", "opdc_kpi_search", [column, "id"])
    op.execute("CREATE INDEX opdc_kpi_search_title_trgm_idx ON opdc_kpi_search "
               "USING gin (title_text gin_trgm_ops)")
    op.execute("CREATE INDEX opdc_kpi_search_name_trgm_idx ON opdc_kpi_search "
               "USING gin (name gin_trgm_ops)")


def downgrade():
    op.drop_index("opdc_kpi_search_name_trgm_idx", table_name="opdc_kpi_search")
    op.drop_index("opdc_kpi_search_title_trgm_idx", table_name="opdc_kpi_search")
    for column in SORT_COLUMNS:
        op.drop_index(f"opdc_kpi_search_{column}_id_idx", table_name="opdc_kpi_search")
        op.create_index(OLD_INDEXES[column], "opdc_kpi_search", [column])
    op.execute(
        "ALTER TABLE opdc_kpi_search DROP CONSTRAINT opdc_kpi_search_pkey, "
        "ADD CONSTRAINT opdc_kpi_search_pkey PRIMARY KEY (id)"
    )
    op.execute("ALTER TABLE opdc_kpi_search ALTER COLUMN search_text SET STORAGE EXTENDED")
    op.drop_column("opdc_kpi_search", "facets")
