"""Search table: a bulk write's bitmaps worked out once, at its commit.

``ckan search-index rebuild`` writes every dataset in one transaction. Row by
row, the bitmaps' trigger rewrote the rows every dataset of a block shares
(``#row``, ``#state active``, a popular licence, ``capacity``: ~18 a
dataset), and each rewrite had to step over the versions the same
transaction had left before it: measured in SQL on the 50,000-dataset bench
catalog, 3.6 ms a row against 1.1 ms without the bitmaps' trigger, growing
through each block of 4,096 documents; the table swelled with those versions
(524 MB for 3.5 MB of live rows after a whole rebuild), and every other
writer of a dataset in a touched block waited for the rebuild's row locks
on the shared rows until it committed, minutes or hours later.

Now a write made with ``opdc_kpi.search_bulk`` set in its transaction (the
index sets it for CKAN's deferred writes: ``rebuild``) only numbers the
document and notes it in ``opdc_kpi_search_pending``. A deferred constraint
trigger drains that at the commit (``opdc_kpi_search_bits_drain``): for all
the noted documents at once, each bitmap row of their blocks is rewritten
once, as ``(bits AND NOT noted) OR the noted documents' bits now``, in key
order. It is a recomputation from the search rows, not a replay, so any mix
of inserts, updates, deletes, truncates and renumbering in the transaction
ends exact. Writes without the setting (every web and API write) keep the
row trigger's immediate, exact update, so a search inside their transaction
still counts them; inside a bulk transaction the bitmaps lag its own writes
until its commit (nothing reads them there).

No table lock is taken: the drain locks the bitmap rows it changes, in key
order, for the statement's time at the commit.

Revision ID: a1c3e5f70111
Revises: a1c3e5f70110
Create Date: 2026-12-07
"""
from alembic import op

revision = "a1c3e5f70111"
down_revision = "a1c3e5f70110"
branch_labels = None
depends_on = None

ZERO = "CAST(B'0' AS bit(4096))"

# Frozen copy of a1c3e5f70005's trigger body: the immediate update (every
# write outside a bulk transaction), and what a downgrade puts back.
IMMEDIATE = (
    "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
    "  old_keys := opdc_kpi_search_row_keys(OLD.facets, OLD.state, OLD.permission_labels); "
    "END IF; "
    "IF TG_OP IN ('UPDATE', 'INSERT') THEN "
    "  new_keys := opdc_kpi_search_row_keys(NEW.facets, NEW.state, NEW.permission_labels); "
    "END IF; "
    "IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN "
    "  SELECT docno INTO doc FROM opdc_kpi_search_docno WHERE id = OLD.id; "
    "  IF doc IS NOT NULL THEN "
    "    PERFORM opdc_kpi_search_bits_write(old_keys, doc, false); "
    "    DELETE FROM opdc_kpi_search_docno WHERE id = OLD.id; "
    "  END IF; "
    "  old_keys := '{}'; "
    "END IF; "
    "IF TG_OP = 'DELETE' THEN "
    "  SELECT docno INTO doc FROM opdc_kpi_search_docno WHERE id = OLD.id; "
    "  IF doc IS NOT NULL THEN "
    "    PERFORM opdc_kpi_search_bits_write(old_keys, doc, false); "
    "    DELETE FROM opdc_kpi_search_docno WHERE id = OLD.id; "
    "  END IF; "
    "  RETURN NULL; "
    "END IF; "
    "SELECT docno INTO doc FROM opdc_kpi_search_docno WHERE id = NEW.id; "
    "IF doc IS NULL THEN "
    "  INSERT INTO opdc_kpi_search_docno (id) VALUES (NEW.id) RETURNING docno INTO doc; "
    "  old_keys := '{}'; "
    "END IF; "
    "PERFORM opdc_kpi_search_bits_write("
    "  ARRAY(SELECT unnest(old_keys) EXCEPT SELECT unnest(new_keys)), doc, false); "
    "PERFORM opdc_kpi_search_bits_write("
    "  ARRAY(SELECT unnest(new_keys) EXCEPT SELECT unnest(old_keys)), doc, true); "
    "RETURN NULL; ")

# In a bulk transaction: number the document, note the old and the new
# document number, and leave the bitmaps to the drain.
BULK = (
    "IF current_setting('opdc_kpi.search_bulk', true) = 'on' THEN "
    "  IF TG_OP IN ('UPDATE', 'DELETE') THEN "
    "    SELECT docno INTO doc FROM opdc_kpi_search_docno WHERE id = OLD.id; "
    "    IF doc IS NOT NULL THEN "
    "      INSERT INTO opdc_kpi_search_pending (docno) VALUES (doc); "
    "      IF TG_OP = 'DELETE' OR OLD.id IS DISTINCT FROM NEW.id THEN "
    "        DELETE FROM opdc_kpi_search_docno WHERE id = OLD.id; "
    "      END IF; "
    "    END IF; "
    "    IF TG_OP = 'DELETE' OR OLD.id IS NOT DISTINCT FROM NEW.id THEN RETURN NULL; END IF; "
    "  END IF; "
    "  SELECT docno INTO doc FROM opdc_kpi_search_docno WHERE id = NEW.id; "
    "  IF doc IS NULL THEN "
    "    INSERT INTO opdc_kpi_search_docno (id) VALUES (NEW.id) RETURNING docno INTO doc; "
    "  END IF; "
    "  INSERT INTO opdc_kpi_search_pending (docno) VALUES (doc); "
    "  RETURN NULL; "
    "END IF; ")


def _trigger_function(body: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION opdc_kpi_search_bits_trigger() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ DECLARE old_keys text[] := '{}'; new_keys text[] := '{}'; "
        f"doc integer; BEGIN {body} END $$")


# Each pending row fires it at the commit; the first firing finds its row
# (an index probe) and drains them all, the others find theirs gone.
DRAIN = (
    "CREATE OR REPLACE FUNCTION opdc_kpi_search_bits_drain() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ DECLARE docs integer[]; masks bit(4096)[]; BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM opdc_kpi_search_pending WHERE docno = NEW.docno) THEN "
    "  RETURN NULL; "
    "END IF; "
    "WITH gone AS (DELETE FROM opdc_kpi_search_pending RETURNING docno) "
    "SELECT array_agg(DISTINCT docno) INTO docs FROM gone; "
    # the noted documents of each block, as a bit string (index: block + 1)
    f"SELECT array_agg(coalesce(m.mask, {ZERO}) ORDER BY g.block) INTO masks "
    "FROM generate_series(0, (SELECT max(d) / 4096 FROM unnest(docs) AS d)) AS g(block) "
    f"LEFT JOIN (SELECT d / 4096 AS block, bit_or(set_bit({ZERO}, d % 4096, 1)) AS mask "
    "  FROM unnest(docs) AS d GROUP BY 1) AS m ON m.block = g.block; "
    # their keys now (a deleted or renumbered document has none) and the
    # bitmap rows holding any of them before: each such row written once
    "WITH now_keys AS ("
    "  SELECT split_part(k, chr(31), 1) AS field, substr(k, strpos(k, chr(31)) + 1) AS value, "
    f"        n.docno / 4096 AS block, bit_or(set_bit({ZERO}, n.docno % 4096, 1)) AS bits "
    "  FROM opdc_kpi_search_docno AS n JOIN opdc_kpi_search AS s ON s.id = n.id, "
    "       unnest(opdc_kpi_search_row_keys(s.facets, s.state, s.permission_labels)) AS k "
    "  WHERE n.docno = ANY(docs) GROUP BY 1, 2, 3), "
    "had AS ("
    "  SELECT b.field, b.value, b.block FROM opdc_kpi_search_bits AS b "
    "  WHERE b.block < cardinality(masks) AND bit_count(b.bits & masks[b.block + 1]) > 0) "
    "INSERT INTO opdc_kpi_search_bits AS b (field, value, block, bits) "
    f"SELECT field, value, block, coalesce(now_keys.bits, {ZERO}) "
    "FROM now_keys FULL JOIN had USING (field, value, block) ORDER BY 1, 2, 3 "
    "ON CONFLICT (field, value, block) DO UPDATE "
    "SET bits = (b.bits & ~masks[b.block + 1]) | excluded.bits; "
    "DELETE FROM opdc_kpi_search_bits AS b "
    "WHERE b.block < cardinality(masks) AND bit_count(masks[b.block + 1]) > 0 "
    f"AND b.bits = {ZERO}; "
    "RETURN NULL; END $$")


def upgrade():
    # (CKAN's test reset drops the tables, not the functions: re-created)
    op.execute("CREATE TABLE IF NOT EXISTS opdc_kpi_search_pending (docno integer NOT NULL)")
    op.execute("CREATE INDEX IF NOT EXISTS opdc_kpi_search_pending_docno "
               "ON opdc_kpi_search_pending (docno)")
    op.execute(_trigger_function(BULK + IMMEDIATE))
    op.execute(DRAIN)
    op.execute("DROP TRIGGER IF EXISTS opdc_kpi_search_bits_drain ON opdc_kpi_search_pending")
    op.execute(
        "CREATE CONSTRAINT TRIGGER opdc_kpi_search_bits_drain AFTER INSERT "
        "ON opdc_kpi_search_pending DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION opdc_kpi_search_bits_drain()")


def downgrade():
    op.execute(_trigger_function(IMMEDIATE))
    op.execute("DROP TABLE IF EXISTS opdc_kpi_search_pending")
    op.execute("DROP FUNCTION IF EXISTS opdc_kpi_search_bits_drain()")
