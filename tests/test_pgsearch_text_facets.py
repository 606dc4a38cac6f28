"""A search with words and facets (the /dataset page after typing a word):
the matching rows are read once for the count, the facets and the page
(``facets.count_facets_and_page``), and the relevance leaves out the column
the WHERE already requires the word in (``query._score_sql``).

The answer is the one of the separate paths, on a catalog with private
datasets and drafts in several organizations and a Thai word written inside
longer words, for every role:

- the count and the facet counts are those of the statement that counts
  them from the rows alone (``facets.count_and_facets``: what a request
  with ``rows=0`` asks);
- the page is the one the page statement gives with the whole relevance
  (every column scored, as before), in the same order, at any ``start``.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as plugins
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.search import query
from tests.pgsearch_support import make_dataset, names, search

pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]

FISHERY = "ประมงพื้นบ้าน"
FACETS = ["organization", "owner_org", "groups", "tags", "res_format", "license_id",
          "capacity", "vocab_opdc_focus_areas"]


@pytest.fixture(scope="module")
def catalog(fresh_db):
    """Three organizations (a member of the first), two groups, eighteen
    datasets: the Thai word inside longer words of the title (some also in
    a tag or the name), of the notes only, or nowhere; private, draft and
    deleted ones among them."""
    plugins.load_all()
    fresh_db()
    member = factories.User()
    sysadmin = factories.Sysadmin()
    orgs = [factories.Organization(name=f"text-org-{k}", users=[
        {"name": member["name"], "capacity": "member"}] if k == 0 else [])
        for k in range(3)]
    groups = [factories.Group(name=f"text-group-{k}") for k in range(2)]
    ids = []
    for i in range(18):
        title = [f"ข้อมูล{FISHERY}ชายฝั่ง {i}", f"สถิติการเกษตร {i}",
                 f"ชาว{FISHERY}และเรือ {i}"][i % 3]
        notes = (f"รวมถึงข้อมูลชาว{FISHERY}ในพื้นที่ชายฝั่ง" if i % 3 == 1 and i % 2
                 else "Neutral description")
        tags = ["water", "ป่าไม้", "road"][:1 + i % 3] + ([FISHERY] if i % 5 == 0 else [])
        dataset = make_dataset(
            name=f"text-dataset-{i}", title=title, notes=notes,
            owner_org=orgs[i % 3]["id"], private=(i % 4 == 0), tag_string=",".join(tags),
            resources=[{"url": f"https://x.org/{i}", "format": ["CSV", "PDF", "XLSX"][i % 3]}],
            groups=[{"name": groups[i % 2]["name"]}] if i % 3 else [])
        ids.append(dataset["id"])
    as_admin = {"user": sysadmin["name"]}
    helpers.call_action("package_patch", context=dict(as_admin), id=ids[6], state="draft")
    helpers.call_action("package_delete", context=dict(as_admin), id=ids[9])
    model.Session.commit()
    return {"orgs": orgs, "ids": ids, "member": member, "sysadmin": sysadmin}


def _whole_relevance(monkeypatch):
    """The relevance as before: every column scored for every term."""
    monkeypatch.setattr(query, "_required_likes", lambda where, params: set())


# (params, the words the relevance scores); the default sort is CKAN's
# "score desc, metadata_modified desc"
CASES = [
    (dict(q=FISHERY), [FISHERY]),
    (dict(q=f"{FISHERY} ชายฝั่ง"), [FISHERY, "ชายฝั่ง"]),
    (dict(q=f"{FISHERY} water"), [FISHERY, "water"]),
    (dict(q=FISHERY, fq="res_format:CSV OR tags:road"), [FISHERY]),
    (dict(q=f"title:{FISHERY}"), [FISHERY]),
    (dict(q=f"text:{FISHERY} -tags:water"), [FISHERY]),
    (dict(q=FISHERY, sort="title_string asc"), None),
    (dict(q=f"{FISHERY} OR สถิติ"), [FISHERY, "สถิติ"]),
    (dict(q=f"{FISHERY} ชายฝั่ง เรือ water"), [FISHERY, "ชายฝั่ง", "เรือ", "water"]),
    # the word optional: its notes-only matches rank above the datasets
    # without it, by their text alone
    (dict(q=f"text:{FISHERY} OR tags:ป่าไม้"), [FISHERY]),
]


def _expected_order(ids: list[str], words) -> list[str]:
    """The names of ``ids`` in the order of the sort, the relevance worked
    out here (CKAN's qf: name^4 title^4 tags^2 text)."""
    if words is None:
        order = "title_sort ASC, id ASC"
    else:
        points = " + ".join(
            f"CASE WHEN {column} LIKE :w{k} THEN {weight} ELSE 0 END"
            for k in range(len(words))
            for column, weight in (("title_text", 4), ("name", 4), ("tag_text", 2),
                                   ("search_text", 1)))
        order = f"({points}) DESC, metadata_modified DESC, id DESC"
    return [name for (name,) in model.Session.execute(sa.text(
        f"SELECT name FROM opdc_kpi_search WHERE id = ANY(:ids) ORDER BY {order}"),
        dict({f"w{k}": f"%{word}%" for k, word in enumerate(words or [])}, ids=ids))]


@pytest.mark.parametrize("role", ["anonymous", "member", "sysadmin"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_one_pass_answers_as_the_separate_statements(catalog, monkeypatch, role, case):
    user = {"anonymous": None, "member": catalog["member"],
            "sysadmin": catalog["sysadmin"]}[role]
    params, words = CASES[case]
    params = dict(params, include_private=True, include_drafts=True)
    everything = search(user, rows=1000, **params)
    expected = _expected_order([d["id"] for d in everything["results"]], words)
    assert names(everything) == expected
    for limit, mincount in ((50, 1), (2, 1), (-1, 2)):
        facets = {"facet.field": FACETS, "facet.limit": limit, "facet.mincount": mincount}
        counted = search(user, rows=0, **params, **facets)
        assert counted["count"] == len(expected)
        for start, rows in ((0, 20), (0, 3), (2, 3), (40, 5)):
            one_pass = search(user, start=start, rows=rows, **params, **facets)
            assert (one_pass["count"], one_pass["facets"]) == (
                counted["count"], counted["facets"])
            assert names(one_pass) == expected[start:start + rows]
            with monkeypatch.context() as patched:
                _whole_relevance(patched)
                assert names(search(user, start=start, rows=rows, **params)) == names(one_pass)


def test_the_comparison_is_not_vacuous(catalog, monkeypatch):
    """The member sees the first organization's private matches, anonymous
    does not; title matches rank above the notes-only ones; the relevance
    without the required column is shorter and orders the same."""
    facets = {"facet.field": FACETS}
    anonymous = search(None, q=FISHERY, rows=20, **facets)
    member = search(catalog["member"], q=FISHERY, rows=20, include_private=True, **facets)
    assert member["count"] > anonymous["count"] > 0
    assert member["facets"]["capacity"].get("private", 0) > 0
    assert "private" not in anonymous["facets"]["capacity"]
    in_title = [FISHERY in d["title"] for d in anonymous["results"]]
    assert True in in_title and False in in_title
    assert in_title == sorted(in_title, reverse=True)
    relevance = {"q": FISHERY, "sort": "score desc, metadata_modified desc"}
    required = query.plan(dict(relevance), None)
    with monkeypatch.context() as patched:
        _whole_relevance(patched)
        whole = query.plan(dict(relevance), None)
    assert "search_text LIKE" not in required.order_sql
    assert "search_text LIKE" in whole.order_sql
    # an optional word's column stays scored (dismax: of three words, one
    # may be missing)
    optional = query.plan({"q": f"{FISHERY} water road", "sort": "score desc"}, None)
    assert optional.order_sql.count("search_text LIKE") == 3
