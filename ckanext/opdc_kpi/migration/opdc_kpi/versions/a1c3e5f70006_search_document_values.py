"""Search table: the document's values in a table of their own, indexed.

A range, wildcard or prefix on a field of the dataset's document (``num_tags:[1
TO 5]``, ``maintainer:som*``, ``tags:[a TO m]``) was tested on every candidate
row, reading the row's TOASTed ``fields`` (the ``jsonb_path_ops`` index holds
exact values only): 50 such ``fq_list`` entries ran into the 10 s statement
timeout at 50,000 datasets. ``opdc_kpi_search_values`` (id, field, value, num)
holds one row per distinct value of each field of ``fields`` that such a term
can reach (not the text fields, the dates and the dataset's own columns, which
have their own indexes), ``num`` the value as a number when it is one. A
B-tree on ``(field, left(value, 256) COLLATE "C")`` answers ranges and
prefixes on text (the first 256 characters narrow, the whole value decides),
one on ``(field, num)`` numeric ranges; the search finds the matching ids
there (``search/sql.py``, ``search/grouping.py``).

Kept by a trigger on the search table in the writing transaction: an insert
writes the row's values, a delete removes them, an update writes only the
values that changed. ``opdc_kpi_search_values_rebuild()`` refills the table
in one statement (this migration, bulk loads).

Revision ID: a1c3e5f70006
Revises: a1c3e5f70005
Create Date: 2026-12-06
"""
from alembic import op

revision = "a1c3e5f70006"
down_revision = "a1c3e5f70005"
branch_labels = None
depends_on = None

# Frozen copy of the fields that never reach the document (search/sql.py at
# this revision: text fields, the dates, the columns, fields always true).
NOT_DOCUMENT = ("text", "notes", "urls", "res_name", "res_description", "title",
                "title_ngram", "name_ngram", "id", "name", "owner_org", "state",
                "dataset_type", "type", "metadata_modified", "metadata_created",
                "site_id", "index_id", "entity_type", "capacity", "private",
                "permission_labels")
NUMBER = "'^-?[0-9]+(\\.[0-9]+)?$'"


def upgrade():
    skipped = ", ".join(f"'{k}'" for k in NOT_DOCUMENT)
    op.execute(
        "CREATE TABLE opdc_kpi_search_values ("
        "id text NOT NULL, field text NOT NULL, value text NOT NULL, num numeric)")
    op.execute('CREATE INDEX opdc_kpi_search_values_text ON opdc_kpi_search_values '
               '(field, (left(value, 256)) COLLATE "C")')
    op.execute("CREATE INDEX opdc_kpi_search_values_num ON opdc_kpi_search_values "
               "(field, num) WHERE num IS NOT NULL")
    op.execute("CREATE INDEX opdc_kpi_search_values_id ON opdc_kpi_search_values (id)")
    # the (field, value) pairs of a document that ranges and patterns can reach
    op.execute(
        "CREATE OR REPLACE FUNCTION opdc_kpi_search_row_values(document jsonb) "
        "RETURNS TABLE (field text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        "SELECT DISTINCT e.key, v.value FROM jsonb_each(document) AS e(key, vals), "
        "jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.vals) = 'array' THEN e.vals "
        "ELSE jsonb_build_array(e.vals) END) AS v(value) "
        f"WHERE e.key NOT IN ({skipped}) AND v.value IS NOT NULL $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION opdc_kpi_search_values_trigger() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND OLD.id IS NOT DISTINCT FROM NEW.id "
        "   AND OLD.fields IS NOT DISTINCT FROM NEW.fields THEN RETURN NULL; END IF; "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        "  IF TG_OP = 'DELETE' OR OLD.id IS DISTINCT FROM NEW.id THEN "
        "    DELETE FROM opdc_kpi_search_values WHERE id = OLD.id; "
        "  ELSE "
        "    DELETE FROM opdc_kpi_search_values AS x USING ("
        "      SELECT * FROM opdc_kpi_search_row_values(OLD.fields) EXCEPT "
        "      SELECT * FROM opdc_kpi_search_row_values(NEW.fields)) AS gone "
        "    WHERE x.id = OLD.id AND x.field = gone.field AND x.value = gone.value; "
        "    INSERT INTO opdc_kpi_search_values (id, field, value, num) "
        "    SELECT NEW.id, n.field, n.value, "
        f"          CASE WHEN n.value ~ {NUMBER} THEN CAST(n.value AS numeric) END FROM ("
        "      SELECT * FROM opdc_kpi_search_row_values(NEW.fields) EXCEPT "
        "      SELECT * FROM opdc_kpi_search_row_values(OLD.fields)) AS n; "
        "    RETURN NULL; "
        "  END IF; "
        "END IF; "
        "IF TG_OP IN ('UPDATE', 'INSERT') THEN "
        "  INSERT INTO opdc_kpi_search_values (id, field, value, num) "
        "  SELECT NEW.id, n.field, n.value, "
        f"        CASE WHEN n.value ~ {NUMBER} THEN CAST(n.value AS numeric) END "
        "  FROM opdc_kpi_search_row_values(NEW.fields) AS n; "
        "END IF; "
        "RETURN NULL; END $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION opdc_kpi_search_values_truncate() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN TRUNCATE opdc_kpi_search_values; RETURN NULL; END $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION opdc_kpi_search_values_rebuild() RETURNS void "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "LOCK TABLE opdc_kpi_search IN SHARE MODE; "
        "TRUNCATE opdc_kpi_search_values; "
        "INSERT INTO opdc_kpi_search_values (id, field, value, num) "
        "SELECT s.id, n.field, n.value, "
        f"      CASE WHEN n.value ~ {NUMBER} THEN CAST(n.value AS numeric) END "
        "FROM opdc_kpi_search AS s, opdc_kpi_search_row_values(s.fields) AS n; "
        "END $$")
    # (CKAN's test reset drops the tables, not the functions: both are re-created)
    op.execute("DROP TRIGGER IF EXISTS opdc_kpi_search_values_row ON opdc_kpi_search")
    op.execute("DROP TRIGGER IF EXISTS opdc_kpi_search_values_truncate ON opdc_kpi_search")
    op.execute(
        "CREATE TRIGGER opdc_kpi_search_values_row AFTER INSERT OR UPDATE OR DELETE "
        "ON opdc_kpi_search FOR EACH ROW EXECUTE FUNCTION opdc_kpi_search_values_trigger()")
    op.execute(
        "CREATE TRIGGER opdc_kpi_search_values_truncate AFTER TRUNCATE ON opdc_kpi_search "
        "FOR EACH STATEMENT EXECUTE FUNCTION opdc_kpi_search_values_truncate()")
    op.execute("SELECT opdc_kpi_search_values_rebuild()")
    op.execute("ANALYZE opdc_kpi_search_values")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS opdc_kpi_search_values_truncate ON opdc_kpi_search")
    op.execute("DROP TRIGGER IF EXISTS opdc_kpi_search_values_row ON opdc_kpi_search")
    for function in ("opdc_kpi_search_values_rebuild()", "opdc_kpi_search_values_truncate()",
                     "opdc_kpi_search_values_trigger()", "opdc_kpi_search_row_values(jsonb)"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute("DROP TABLE IF EXISTS opdc_kpi_search_values")
