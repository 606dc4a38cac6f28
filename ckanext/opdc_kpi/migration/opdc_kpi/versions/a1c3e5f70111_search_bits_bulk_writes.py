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

Documents first numbered in the bulk transaction are numbered anew by
organization in the drain (as the refill numbers them), so an organization's
page reads few blocks after a rebuild into an empty index.

No table lock is taken: the drain locks the bitmap rows of the blocks it
touches, in key order, from the commit's statement to its end (~2 s at
50,000 datasets). The immediate path now makes its clears and sets in one
statement in the same key order (``opdc_kpi_search_bits_change``): as two
statements (clears, then sets) it locked rows out of that order, and two
single-dataset writers, or one and a drain, could deadlock.

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

# The immediate path from here: the bits that go and the bits that come in
# ONE statement in key order (field, value, block), the order the drain
# locks rows in. Two statements (all clears, then all sets) locked rows out
# of that order: making a dataset private clears "#label public" and sets
# "#label member-..." after it, and two such writers, or one and a drain,
# could each hold a row the other waits for (a deadlock; a reviewer's
# stress run of single-dataset edits: 16 in 15 s).
CHANGE = (
    "CREATE OR REPLACE FUNCTION opdc_kpi_search_bits_change(went text[], came text[], doc integer) "
    "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    "IF coalesce(cardinality(went), 0) + coalesce(cardinality(came), 0) = 0 THEN RETURN; END IF; "
    "INSERT INTO opdc_kpi_search_bits AS b (field, value, block, bits) "
    "SELECT split_part(c.k, chr(31), 1), substr(c.k, strpos(c.k, chr(31)) + 1), doc / 4096, "
    f"       CASE WHEN c.turn_on THEN set_bit({ZERO}, doc % 4096, 1) ELSE {ZERO} END "
    "FROM (SELECT k, true AS turn_on FROM unnest(came) AS k "
    "      UNION ALL SELECT k, false FROM unnest(went) AS k) AS c "
    "ORDER BY 1, 2 "
    "ON CONFLICT (field, value, block) DO UPDATE "
    "SET bits = set_bit(b.bits, doc % 4096, get_bit(excluded.bits, doc % 4096)); "
    # rows this statement locked and emptied
    "IF coalesce(cardinality(went), 0) > 0 THEN "
    "  DELETE FROM opdc_kpi_search_bits AS b USING unnest(went) AS k "
    "  WHERE b.field = split_part(k, chr(31), 1) AND b.value = substr(k, strpos(k, chr(31)) + 1) "
    f"  AND b.block = doc / 4096 AND b.bits = {ZERO}; "
    "END IF; "
    "END $$")


def _ordered(body: str) -> str:
    """``IMMEDIATE`` with each pair of writes (clear, then set) made one
    ordered change."""
    pairs = body.replace(
        "PERFORM opdc_kpi_search_bits_write(old_keys, doc, false); ",
        "PERFORM opdc_kpi_search_bits_change(old_keys, '{}', doc); ")
    ordered = pairs.replace(
        "PERFORM opdc_kpi_search_bits_write("
        "  ARRAY(SELECT unnest(old_keys) EXCEPT SELECT unnest(new_keys)), doc, false); "
        "PERFORM opdc_kpi_search_bits_write("
        "  ARRAY(SELECT unnest(new_keys) EXCEPT SELECT unnest(old_keys)), doc, true); ",
        "PERFORM opdc_kpi_search_bits_change("
        "  ARRAY(SELECT unnest(old_keys) EXCEPT SELECT unnest(new_keys)), "
        "  ARRAY(SELECT unnest(new_keys) EXCEPT SELECT unnest(old_keys)), doc); ")
    assert "bits_write" not in ordered
    return ordered

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
    "        doc := NULL; "
    "      END IF; "
    "    END IF; "
    # an update of a numbered row is noted; an unnumbered one is numbered
    "    IF TG_OP = 'DELETE' OR doc IS NOT NULL THEN RETURN NULL; END IF; "
    "  END IF; "
    "  SELECT docno INTO doc FROM opdc_kpi_search_docno WHERE id = NEW.id; "
    "  IF doc IS NULL THEN "
    "    INSERT INTO opdc_kpi_search_docno (id) VALUES (NEW.id) RETURNING docno INTO doc; "
    "    INSERT INTO opdc_kpi_search_pending (docno, fresh) VALUES (doc, true); "
    "  ELSE "
    "    INSERT INTO opdc_kpi_search_pending (docno) VALUES (doc); "
    "  END IF; "
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
    "LANGUAGE plpgsql AS $$ DECLARE docs integer[]; fresh_docs integer[]; fresh_ids text[]; "
    "masks bit(4096)[]; BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM opdc_kpi_search_pending WHERE docno = NEW.docno) THEN "
    "  RETURN NULL; "
    "END IF; "
    "WITH gone AS (DELETE FROM opdc_kpi_search_pending RETURNING docno, fresh) "
    "SELECT array_agg(DISTINCT docno), array_agg(DISTINCT docno) FILTER (WHERE fresh) "
    "INTO docs, fresh_docs FROM gone; "
    # documents first numbered in this transaction (no other sees them yet)
    # numbered anew organization by organization, as the refill numbers
    # them: an organization's page then reads the few blocks its datasets
    # are in (numbered in the rebuild's order, 13 blocks instead of 2 at
    # 50,000 datasets). Their old numbers stay among the noted ones.
    "IF fresh_docs IS NOT NULL THEN "
    "  WITH moved AS (DELETE FROM opdc_kpi_search_docno AS n USING unnest(fresh_docs) AS f(docno) "
    "                 WHERE n.docno = f.docno RETURNING n.id) "
    "  SELECT array_agg(id) INTO fresh_ids FROM moved; "
    "  WITH placed AS (INSERT INTO opdc_kpi_search_docno (id) "
    "    SELECT s.id FROM unnest(fresh_ids) AS f(id) JOIN opdc_kpi_search AS s ON s.id = f.id "
    "    ORDER BY s.owner_org, s.id RETURNING docno) "
    "  SELECT docs || coalesce(array_agg(docno), '{}') INTO docs FROM placed; "
    "END IF; "
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
    op.execute("CREATE TABLE IF NOT EXISTS opdc_kpi_search_pending ("
               "docno integer NOT NULL, fresh boolean NOT NULL DEFAULT false)")
    op.execute("CREATE INDEX IF NOT EXISTS opdc_kpi_search_pending_docno "
               "ON opdc_kpi_search_pending (docno)")
    op.execute(CHANGE)
    op.execute(_trigger_function(BULK + _ordered(IMMEDIATE)))
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
    op.execute("DROP FUNCTION IF EXISTS opdc_kpi_search_bits_change(text[], text[], integer)")
