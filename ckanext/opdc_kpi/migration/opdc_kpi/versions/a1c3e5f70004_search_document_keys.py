"""Search table: an index of the keys of each row's ``fields`` document.

A facet on a field outside the facet fields (and a ``field:*`` filter) asks
whether a dataset has a key of its TOASTed ``fields`` document. The
``jsonb_path_ops`` index on ``fields`` cannot answer key existence, so that
meant reading every matching row's document, also for a key no dataset has
(a request naming 500 unknown facet fields read the catalog 500 times). The
GIN index on ``opdc_kpi_search_keys(fields)`` (the document's keys as a
text array) answers "does any dataset have this key" without reading a
document. The function is ``IMMUTABLE`` (it only reads its argument) and
marked costly, so the planner asks the index rather than computing it for
every row of a small table.

Revision ID: a1c3e5f70004
Revises: e1f2a3b40002
Create Date: 2026-12-05
"""
from alembic import op

revision = "a1c3e5f70004"
down_revision = "e1f2a3b40002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "CREATE OR REPLACE FUNCTION opdc_kpi_search_keys(document jsonb) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 "
        "AS $$ SELECT ARRAY(SELECT jsonb_object_keys(document)) $$")
    op.execute("CREATE INDEX opdc_kpi_search_keys_idx ON opdc_kpi_search "
               "USING gin (opdc_kpi_search_keys(fields))")


def downgrade():
    op.drop_index("opdc_kpi_search_keys_idx", table_name="opdc_kpi_search")
    op.execute("DROP FUNCTION IF EXISTS opdc_kpi_search_keys(jsonb)")
