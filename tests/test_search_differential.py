"""The PostgreSQL search against Apache Solr: one catalog indexed into both
(each backend's index class called directly), a table of searches answered
by both query classes, the answers compared. Solr mode only (``make test
SEARCH=solr``): it needs a Solr core; skipped on the PostgreSQL search.

Expected: the same ids (in the same order where the sort is total), the same
counts and facet counts. Documented differences (README, "Running on Apache
Solr") are asserted as their rule instead:
- relevance order (q with words, no sort): the same set, order unchecked;
- Thai words: CKAN's Solr schema splits text on whitespace (and
  punctuation) only, so Solr finds a Thai word only where it stands between
  spaces; the PostgreSQL search also finds it inside longer words: Solr's
  ids are a subset of PostgreSQL's.

The request limits (README, "Security" / "Request limits") are rules too:
- at each limit (50 facet fields of which 10 outside the catalog's facets
  and ``vocab_*``; 50 ``fq_list`` entries; 10 sort clauses; 1,024 clauses in
  ``q``, ``fq`` and ``fq_list`` together) both backends answer, alike;
- one over a limit, ``package_search`` refuses the search (409 naming the
  limit) on either backend before asking it: with Solr out of reach the
  answer is the same refusal, and the PostgreSQL search runs no statement on
  its table;
- Solr's own bound comes first for a free-text ``q`` (dismax): about 150
  words reach its 1,024 nested clauses (each word once per ``qf`` field and
  analysed token) and Solr refuses; the PostgreSQL search answers.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import random

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib.plugins import get_permission_labels
from ckan.lib.search.common import SearchError, SolrConnectionError
from ckan.lib.search.index import PackageSearchIndex
from ckan.lib.search.query import PackageSearchQuery
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.search.query import PgPackageSearchQuery
from tests.pgsearch_support import FOCUS_CODES, ask, dataset_dict, index_in_both

pytestmark = [pytest.mark.solr, pytest.mark.usefixtures("with_plugins")]

N = 200
#: CKAN 2.12 hands its Solr index the validated dict (``with_custom_schema``)
ENGLISH = ["water", "rain", "road", "school", "hospital", "tourism", "budget", "forest"]
THAI = ["น้ำฝน", "ถนน", "โรงเรียน", "โรงพยาบาล", "ท่องเที่ยว", "งบประมาณ", "ป่าไม้"]
TAGS = ["health", "education", "transport", "water", "finance", "ป่า"]
FORMATS = ["CSV", "XLSX", "PDF", "JSON", "API"]
LICENSES = ["Creative Commons Attributions", "License not specified"]
CATEGORIES = ["ข้อมูลสาธารณะ", "ข้อมูลส่วนบุคคล"]
FACETS = ["organization", "groups", "tags", "res_format", "license_id",
          "vocab_opdc_focus_areas", "data_category"]
START = dt.datetime(2019, 1, 3, 8, 0, 0)


def _title(rng: random.Random, i: int) -> str:
    english = rng.sample(ENGLISH, 2)
    thai = rng.choice(THAI)
    kind = i % 3
    if kind == 0:  # a Thai word between spaces
        return f"{english[0]} {thai} {english[1]} {i}"
    if kind == 1:  # a Thai word inside a longer one (no spaces, as Thai is written)
        return f"สถิติ{thai}รายเดือน {english[0]} {i}"
    return f"{english[0].title()} and {english[1]} {i}"


@pytest.fixture(scope="module")
def catalog(fresh_db):
    """N datasets in 4 organizations and 3 groups; every 7th private, every
    11th a draft, every 13th deleted; modified one after another over five
    years. Indexed into Solr and into the PostgreSQL table, nowhere else."""
    from ckan import plugins

    plugins.load_all()
    fresh_db()
    rng = random.Random(17)
    c = {"sysadmin": factories.Sysadmin(), "member": factories.User()}
    orgs = [factories.Organization(name=f"diff-org-{k}", users=[
        {"name": c["member"]["name"], "capacity": "member"}] if k == 0 else [])
        for k in range(4)]
    groups = [factories.Group(name=f"diff-group-{k}") for k in range(3)]
    c["orgs"], c["groups"] = orgs, groups
    ids = []
    patch = pytest.MonkeyPatch()
    # created without CKAN's own indexing: each backend indexes below
    patch.setattr(PackageSearchIndex, "index_package", lambda *a, **k: None)
    patch.setattr(PackageSearchIndex, "delete_package", lambda *a, **k: None)
    try:
        for i in range(N):
            category = rng.choice(CATEGORIES)
            fields = dict(
                name=f"diff-dataset-{i:03d}", title=_title(rng, i),
                owner_org=orgs[i % 4]["id"], private=(i % 7 == 0),
                notes=f"{rng.choice(ENGLISH)} {rng.choice(THAI)} notes",
                tag_string=",".join(rng.sample(TAGS, rng.randint(0, 2))) or "misc",
                data_category=category,
                # an open licence only for public data (the schema's rule)
                license_id=rng.choice(LICENSES) if category == CATEGORIES[0] else LICENSES[1],
                focus_area=rng.choice(FOCUS_CODES),
                resources=[{"url": f"https://x.org/{i}-{k}", "format": rng.choice(FORMATS)}
                           for k in range(rng.randint(0, 2))],
                groups=[{"name": g["name"]} for g in rng.sample(groups, rng.randint(0, 2))],
            )
            if i % 11 == 0:
                fields["state"] = "draft"
            base, _outside = dataset_dict(**fields)
            dataset = factories.Dataset(**base)
            if i % 13 == 0:
                helpers.call_action("package_delete", id=dataset["id"],
                                    context={"user": c["sysadmin"]["name"]})
            ids.append(dataset["id"])
            c.setdefault("titles", {})[dataset["id"]] = fields["title"]
        for i, pid in enumerate(ids):
            when = START + dt.timedelta(days=9 * i, minutes=37 * i)
            model.Session.execute(sa.text(
                "UPDATE package SET metadata_modified = :t WHERE id = :id"), {"t": when, "id": pid})
        model.Session.commit()
    finally:
        patch.undo()
    index_in_both(ids)
    c["labels"] = {
        "anonymous": get_permission_labels().get_user_dataset_labels(None),
        "member": get_permission_labels().get_user_dataset_labels(
            model.User.get(c["member"]["name"])),
        "sysadmin": None,
    }
    return c


def _fq(fq: str, include_private: bool, include_drafts: bool) -> str:
    """What package_search hands the query class."""
    if not include_private:
        fq = "+capacity:public " + fq
    if "+state" not in fq:
        fq += " +state:(active OR draft)" if include_drafts else " +state:(active)"
    return fq


SINCE = "2022-06-01T00:00:00Z"
# (name, params, rule): total = same ids in the same order; set = same set
# (relevance order); subset = Solr's ids within PostgreSQL's (Thai inside words)
SEARCHES = [
    ("all", {"q": "*:*", "sort": "id asc", "rows": 1000}, "total"),
    ("count only", {"q": "*:*", "rows": 0}, "total"),
    ("harvester page 1", {"q": "*:*", "rows": 100, "start": 0, "sort": "id asc"}, "total"),
    ("harvester page 2", {"q": "*:*", "rows": 100, "start": 100, "sort": "id asc"}, "total"),
    ("harvester org include", {"q": "*:*", "rows": 100, "sort": "id asc",
                               "fq": "organization:diff-org-1"}, "total"),
    # ckanext-harvest joins several included organizations with OR, unbracketed,
    # and package_search puts "+capacity:public " before it: Solr's classic parser
    # (q.op=AND) then makes both organizations optional, the filter matches every
    # dataset. The PostgreSQL search reads the two organizations (README).
    ("harvester orgs include, unbracketed",
     {"q": "*:*", "rows": 1000, "sort": "id asc",
      "fq": "organization:diff-org-1 OR organization:diff-org-2"}, "solr-ignores-or"),
    ("orgs include, bracketed", {"q": "*:*", "rows": 1000, "sort": "id asc",
                                 "fq": "(organization:diff-org-1 OR organization:diff-org-2)"},
     "total"),
    ("harvester org exclude", {"q": "*:*", "rows": 100, "sort": "id asc",
                               "fq": "-organization:diff-org-3"}, "total"),
    # a signed clause keeps its sign next to OR (Lucene's classic parser, q.op=AND)
    *[(name, {"rows": 1000, "sort": "id asc", **params}, "total") for name, params in (
        ("excluded either, OR", {"q": "*:*", "fq": "-tags:water OR -res_format:CSV"}),
        ("one and not the other, OR", {"q": "*:*", "fq": "(tags:water OR -res_format:CSV)"}),
        ("plus next to OR", {"q": "*:*", "fq": "(+tags:water OR res_format:CSV)"}),
        ("q excluded either, OR", {"q": "-tags:water OR -res_format:CSV"}))],
    ("harvester groups", {"q": "*:*", "rows": 100, "sort": "id asc",
                          "fq": "groups:diff-group-1"}, "total"),
    ("harvester window", {"q": "*:*", "rows": 100, "sort": "id asc",
                          "fq": f"metadata_modified:[{SINCE} TO *]"}, "total"),
    ("organization page", {"q": "", "rows": 20, "sort": "metadata_modified desc",
                           "fq": "owner_org:{org0}", "facet.field": FACETS,
                           "facet.limit": 50}, "total"),
    ("format", {"q": "*:*", "rows": 1000, "sort": "id asc", "fq": "res_format:CSV"}, "total"),
    ("tag", {"q": "*:*", "rows": 1000, "sort": "id asc", "fq": "tags:water"}, "total"),
    ("Thai tag", {"q": "*:*", "rows": 1000, "sort": "id asc", "fq": "tags:ป่า"}, "total"),
    # CKAN's feeds write a space after the colon (Lucene's syntax allows white
    # space on either side of it)
    ("tag feed", {"q": "*:*", "rows": 1000, "sort": "id asc", "fq": 'tags: "water"'}, "total"),
    ("organization feed", {"q": "*:*", "rows": 1000, "sort": "metadata_modified desc",
                           "fq": 'owner_org: "{org0}"'}, "total"),
    ("focus area", {"q": "*:*", "rows": 1000, "sort": "id asc",
                    "fq": "vocab_opdc_focus_areas:health"}, "total"),
    ("licence", {"q": "*:*", "rows": 1000, "sort": "id asc",
                 "fq": 'license_id:"License not specified"'}, "total"),
    ("data category", {"q": "*:*", "rows": 1000, "sort": "id asc",
                       "fq": 'data_category:"ข้อมูลสาธารณะ"'}, "total"),
    ("facets", {"q": "*:*", "rows": 0, "facet.field": FACETS, "facet.limit": 50}, "total"),
    ("newest first", {"q": "*:*", "rows": 30, "sort": "metadata_modified desc"}, "total"),
    # Solr's title_string is a plain string (code point order: "Z" before "a");
    # the PostgreSQL search sorts titles case-insensitively (README)
    ("by title", {"q": "*:*", "rows": 1000, "sort": "title_string asc"}, "title-case"),
    ("English word", {"q": "hospital", "rows": 1000}, "set"),
    ("English word, sorted", {"q": "school", "rows": 1000, "sort": "id asc"}, "total"),
    ("Thai word", {"q": "โรงเรียน", "rows": 1000}, "subset"),
    # the request limits: every search at them is answered alike
    ("facet fields at the limit", {"q": "*:*", "rows": 0, "facet.limit": -1, "facet.field": (
        FACETS + [f"vocab_zz{i}" for i in range(33)]
        + ["data_type", "geo_coverage", "update_frequency_unit", "data_source", "work_process"]
        + [f"no_such_field_{i}" for i in range(5)])}, "total"),
    ("fq_list at the limit", {"q": "*:*", "rows": 1000, "sort": "id asc", "fq_list": [
        f"-tags:zz{i}" for i in range(48)] + ["organization:diff-org-1", "-res_format:PDF"]},
     "total"),
    ("sort clauses at the limit", {"q": "*:*", "rows": 1000, "sort": (
        "owner_org asc, state asc, metadata_modified desc, name asc, title_string asc, "
        "metadata_created desc, id asc, name desc, metadata_modified asc, id desc")}, "total"),
    ("clauses at the limit", {"q": " ".join(["-tags:zz"] * 1000) + " +organization:diff-org-2",
                              "rows": 1000, "sort": "id asc",
                              "fq_list": ["-tags:zy"] * 23}, "total"),
    ("free-text q of 320 words", {"q": " ".join(ENGLISH * 40), "rows": 1000},
     "solr-refuses"),
]
ROLES = [("anonymous", False, False), ("member", True, True), ("sysadmin", True, True),
         ("sysadmin", False, False)]


@pytest.mark.parametrize("role, include_private, include_drafts", ROLES)
@pytest.mark.parametrize("name, params, rule", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_both_backends_answer_alike(catalog, name, params, rule, role, include_private,
                                    include_drafts):
    params = json.loads(json.dumps(params).replace("{org0}", catalog["orgs"][0]["id"]))
    params["fq"] = _fq(params.get("fq", ""), include_private, include_drafts)
    params["fl"] = "id"
    labels = catalog["labels"][role]
    pg_ids, pg_count, pg_facets = ask(PgPackageSearchQuery, params, labels)
    if rule == "solr-refuses":
        with pytest.raises(SearchError, match="too many nested clauses"):
            ask(PackageSearchQuery, params, labels)
        assert pg_count == len(pg_ids)
        return
    solr_ids, solr_count, solr_facets = ask(PackageSearchQuery, params, labels)
    if rule == "solr-ignores-or":
        unfiltered = dict(params, fq=_fq("", include_private, include_drafts))
        assert solr_ids == ask(PackageSearchQuery, unfiltered, labels)[0]
        assert set(pg_ids) < set(solr_ids) and pg_count < solr_count
        return
    if rule == "title-case":
        titles = catalog["titles"]
        assert solr_count == pg_count and set(solr_ids) == set(pg_ids)
        assert solr_ids == sorted(solr_ids, key=lambda i: titles[i])
        assert pg_ids == sorted(pg_ids, key=lambda i: (titles[i].casefold(), i))
        return
    if rule == "subset":
        assert set(solr_ids) <= set(pg_ids) and solr_count <= pg_count
        return
    assert solr_count == pg_count
    if rule == "set":
        assert set(solr_ids) == set(pg_ids)
    else:
        assert solr_ids == pg_ids
    if "facet.field" in params:
        assert solr_facets == pg_facets


def test_the_catalog_has_every_kind(catalog):
    """The comparison is not vacuous: private, draft and deleted datasets
    exist and the roles see different catalogs."""
    params = {"q": "*:*", "rows": 0, "fl": "id"}
    seen = {}
    for role, private, drafts in ROLES[:3]:
        query = dict(params, fq=_fq("", private, drafts))
        seen[role] = ask(PackageSearchQuery, query, catalog["labels"][role])[1]
    assert seen["anonymous"] < seen["member"] < seen["sysadmin"] < N


# one over each limit (search/limits.py): refused before either backend is asked
OVER_A_LIMIT = {
    "facet fields": ("facet.field", {"facet.field": FACETS + [
        f"vocab_zz{i}" for i in range(44)]}),
    "other facet fields": ("facet.field", {"facet.field": [
        f"no_such_field_{i}" for i in range(11)]}),
    "fq_list": ("fq_list", {"fq_list": ["-tags:zz"] * 51}),
    "sort clauses": ("sort", {"sort": ", ".join(["name asc"] * 11)}),
    "clauses": ("fq_list", {"q": " ".join(["-tags:zz"] * 1000), "fq_list": ["-tags:zy"] * 25}),
}


@pytest.mark.parametrize("backend", ["solr", "pg"])
@pytest.mark.parametrize("name", list(OVER_A_LIMIT))
def test_one_over_a_limit_is_refused_before_either_backend(catalog, cut_solr, name, backend):
    """Solr out of reach, or the PostgreSQL search watched: the refusal comes
    without the backend (each asked right after, to show it would be seen)."""
    from ckan import plugins

    from ckanext.opdc_kpi.search.limits import SearchLimitError

    parameter, params = OVER_A_LIMIT[name]
    params = dict(params, q=params.get("q", "*:*"))
    if backend == "solr":
        cut_solr()
    else:
        plugins.load("opdc_kpi_pgsearch")
    try:
        with _statements() as refused_statements:
            with pytest.raises(SearchLimitError) as refused:
                helpers.call_action("package_search", **params)
        with _statements() as answered_statements:
            if backend == "solr":
                with pytest.raises((SearchError, SolrConnectionError)):
                    helpers.call_action("package_search", q="*:*", rows=0)
            else:
                assert helpers.call_action("package_search", q="*:*", rows=0)["count"] > 0
    finally:
        if backend == "pg":
            plugins.unload("opdc_kpi_pgsearch")
    assert parameter in refused.value.error_dict
    assert "ckanext.opdc_kpi.search.max_" in " ".join(refused.value.error_dict[parameter])
    assert not any("opdc_kpi_search" in s for s in refused_statements)
    if backend == "pg":
        assert any("opdc_kpi_search" in s for s in answered_statements)


@contextlib.contextmanager
def _statements():
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(model.meta.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", record)
