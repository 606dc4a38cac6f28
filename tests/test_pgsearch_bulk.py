"""Issue 28: a bulk transaction's facet bitmaps (migration a1c3e5f70111).

``ckan search-index rebuild`` indexes every dataset in one transaction with
deferred writes; the index then sets ``opdc_kpi.search_bulk`` and the
bitmaps' trigger only numbers and notes each document, and a deferred
trigger works the noted documents' bitmaps out at the commit, each bitmap
row written once, in key order. Checked here against the search rows
themselves (``assert_bitmaps_match_the_rows``): a mix of writes in one bulk
transaction, CKAN's own rebuild after ``clear``, other writers while a bulk
transaction is open and while its drain runs, and the orphans a rebuild
clears.
"""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import helpers

from tests.test_pgsearch_bitmaps import (  # noqa: F401 (catalog: a fixture)
    _scalar, assert_bitmaps_match_the_rows, assert_values_match_the_documents, catalog)

pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]

US = "chr(31)"


def _writes_to(table: str) -> int:
    """Rows this transaction has inserted, updated or deleted in ``table``."""
    return _scalar("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                   "FROM pg_stat_xact_user_tables WHERE relname = :t", t=table)


def _reindex(*ids):
    """Each dataset indexed anew from its package, on the immediate path."""
    from ckan.lib import search
    for dataset_id in ids:
        search.rebuild(dataset_id)
    model.Session.commit()


def _label_count(label: str, dataset_id: str) -> int:
    """Whether the dataset's bit is in ``label``'s bitmap (0 or 1)."""
    return _scalar(
        "SELECT count(*) FROM opdc_kpi_search_bits AS b JOIN opdc_kpi_search_docno AS d "
        "ON d.docno / 4096 = b.block AND get_bit(b.bits, d.docno % 4096) = 1 "
        "WHERE b.field = '#label' AND b.value = :label AND d.id = :id",
        label=label, id=dataset_id)


def test_a_bulk_transaction_works_out_the_bitmaps_once_at_its_commit(catalog):
    """Nothing is written to the bitmaps while the datasets are indexed,
    then each bitmap row at most once, and they end exactly what the rows
    say, through a mix of a tag gone, a dataset made private, one taken out
    of the index and put back (a new document number)."""
    from ckan.lib import search

    ids = catalog["ids"]
    index = search.index_for(model.Package)

    def reindex(dataset_id):
        index.update_dict(helpers.call_action("package_show", id=dataset_id), defer_commit=True)
    model.Session.execute(sa.text(
        f"UPDATE opdc_kpi_search SET facets = facets || ARRAY['tags' || {US} || 'stale'] "
        "WHERE id = ANY(:ids)"), {"ids": ids[:6]})
    # made private in the database only: the bulk reindex brings it to the index
    model.Session.execute(sa.text("UPDATE package SET private = true WHERE id = :id"),
                          {"id": ids[1]})
    model.Session.commit()
    assert _label_count("public", ids[1]) == 1
    before = _writes_to("opdc_kpi_search_bits")
    for dataset_id in ids[:6]:
        reindex(dataset_id)
    index.delete_package({"id": ids[4]})
    reindex(ids[4])
    assert _scalar("SELECT current_setting('opdc_kpi.search_bulk', true)") == "on"
    assert _writes_to("opdc_kpi_search_bits") == before       # nothing yet
    assert _scalar("SELECT count(*) FROM opdc_kpi_search_pending") > 0
    model.Session.execute(sa.text("SET CONSTRAINTS opdc_kpi_search_bits_drain IMMEDIATE"))
    written = _writes_to("opdc_kpi_search_bits") - before
    # each row once; the emptied "stale" row once more, deleted
    assert 0 < written <= _scalar("SELECT count(*) FROM opdc_kpi_search_bits") + 2
    assert _scalar("SELECT count(*) FROM opdc_kpi_search_pending") == 0
    assert_bitmaps_match_the_rows()
    model.Session.commit()
    assert_bitmaps_match_the_rows()
    assert _scalar("SELECT count(*) FROM opdc_kpi_search_bits WHERE value = 'stale'") == 0
    assert _label_count("public", ids[1]) == 0
    model.Session.execute(sa.text("UPDATE package SET private = false WHERE id = :id"),
                          {"id": ids[1]})
    model.Session.commit()
    _reindex(ids[1])
    assert _label_count("public", ids[1]) == 1


def test_a_rebuild_after_clear_numbers_the_documents_by_organization(catalog):
    """CKAN's own ``rebuild`` after ``clear`` (every row inserted anew, in
    one transaction, deferred), then ``commit``: the bitmaps and values are
    what the rows say, and the documents are numbered organization by
    organization (as the refill numbers them: an organization's page reads
    the few blocks its datasets are in), not in the rebuild's order."""
    from ckan.lib import search

    search.rebuild(defer_commit=True, quiet=True, clear=True)
    search.commit()
    assert _scalar("SELECT count(*) FROM opdc_kpi_search_pending") == 0
    assert_bitmaps_match_the_rows()
    assert_values_match_the_documents()
    assert _scalar("SELECT count(*) FROM opdc_kpi_search") == 11   # the deleted one is out
    numbered = model.Session.execute(sa.text(
        "SELECT s.id, s.owner_org FROM opdc_kpi_search AS s "
        "JOIN opdc_kpi_search_docno AS d ON d.id = s.id ORDER BY d.docno")).all()
    assert numbered == sorted(numbered, key=lambda row: (row[1], row[0]))
    # not vacuous: the rebuild wrote them in another order
    written = [dataset_id for (dataset_id,) in model.Session.query(model.Package.id)
               if dataset_id in {row[0] for row in numbered}]
    assert written != [row[0] for row in numbered]


def test_a_bulk_transaction_does_not_hold_other_writers(catalog):
    """Row by row, a rebuild held the row locks of the bitmap rows every
    dataset of a block shares (``#row``, ``#state``) until its commit, and
    a web edit of any other dataset waited for it. Now a bulk transaction
    takes them only at its commit: another dataset's write goes through
    while it is open, and both end in exact bitmaps."""
    ids = catalog["ids"]
    engine = model.meta.engine
    bulk, other = engine.connect(), engine.connect()
    try:
        with bulk.begin():
            bulk.execute(sa.text("SELECT set_config('opdc_kpi.search_bulk', 'on', true)"))
            # both change the bitmaps of "#state active" and "#state draft"
            bulk.execute(sa.text("UPDATE opdc_kpi_search SET state = 'draft' WHERE id = :id"),
                         {"id": ids[1]})
            with other.begin():
                other.execute(sa.text("SET LOCAL lock_timeout = '3s'"))
                other.execute(sa.text("UPDATE opdc_kpi_search SET state = 'draft' "
                                      "WHERE id = :id"), {"id": ids[2]})
    finally:
        bulk.close()
        other.close()
    model.Session.commit()
    assert_bitmaps_match_the_rows()
    assert _scalar("SELECT count(*) FROM opdc_kpi_search WHERE id = ANY(:ids) "
                   "AND state = 'draft'", ids=ids[1:3]) == 2
    _reindex(*ids[1:3])
    assert_bitmaps_match_the_rows()


def _tags(change: str) -> str:
    """SQL that changes a search row's facets: ``+a -b`` adds tag a and
    removes tag b."""
    sql = "facets"
    for word in change.split():
        key = f"'tags' || {US} || 'bulk-{word[1:]}'"
        sql = f"({sql} || ARRAY[{key}])" if word[0] == "+" else f"array_remove({sql}, {key})"
    return sql


def test_a_writer_committing_while_the_drain_runs_is_kept(catalog):
    """The drain writes each row as (its bits now without the noted
    documents) or (their bits): the bits another transaction committed
    after the drain's snapshot stay. The drain is held at one bitmap row (a
    third transaction has it), another writer changes rows after that one
    in key order and commits, then the drain goes on: a drain writing what
    its snapshot saw would put back B's cleared bit and drop B's new one."""
    a, b, c = catalog["ids"][1:4]
    engine = model.meta.engine
    write = "UPDATE opdc_kpi_search SET facets = {} WHERE id = :id"
    model.Session.execute(sa.text(write.format(_tags("+r +z"))), {"id": b})
    model.Session.commit()
    holder, bulk, web = engine.connect(), engine.connect(), engine.connect()
    outcome = {}
    timeout = sa.text("SET LOCAL lock_timeout = '20s'")
    try:
        holding = holder.begin()
        holder.execute(timeout)
        holder.execute(sa.text(write.format(_tags("+m"))), {"id": c})   # holds (tags, bulk-m)
        bulk_transaction = bulk.begin()
        bulk.execute(timeout)
        bulk.execute(sa.text("SELECT set_config('opdc_kpi.search_bulk', 'on', true)"))
        bulk.execute(sa.text(write.format(_tags("+k +m +r +y"))), {"id": a})
        bulk_pid = bulk.execute(sa.text("SELECT pg_backend_pid()")).scalar()

        def commit_bulk():
            try:
                bulk_transaction.commit()
                outcome["bulk"] = "committed"
            except sa.exc.DBAPIError as error:   # pragma: no cover (the failure shown)
                outcome["bulk"] = str(error.orig)
        thread = threading.Thread(target=commit_bulk)
        thread.start()
        waits = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"
        deadline = time.monotonic() + 15
        while model.Session.execute(sa.text(waits), {"pid": bulk_pid}).scalar() != "Lock":
            model.Session.rollback()
            assert time.monotonic() < deadline, "the drain never waited at (tags, bulk-m)"
            time.sleep(0.05)
        model.Session.rollback()
        with web.begin():    # rows after bulk-m only: the drain has not reached them
            web.execute(timeout)
            web.execute(sa.text(write.format(_tags("-r -z +y"))), {"id": b})
        holding.commit()
        thread.join(20)
    finally:
        for connection in (holder, bulk, web):
            connection.close()
    assert outcome == {"bulk": "committed"}
    assert_bitmaps_match_the_rows()
    counts = dict(model.Session.execute(sa.text(
        "SELECT value, sum(bit_count(bits)) FROM opdc_kpi_search_bits WHERE field = 'tags' "
        "AND value LIKE 'bulk-%' GROUP BY value")).all())
    assert counts == {"bulk-k": 1, "bulk-m": 2, "bulk-r": 1, "bulk-y": 2}
    _reindex(a, b, c)
    assert_bitmaps_match_the_rows()


def test_a_rebuild_commits_the_orphans_it_clears(catalog):
    """CKAN's ``search-index rebuild`` deletes the index rows of datasets
    that no longer exist, then calls the index's ``commit()``: the deletes
    are committed (they were rolled back with the process)."""
    from ckan.lib import search

    model.Session.execute(sa.text(
        "INSERT INTO opdc_kpi_search SELECT (jsonb_populate_record(s, jsonb_build_object("
        "'id', 'orphan-1', 'name', 'orphan-1'))).* FROM opdc_kpi_search AS s LIMIT 1"))
    model.Session.commit()
    search.index_for(model.Package).delete_package({"id": "orphan-1"})
    search.commit()
    with model.meta.engine.connect() as elsewhere:
        assert elsewhere.execute(sa.text(
            "SELECT count(*) FROM opdc_kpi_search WHERE id = 'orphan-1'")).scalar() == 0


def test_search_index_clear_commands_commit_their_deletes(catalog, cli):
    """``ckan search-index clear NAME`` and ``clear-orphans`` delete
    documents outside any action: the deletes are committed (they were
    rolled back with the process, the dataset still found)."""
    from ckan.cli.cli import ckan

    def indexed(reference):
        with model.meta.engine.connect() as elsewhere:
            return elsewhere.execute(sa.text(
                "SELECT count(*) FROM opdc_kpi_search WHERE id = :r OR name = :r"),
                {"r": reference}).scalar()

    assert indexed("bits-dataset-1") == 1
    result = cli.invoke(ckan, ["search-index", "clear", "bits-dataset-1"])
    assert result.exit_code == 0, result.output
    assert indexed("bits-dataset-1") == 0
    assert helpers.call_action("package_search", q="name:bits-dataset-1")["count"] == 0
    assert indexed("bits-dataset-2") == 1

    model.Session.execute(sa.text(
        "INSERT INTO opdc_kpi_search SELECT (jsonb_populate_record(s, jsonb_build_object("
        "'id', 'orphan-2', 'name', 'orphan-2'))).* FROM opdc_kpi_search AS s "
        "WHERE NOT private AND state = 'active' LIMIT 1"))   # found by a public search
    model.Session.commit()
    result = cli.invoke(ckan, ["search-index", "clear-orphans"])
    assert result.exit_code == 0, result.output
    assert indexed("orphan-2") == 0
    assert indexed("bits-dataset-2") == 1
    model.Session.rollback()
    assert_bitmaps_match_the_rows()


def test_rebuild_commit_each_commits_every_document_as_it_is_written(catalog, cli, monkeypatch):
    """``ckan search-index rebuild --commit-each``: CKAN commits the database
    once, at the end; here each document is committed as it is written (seen
    from another connection while the rebuild goes on), and the bitmaps end
    exact."""
    from ckan.cli.cli import ckan
    from ckanext.opdc_kpi.search import index

    def versions():
        with model.meta.engine.connect() as elsewhere:
            return dict(elsewhere.execute(sa.text(
                "SELECT id, xmin::text FROM opdc_kpi_search")).all())

    before = versions()
    written, seen_committed = [], []
    original = index.PgPackageSearchIndex.index_package

    def watching(self, pkg_dict, defer_commit=False):
        if written:
            seen_committed.append(versions().get(written[-1]) != before.get(written[-1]))
        original(self, pkg_dict, defer_commit)
        written.append(pkg_dict["id"])

    monkeypatch.setattr(index.PgPackageSearchIndex, "index_package", watching)
    result = cli.invoke(ckan, ["search-index", "rebuild", "--commit-each", "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(written) == 11           # the deleted dataset: not indexed
    assert set(versions()) == set(written)
    assert seen_committed == [True] * 10
    assert not index.COMMIT_EACH.get()
    assert_bitmaps_match_the_rows()
    assert_values_match_the_documents()

    # without the option: one transaction, nothing seen before its end
    before, written, seen_committed[:] = versions(), [], []
    result = cli.invoke(ckan, ["search-index", "rebuild", "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(written) == 11 and seen_committed == [False] * 10
    assert_bitmaps_match_the_rows()


def test_rebuild_commit_each_force_goes_on_past_a_failed_write(catalog, cli, monkeypatch):
    """``--commit-each --force``: a dataset whose write fails in the database
    is rolled back alone; the datasets after it are indexed and committed
    (the failed transaction refused every later one, and the command's end)."""
    from ckan.cli.cli import ckan
    from ckanext.opdc_kpi.search import index

    original, calls = index.PgPackageSearchIndex._write, []

    def failing_third(self, pkg_dict, defer_commit):
        calls.append(pkg_dict["id"])
        if len(calls) == 3:
            model.Session.execute(sa.text("SELECT 1 / 0"))
        return original(self, pkg_dict, defer_commit)

    with model.meta.engine.connect() as elsewhere:
        before = dict(elsewhere.execute(sa.text("SELECT id, xmin::text FROM opdc_kpi_search")).all())
    monkeypatch.setattr(index.PgPackageSearchIndex, "_write", failing_third)
    result = cli.invoke(ckan, ["search-index", "rebuild", "--commit-each", "--force", "--quiet"])
    assert result.exit_code == 0, result.output
    with model.meta.engine.connect() as elsewhere:
        after = dict(elsewhere.execute(sa.text("SELECT id, xmin::text FROM opdc_kpi_search")).all())
    assert len(calls) == 11
    rewritten = [i for i in calls if after.get(i) != before.get(i)]
    assert rewritten == [i for k, i in enumerate(calls) if k != 2]
    model.Session.rollback()
    assert_bitmaps_match_the_rows()
