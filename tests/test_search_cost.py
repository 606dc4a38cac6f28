"""What a search costs the PostgreSQL search, whatever a caller puts in it.

- A facet on a field no stored dataset has is answered empty without reading
  one dataset's document (the TOASTed ``fields``: the transaction's TOAST
  block reads do not move); a field some datasets have keeps its counts (and
  does read them: the measure can fail).
- The cost test: Hypothesis builds hostile ``package_search`` requests (API)
  and page requests (``/dataset``, an organization's page) inside CKAN's
  input limits and this site's request limits: many facet fields (unknown,
  ``vocab_*``, fields some datasets have, repeated), ``fq_list`` entries,
  clauses in ``q``/``fq`` (negations, ranges with date math, wildcards,
  phrases, groups, words), sort clauses, facet filters on the pages. Each is
  sent with one element and with k elements chosen so the answer is the same
  (every element excludes nothing, or each alone already excludes
  everything): the number of SQL statements the whole request runs (counted
  with SQLAlchemy's ``before_cursor_execute``) is the same, and the request
  with k elements takes at most 30 times a plain ``*:*`` search of the same
  surface (each the median of 3, measured side by side). On this catalog of
  eight datasets ``*:*`` through the API takes ~8 ms, and 1,024 terms are
  1,024 index lookups in two statements (the count and the page's ids),
  ~100-170 ms here; a cost that grows with the catalog or repeats per field
  goes far past the bound (a facet statement per field: 2,000 unknown fields
  were 4,006 statements).

``OPDC_KPI_COST_EXAMPLES`` sets the generated requests, spread over the nine
kinds of request (default 18: two of each; CI's lane 1 runs more). The seed
is fixed (``derandomize``).
"""
from __future__ import annotations

import contextlib
import os
import random
import statistics
import time

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import ckan.model as model
import ckan.plugins as plugins
from ckan.tests import factories

from ckanext.opdc_kpi.search.clauses import count_clauses
from ckanext.opdc_kpi.search.fields import is_facet_field
from ckanext.opdc_kpi.search.limits import LIMITS, excesses
from tests.pgsearch_support import make_dataset, search

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]

EXAMPLES = int(os.environ.get("OPDC_KPI_COST_EXAMPLES", "18"))
TIME_FACTOR = 30
DEFAULTS = {limit: default for limit, (_key, default) in LIMITS.items()}
PAGE_FACETS = ["organization", "groups", "tags", "res_format", "license_id"]
# fields of the document (not facet fields, whose counts the bitmaps can give)
DOCUMENT_FIELDS = ["maintainer", "update_frequency_unit", "objective", "geo_coverage", "num_resources",
                   "kpi_years", "notes", "mission", "work_process", "data_source"]


def _noise(rng: random.Random, n: int) -> str:
    """Text that does not compress: the dataset's document is stored out of
    the row (TOAST), as a real dataset's ~2 kB document is."""
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(n))


@pytest.fixture(scope="module")
def catalog(fresh_db):
    """Two organizations, eight datasets with long notes (their documents in
    TOAST), tags, formats and maintainers."""
    plugins.load_all()
    fresh_db()
    rng = random.Random(26)
    orgs = [factories.Organization(name=f"cost-org-{k}") for k in range(2)]
    for i in range(8):
        make_dataset(name=f"cost-dataset-{i}", owner_org=orgs[i % 2]["id"],
                     title=f"Cost dataset {i}", notes=_noise(rng, 6000),
                     tag_string=["water", "road", "school"][i % 3],
                     maintainer=f"Maintainer {i % 3}",
                     resources=[{"url": f"https://x.org/{i}.csv",
                                 "format": ["CSV", "PDF"][i % 2]}])
    model.Session.commit()
    # the planner's statistics of this catalog, as autovacuum keeps them on a
    # site: left from an earlier test's one-row table, they made the keys'
    # lookup scan every row and read its document (160 TOAST blocks here)
    model.Session.execute(sa.text("ANALYZE opdc_kpi_search"))
    model.Session.commit()
    return {"orgs": orgs}


def _toast_reads() -> int:
    return model.Session.execute(sa.text(
        "SELECT pg_stat_get_xact_blocks_fetched(reltoastrelid) FROM pg_class "
        "WHERE relname = 'opdc_kpi_search'")).scalar()


def _facets(fields):
    before = _toast_reads()
    with _counted() as statements:
        result = search(q="*:*", rows=0, **{"facet.field": fields, "facet.limit": -1})
    reads = _toast_reads() - before
    if reads:  # what read them, shown with the failure
        print("statements:", *(" ".join(s.split())[:400] for s in statements), sep="\n  ")
        print("table and indexes:", *model.Session.execute(sa.text(
            "SELECT c.relname, c.relpages, c.reltuples FROM pg_class AS c "
            "WHERE c.relname LIKE 'opdc_kpi_search%'")), sep="\n  ")
    return result["facets"], reads


def test_a_facet_field_no_dataset_has_is_answered_without_reading_documents(catalog):
    unknown = [f"no_such_field_{i}" for i in range(10)]
    facets, reads = _facets(PAGE_FACETS + unknown)
    assert all(facets[f] == {} for f in unknown)
    assert facets["tags"] == {"water": 3, "road": 3, "school": 2}
    assert reads == 0
    # a field some datasets have keeps its counts, and is read: the measure
    # above can fail
    facets, reads = _facets(["maintainer", "no_such_field"])
    assert facets["maintainer"] == {"Maintainer 0": 3, "Maintainer 1": 3, "Maintainer 2": 2}
    assert facets["no_such_field"] == {}
    assert reads > 0


# --- many terms of one kind as one condition (search/grouping.py) ---------------

TERMS = ["tags:water", "tags:road", "tags:zz", "res_format:CSV", "res_format:ZZ",
         'maintainer:"Maintainer 1"', "maintainer:zz", "maintainer:*", "extras_zz:*",
         "cost", "dataset", "zzword", "title:Cost", "organization:cost-org-0",
         "num_tags:[1 TO 5]", "name:cost-dataset-3", "ab"]
CLAUSE = st.builds(lambda sign, terms: sign + (terms[0] if len(terms) == 1 else
                                               "(" + " OR ".join(terms) + ")"),
                   st.sampled_from(["", "-", "+"]),
                   st.lists(st.sampled_from(TERMS), min_size=1, max_size=3))


def _ids(where: list[str], params: dict) -> set[str]:
    rows = model.Session.execute(sa.text(
        "SELECT id FROM opdc_kpi_search WHERE " + " AND ".join(f"({w})" for w in where)), params)
    return {r[0] for r in rows}


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(q=st.lists(CLAUSE, min_size=1, max_size=6).map(" ".join),
       fqs=st.lists(st.lists(CLAUSE, min_size=1, max_size=3).map(" ".join), max_size=3))
def test_grouped_terms_answer_as_term_by_term(catalog, q, fqs):
    from ckanext.opdc_kpi.search import grouping, parser, sql

    nodes = [parser.parse(text) for text in [q, *fqs]]
    one_by_one = sql.Condition()
    expected = _ids([one_by_one.build(node) for node in nodes], one_by_one.params)
    grouped = grouping.Condition()
    assert _ids(grouped.build_conjunction(nodes), grouped.params) == expected


# --- the cost test ----------------------------------------------------------------

# Each element: i -> (excludes nothing, alone excludes everything)
ELEMENTS = {
    "tag": lambda i: (f"-tags:zz{i}", f"tags:zz{i}"),
    "document word": lambda i: (f"-maintainer:zz{i}", f"maintainer:zz{i}"),
    "document range": lambda i: (f"-num_tags:[10{i} TO *]", f"num_tags:[10{i} TO *]"),
    "date math": lambda i: (f"-metadata_modified:[NOW+{i + 1}DAYS/DAY TO *]",
                            f"metadata_modified:[NOW+{i + 1}DAYS/DAY TO *]"),
    "wildcard": lambda i: (f"-title:zzq{i}*", f"title:zzq{i}*"),
    "unknown key": lambda i: (f"-extras_zz{i}:*", f"extras_zz{i}:*"),
    "word": lambda i: (f"-zzword{i}", f"zzword{i}"),
    "phrase": lambda i: (f'-"zz phrase {i}"', f'"zz phrase {i}"'),
    "group": lambda i: (f"-(tags:zz{i} OR res_format:ZZ{i})", f"(tags:zz{i} OR res_format:ZZ{i})"),
}
SORTS = ["name asc", "metadata_modified desc", "title_string asc", "id desc",
         "metadata_created asc", "score desc", "views_recent desc", "name desc"]


def _clauses(kinds: list[str], k: int, everything: bool, budget: int = 1024,
             length: int = 9_950) -> list[str]:
    """Up to ``k`` elements within the clause budget and the length a query
    string may have (10,000 characters once package_search has added its
    ``+capacity:public`` and ``+state:`` to ``fq``)."""
    out: list[str] = []
    used = 0
    for i in range(k):
        element = ELEMENTS[kinds[i % len(kinds)]](i)[0 if everything else 1]
        cost = count_clauses(element)
        if used + cost > budget or len(" ".join(out + [element])) > length:
            break
        out.append(element)
        used += cost
    return out


DIMENSIONS = ["facet.field", "fq_list", "q", "fq", "sort", "page q", "page facets",
              "page sort", "organization page q"]


@st.composite
def hostile(draw, dimension, organization):
    """``(surface, build, size)``: ``build(n)`` is the request with its first
    n elements, ``size`` the most it has; ``surface`` "api" or a page path."""
    kinds = draw(st.lists(st.sampled_from(sorted(ELEMENTS)), min_size=1, max_size=4))
    everything = draw(st.booleans())
    if dimension == "facet.field":
        others = draw(st.lists(st.sampled_from(
            [f"zz_unknown_{i}" for i in range(10)] + DOCUMENT_FIELDS), min_size=1, max_size=10,
            unique=True))
        fields = others + [f"vocab_zz{i}" for i in range(draw(st.integers(0, 35)))]
        if draw(st.booleans()):
            fields = [f for f in fields for _ in (0, 1)]  # each one twice
        return "api", lambda n: {"q": "*:*", "facet.field": PAGE_FACETS + fields[:n],
                                 "facet.limit": -1}, len(fields)
    if dimension == "fq_list":
        entries = _clauses(kinds, 50, everything)
        return "api", lambda n: {"q": "*:*", "fq_list": entries[:n]}, len(entries)
    if dimension in ("q", "fq"):
        # a q with no colon is read as dismax (only excluded words: nothing
        # matches) and one with a colon as Lucene (excluded: from everything),
        # as on Solr: the first element has a colon when any has one, so the
        # one-element request is read as the whole one is
        kinds.sort(key=lambda kind: ":" not in ELEMENTS[kind](0)[0])
        clauses = _clauses(kinds, draw(st.integers(2, 1024)), everything)
        return "api", lambda n: {dimension: " ".join(clauses[:n])}, len(clauses)
    if dimension == "sort":
        sorts = draw(st.lists(st.sampled_from(SORTS), min_size=2, max_size=10))
        return "api", lambda n: {"q": "water", "sort": ", ".join(sorts[:n])}, len(sorts)
    if dimension in ("page q", "organization page q"):
        words = [(f"-zzword{i}" if everything else f"zzword{i}") for i in range(
            draw(st.integers(2, 1000)))]
        while len(" ".join(words)) > 9_950:  # the PostgreSQL search's longest q
            words.pop()
        path = "/dataset/" if dimension == "page q" else f"/organization/{organization}"
        return path, lambda n: [("q", " ".join(words[:n]))], len(words)
    if dimension == "page facets":  # each a filter the page adds to fq
        values = [(draw(st.sampled_from(["tags", "res_format", "license_id", "groups"])),
                   f"zz{i}") for i in range(draw(st.integers(2, 300)))]
        return "/dataset/", lambda n: values[:n], len(values)
    sorts = draw(st.lists(st.sampled_from(SORTS), min_size=2, max_size=10))
    return "/dataset/", lambda n: [("sort", ", ".join(sorts[:n]))], len(sorts)


@contextlib.contextmanager
def _counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(model.meta.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", count)


def _request(app, surface, params):
    if surface == "api":
        return app.post("/api/3/action/package_search", json=params)
    return app.get(surface, query_string=params)


def _statements(app, surface, params) -> tuple[int, int]:
    with _counted() as statements:
        response = _request(app, surface, params)
    assert response.status_code == 200, (surface, response.get_data(as_text=True)[:400])
    return len(statements), response


def _median_seconds(app, surface, params) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        _request(app, surface, params)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.mark.parametrize("dimension", DIMENSIONS)
@settings(max_examples=max(2, EXAMPLES // len(DIMENSIONS)), derandomize=True, deadline=None,
          database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_requests_statements_and_time_do_not_grow_with_its_size(app, catalog, dimension,
                                                                   data):
    assert not any(is_facet_field(f) for f in DOCUMENT_FIELDS)
    surface, build, size = data.draw(hostile(dimension, catalog["orgs"][0]["name"]))
    largest = build(size)
    note(repr(largest)[:600])  # shown with a failing example
    if surface == "api":  # inside the site's limits: the request is accepted
        assert excesses(largest, DEFAULTS) == []
    _request(app, surface, build(1))  # caches warmed (licences, templates)
    one, small = _statements(app, surface, build(1))
    many, large = _statements(app, surface, largest)
    if surface == "api":  # the elements change no answer
        assert small.json["result"]["count"] == large.json["result"]["count"]
    assert many == one, f"{surface}: {one} statements with 1 element, {many} with {size}"
    plain = {"q": "*:*"} if surface == "api" else []
    bound = TIME_FACTOR * _median_seconds(app, surface, plain)
    took = _median_seconds(app, surface, largest)
    assert took <= bound, f"{surface} with {size}: {took:.3f} s > {bound:.3f} s"
