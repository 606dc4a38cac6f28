"""Issue 28: facet counts from per-value bitmaps and ranges/patterns on
document fields from the table of the documents' values (migrations
a1c3e5f70005, a1c3e5f70006), both kept by triggers on the search table.

- The bitmaps and the values stay exactly what the search rows say, after
  every kind of write CKAN makes (create, update of tags, organization,
  visibility and state, delete), checked against the rows themselves.
- The counts from the bitmaps are the counts from the rows (the config key
  ``ckanext.opdc_kpi.search.facet_bitmaps`` false counts from the rows), for
  every role, with and without private datasets and drafts, on filters the
  bitmaps answer; a faceted page reads no dataset row.
- A range or pattern on a document field reads no document and finds what
  the document says.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.model as model
import ckan.plugins as plugins
from ckan.tests import factories, helpers

from tests.pgsearch_support import make_dataset, search

pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]

FACETS = ["organization", "owner_org", "groups", "tags", "res_format", "license_id",
          "capacity", "vocab_opdc_focus_areas"]
TAGS = ["water", "road", "school", "ป่าไม้"]


@pytest.fixture(scope="module")
def catalog(fresh_db):
    """Three organizations (a member of the first), two groups, twelve
    datasets: private, draft and deleted ones among them."""
    plugins.load_all()
    fresh_db()
    member = factories.User()
    sysadmin = factories.Sysadmin()
    orgs = [factories.Organization(name=f"bits-org-{k}", users=[
        {"name": member["name"], "capacity": "member"}] if k == 0 else [])
        for k in range(3)]
    groups = [factories.Group(name=f"bits-group-{k}") for k in range(2)]
    ids = []
    for i in range(12):
        dataset = make_dataset(
            name=f"bits-dataset-{i}", owner_org=orgs[i % 3]["id"], private=(i % 4 == 0),
            tag_string=",".join(TAGS[j] for j in range(4) if (i >> j) & 1) or "misc",
            maintainer=f"Maintainer {i % 5}",
            resources=[{"url": f"https://x.org/{i}", "format": ["CSV", "PDF", "XLSX"][i % 3]}],
            groups=[{"name": groups[i % 2]["name"]}] if i % 3 else [])
        ids.append(dataset["id"])
    as_admin = {"user": sysadmin["name"]}
    helpers.call_action("package_patch", context=dict(as_admin), id=ids[5], state="draft")
    helpers.call_action("package_delete", context=dict(as_admin), id=ids[7])
    model.Session.commit()
    return {"orgs": orgs, "groups": groups, "ids": ids, "member": member,
            "sysadmin": sysadmin}


def _scalar(sql: str, **params):
    return model.Session.execute(sa.text(sql), params).scalar()


def assert_bitmaps_match_the_rows():
    """Every (key, dataset) a bitmap holds is one the search row has, and
    the other way round; every row has a document number."""
    held = model.Session.execute(sa.text(
        "SELECT b.field || chr(31) || b.value, d.id FROM opdc_kpi_search_bits AS b "
        "JOIN opdc_kpi_search_docno AS d ON d.docno / 4096 = b.block "
        "AND get_bit(b.bits, d.docno % 4096) = 1")).all()
    expected = model.Session.execute(sa.text(
        "SELECT k, s.id FROM opdc_kpi_search AS s, "
        "unnest(opdc_kpi_search_row_keys(s.facets, s.state, s.permission_labels)) AS k")).all()
    assert sorted(held) == sorted(expected)
    assert _scalar("SELECT count(*) FROM opdc_kpi_search_docno") == _scalar(
        "SELECT count(*) FROM opdc_kpi_search")
    # no empty bitmap is kept
    assert _scalar("SELECT count(*) FROM opdc_kpi_search_bits "
                   "WHERE bits = CAST(B'0' AS bit(4096))") == 0


def assert_values_match_the_documents():
    held = model.Session.execute(sa.text(
        "SELECT id, field, value, num FROM opdc_kpi_search_values")).all()
    expected = model.Session.execute(sa.text(
        "SELECT s.id, v.field, v.value, CASE WHEN v.value ~ '^-?[0-9]+(\\.[0-9]+)?$' "
        "THEN CAST(v.value AS numeric) END FROM opdc_kpi_search AS s, "
        "opdc_kpi_search_row_values(s.fields) AS v")).all()
    assert sorted(held, key=str) == sorted(expected, key=str)
    assert len(held) > 0


def test_the_bitmaps_and_values_follow_every_write(catalog):
    assert_bitmaps_match_the_rows()
    assert_values_match_the_documents()
    ids, orgs = catalog["ids"], catalog["orgs"]

    def patch(**fields):
        helpers.call_action("package_patch", context={"user": catalog["sysadmin"]["name"]},
                            **fields)
    patch(id=ids[1], tag_string="road,new-tag",
                        maintainer="Someone else")
    patch(id=ids[2], owner_org=orgs[0]["id"])
    patch(id=ids[3], private=True)
    patch(id=ids[4], private=False)
    patch(id=ids[5], state="active")
    # fields that go from the document, and one that comes
    patch(id=ids[10], groups=[], tag_string="misc", url="https://x.org/bits-10")
    helpers.call_action("package_delete", context={"user": catalog["sysadmin"]["name"]},
                        id=ids[6])
    make_dataset(name="bits-dataset-new", owner_org=orgs[1]["id"], tag_string="school",
                 resources=[{"url": "https://x.org/new", "format": "JSON"}])
    model.Session.commit()
    assert_bitmaps_match_the_rows()
    assert_values_match_the_documents()
    # an update that changes no facet value, state, label or kept document
    # value writes neither table
    writes = ("SELECT relname, n_tup_upd + n_tup_ins + n_tup_del FROM pg_stat_xact_user_tables "
              "WHERE relname IN ('opdc_kpi_search_bits', 'opdc_kpi_search_values')")
    before = dict(model.Session.execute(sa.text(writes)).all())
    patch(id=ids[8], notes="Only the notes change")
    assert dict(model.Session.execute(sa.text(writes)).all()) == before
    model.Session.commit()
    # the bulk refill gives the same bitmaps (numbered in another order)
    model.Session.execute(sa.text("SELECT opdc_kpi_search_bits_rebuild()"))
    model.Session.execute(sa.text("SELECT opdc_kpi_search_values_rebuild()"))
    assert_bitmaps_match_the_rows()
    assert_values_match_the_documents()
    model.Session.commit()


# --- the counts ------------------------------------------------------------------

FILTERS = ["", "organization:bits-org-0", "-tags:water", "tags:water tags:road",
           "res_format:(CSV OR PDF)", "-organization:bits-org-1 -capacity:private",
           "groups:bits-group-1 OR tags:school", "NOT (tags:road OR tags:ป่าไม้)",
           "owner_org:{org0}", "vocab_opdc_focus_areas:health", "capacity:private",
           "tags:water AND -res_format:CSV", "+state:(active OR draft)",
           "+state:draft", "dataset_type:dataset", "*:*"]


def _both(ckan_config, monkeypatch, user, **params):
    """The answer counted from the bitmaps and from the rows; the first
    reads no row of the search table for its counts."""
    context = {"user": user["name"] if user else ""}
    answers = []
    for use in (True, False):
        monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.search.facet_bitmaps", use)
        if use:
            before = _blocks_read("opdc_kpi_search")
            helpers.call_action("package_search", context=dict(context), **dict(params, rows=0))
            assert _blocks_read("opdc_kpi_search") == before, "counted from the rows"
        result = helpers.call_action("package_search", context=dict(context), **params)
        answers.append((result["count"], result["facets"], [d["name"] for d in
                                                           result["results"]]))
    return answers


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(fq=st.lists(st.sampled_from(FILTERS), min_size=1, max_size=3),
       role=st.sampled_from(["anonymous", "member", "sysadmin"]),
       include_private=st.booleans(), include_drafts=st.booleans(),
       limit=st.sampled_from([50, 2, -1]), mincount=st.sampled_from([1, 2]))
def test_counts_from_the_bitmaps_are_the_counts_from_the_rows(
        catalog, ckan_config, monkeypatch, fq, role, include_private, include_drafts,
        limit, mincount):
    users = {"anonymous": None, "member": catalog["member"],
             "sysadmin": catalog["sysadmin"]}
    fq_text = " ".join(f.replace("{org0}", catalog["orgs"][0]["id"]) for f in fq)
    bitmaps, rows = _both(ckan_config, monkeypatch, users[role], q="*:*", fq=fq_text,
                          include_private=include_private, include_drafts=include_drafts,
                          rows=5, sort="name asc", **{"facet.field": FACETS,
                                                      "facet.limit": limit,
                                                      "facet.mincount": mincount})
    assert bitmaps == rows


def test_the_comparison_sees_private_and_draft_counts(catalog, ckan_config, monkeypatch):
    """Not vacuous: the member's counts include the first organization's
    private datasets and a sysadmin's drafts, on both paths."""
    anonymous = _both(ckan_config, monkeypatch, None, q="*:*", **{"facet.field": FACETS})
    member = _both(ckan_config, monkeypatch, catalog["member"], q="*:*",
                   include_private=True, **{"facet.field": FACETS})
    assert anonymous[0] == anonymous[1] and member[0] == member[1]
    assert member[0][1]["capacity"].get("private", 0) > 0
    assert "private" not in anonymous[0][1]["capacity"]
    assert member[0][0] > anonymous[0][0]


def _blocks_read(relation: str) -> int:
    return _scalar("SELECT pg_stat_get_xact_blocks_fetched(CAST(:r AS regclass))", r=relation)


def test_a_faceted_page_counts_without_reading_dataset_rows(catalog):
    """The /dataset page's counts (q *:*, a facet filter) come from the
    bitmaps alone: no block of the search table is read."""
    before = _blocks_read("opdc_kpi_search")
    result = search(q="*:*", fq='res_format:"CSV"', rows=0,
                    **{"facet.field": FACETS, "facet.limit": 50})
    assert _blocks_read("opdc_kpi_search") == before
    assert result["count"] == result["facets"]["res_format"]["CSV"] > 0
    # words need the rows: the measure can fail
    search(q="Maintainer", rows=0, **{"facet.field": FACETS})
    assert _blocks_read("opdc_kpi_search") > before


def _toast_reads() -> int:
    return _scalar("SELECT pg_stat_get_xact_blocks_fetched(reltoastrelid) FROM pg_class "
                   "WHERE relname = 'opdc_kpi_search'")


@pytest.mark.parametrize("fq, expected", [
    ("num_tags:[2 TO 3]", None),
    ('maintainer:Maint*', None),
    ('maintainer:[Maintainer\\ 3 TO *]', None),
    ("-maintainer:Maintainer?2", None),
    ("res_format:C*", None),
    ("num_resources:{0 TO *]", None),
])
def test_document_ranges_and_patterns_read_no_document(catalog, fq, expected):
    """Found through the values' indexes: the documents (TOAST) are not read;
    the answer is the documents' (compared with a scan of them)."""
    from ckanext.opdc_kpi.search import parser as qp
    from ckanext.opdc_kpi.search import sql

    sysadmin = catalog["sysadmin"]
    before = _toast_reads()
    count = search(sysadmin, q="*:*", fq=fq, rows=0, include_private=True)["count"]
    assert _toast_reads() == before
    found = {d["name"] for d in search(sysadmin, q="*:*", fq=fq, rows=100,
                                       include_private=True)["results"]}
    assert count == len(found)
    # the same term tested on each stored document (the former way)
    term = qp.parse(fq)
    negate = isinstance(term, qp.Not)
    term = term.node if negate else term
    condition = sql.Condition()
    if term.kind in ("prefix", "wildcard"):
        test = f"v.value LIKE {condition.bind(condition._like_pattern(term, True))}"
    else:
        test = condition._range_sql("v.value", term.low, term.high, term, numeric_text=True)
    scanned = {r[0] for r in model.Session.execute(sa.text(
        f"SELECT name FROM opdc_kpi_search WHERE state = 'active' AND "
        f"{'NOT ' if negate else ''}EXISTS (SELECT 1 FROM jsonb_array_elements_text("
        f"fields -> {condition.bind(term.field)}) AS v(value) WHERE {test})"),
        condition.params)}
    assert found == scanned and (expected is None or found == expected)
    assert found or negate
