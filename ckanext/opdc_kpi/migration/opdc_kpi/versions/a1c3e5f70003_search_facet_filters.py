"""Search table: exact-value filters on the facet fields read the in-row
``facets`` array (GIN index) instead of the TOASTed ``fields`` document;
``allow_harvest`` joins the facet fields (a harvester's usual broad filter).

Revision ID: a1c3e5f70003
Revises: a1c3e5f70002
Create Date: 2026-11-24
"""
from alembic import op

revision = "a1c3e5f70003"
down_revision = "a1c3e5f70002"
branch_labels = None
depends_on = None

# Frozen copies of search.fields.FACET_FIELDS at this and the previous revision.
FACET_FIELDS = ("organization", "owner_org", "groups", "tags", "res_format", "license_id",
                "data_category", "dataset_type", "capacity", "allow_harvest")
PREVIOUS_FACET_FIELDS = FACET_FIELDS[:-1]


def _refill(fields):
    keys = ", ".join(f"'{k}'" for k in fields)
    op.execute(
        "UPDATE opdc_kpi_search SET facets = ARRAY("
        "SELECT DISTINCT e.key || chr(31) || replace(v.value, chr(31), ' ') "
        "FROM jsonb_each(fields) AS e(key, vals), "
        "jsonb_array_elements_text(e.vals) AS v(value) "
        f"WHERE e.key IN ({keys}) OR e.key LIKE 'vocab\\_%' ORDER BY 1)"
    )


def upgrade():
    _refill(FACET_FIELDS)
    op.execute("CREATE INDEX opdc_kpi_search_facets_idx ON opdc_kpi_search USING gin (facets)")


def downgrade():
    op.drop_index("opdc_kpi_search_facets_idx", table_name="opdc_kpi_search")
    _refill(PREVIOUS_FACET_FIELDS)
