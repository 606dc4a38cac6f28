"""Search table: the searched text kept inline and uncompressed.

Every word search rechecks its trigram index's candidates against
``search_text`` (~1.5 kB a dataset). Migration a1c3e5f70002 stored the text
``EXTERNAL`` (out of line, uncompressed), so each candidate cost a fetch from
the TOAST table; a table laid out otherwise (the bench catalog's) had it
compressed (pglz), each candidate decompressed. Measured on copies of the
50,000-dataset bench table, in SQL: the bench's Thai word (1,000 candidates,
889 matches) with its facet arrays 8.7 ms (``EXTERNAL``), ``policy`` (19,020
matches) 333 ms.

Now the table's toast target is 4,080 bytes and every column a search reads
(the text, the facet array, the labels, the sort and filter columns) has
storage ``MAIN``: the stored dicts and the document are compressed or moved
out of line first, and the text stays inline, uncompressed, unless the row
still does not fit (a description of several kB is compressed in the row,
one of tens of kB goes out of line: the largest ``MAIN`` column goes first,
and the small ones stay. With the text alone ``MAIN``, such a row pushed
every other column out of line, the permission labels and the facet array
among them). Same queries, same copies: 4.8 ms and 128 ms; a pass over
every row's facet arrays unchanged; the heap 89 -> 193 MB.

Existing rows are rewritten into the layout by this migration: the table
and its indexes rebuilt in one ``ALTER TABLE`` whose type changes give the
searched columns new values (a stored datum keeps its compression); no
trigger runs; an exclusive lock on the table for its duration (~25 s at
50,000 datasets on a quiet machine) and room for a second copy of it. Its
statistics are gathered again at the end (a type change drops the column's).

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
# the text columns a search matches or sorts by, given new (uncompressed)
# values by the rewrite
REWRITTEN = ("search_text", "title_text", "tag_text", "title_sort")


def _storage(columns, kind: str) -> str:
    return ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in columns)


def upgrade():
    op.execute("ALTER TABLE opdc_kpi_search SET (toast_tuple_target = 4080)")
    # the storage in the same statement: a type change resets it, and the
    # rewrite comes after both
    retyped = ", ".join(f"ALTER COLUMN {column} TYPE text USING {column} || ''"
                        for column in REWRITTEN)
    op.execute(f"ALTER TABLE opdc_kpi_search {retyped}, {_storage(INLINE, 'MAIN')}")
    op.execute("ANALYZE opdc_kpi_search")


def downgrade():
    # as a1c3e5f70002 left them: the text out of line, the facet array inline
    others = [column for column in INLINE if column not in ("search_text", "facets")]
    op.execute(f"ALTER TABLE opdc_kpi_search {_storage(others, 'EXTENDED')}, "
               "ALTER COLUMN search_text SET STORAGE EXTERNAL, "
               "ALTER COLUMN facets SET STORAGE MAIN")
    op.execute("ALTER TABLE opdc_kpi_search RESET (toast_tuple_target)")
