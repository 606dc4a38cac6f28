"""Search table: ``data_type`` joins the facet fields, so the data type
facet of the dataset and organization pages (and a ``data_type:"..."``
filter) reads the in-row ``facets`` array, not each matching row's TOASTed
``fields`` document.

Revision ID: f2b3c4d50001
Revises: a1c3e5f70006
Create Date: 2026-12-06
"""
from alembic import op

revision = "f2b3c4d50001"
down_revision = "a1c3e5f70006"
branch_labels = None
depends_on = None

# Frozen copies of search.fields.FACET_FIELDS at this and the previous revision.
FACET_FIELDS = ("organization", "owner_org", "groups", "tags", "res_format", "license_id",
                "data_category", "dataset_type", "capacity", "allow_harvest", "data_type")
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


def downgrade():
    _refill(PREVIOUS_FACET_FIELDS)
