"""Search table: the searched text kept inline and uncompressed.

Every word search rechecks its trigram index's candidates against
``search_text`` (~1.5 kB a dataset). The row is wide (the stored dataset
dicts, the document), so PostgreSQL compressed every column until the row
fitted its 2 kB target, ``search_text`` among them: each candidate's text
was decompressed (pglz) for the check and again for the score. Measured on
the 50,000-dataset bench catalog, in SQL: the bench's Thai word (1,000
candidates, 889 matches) with its facet arrays 10 ms, ``policy`` (19,020
matches) 350 ms.

Now the table's toast target is 4,080 bytes and every column a search reads
(the text, the facet array, the labels, the sort and filter columns) has
storage ``MAIN``: the stored dicts and the document are compressed or moved
out of line first, and the text stays inline, uncompressed, unless the row
still does not fit (a description of several kB: then the text goes out of
line, the largest ``MAIN`` column, and the small ones stay. With the text
alone ``MAIN``, such a row pushed every other column out of line, the
permission labels and the facet array among them). Same query, on copies of the table: 5 ms and
105 ms; a pass over every row's facet arrays unchanged (110 ms); the heap
93 -> 193 MB (the TOAST table and the bitmaps unchanged; the rewrite below
rebuilds the indexes compact: the trigram index of a catalog written row by
row 84 -> 43 MB).

Existing rows are rewritten into the layout by this migration: the table
and its indexes rebuilt in one ``ALTER TABLE`` (an exclusive lock for its
duration; no trigger runs; ~1 minute at 50,000 datasets).

Revision ID: a1c3e5f70112
Revises: a1c3e5f70111
Create Date: 2026-12-07
"""
from alembic import op

revision = "a1c3e5f70112"
down_revision = "a1c3e5f70111"
branch_labels = None
depends_on = None


# every column a search reads inline; only the stored dicts and the
# document (read for a page's results, a document field's values) go out
# of line or compressed first
INLINE = ("id", "name", "title_sort", "owner_org", "dataset_type", "state",
          "metadata_modified_text", "permission_labels", "title_text", "tag_text",
          "search_text", "facets")


def _storage(kind: str) -> str:
    return ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in INLINE)


def upgrade():
    op.execute("ALTER TABLE opdc_kpi_search SET (toast_tuple_target = 4080)")
    # the table rewritten with each text as a new value (a stored datum
    # keeps its compression), laid out by the new rules; the rewrite builds
    # every index anew (an UPDATE of every row doubled them) and runs no
    # trigger. The storage in the same statement: a type change resets it,
    # and the rewrite comes after both.
    op.execute("ALTER TABLE opdc_kpi_search ALTER COLUMN search_text TYPE text "
               f"USING search_text || '', {_storage('MAIN')}")


def downgrade():
    op.execute(f"ALTER TABLE opdc_kpi_search {_storage('EXTENDED')}")
    op.execute("ALTER TABLE opdc_kpi_search RESET (toast_tuple_target)")
