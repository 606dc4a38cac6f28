"""A search the backend refuses is a 400 on CKAN's search pages, in both
search modes, never a 500.

CKAN's organization and group pages catch the search's ``SearchError`` but
then render without ``search_facets`` (``ckan/views/group.py``), so every
refused ``q`` (``title:(``, a ``q`` over the PostgreSQL search's 10,000
characters, a Solr syntax error) raised ``UndefinedError``: a 500. The
dataset search page answered 400 on the PostgreSQL search and a 200 notice
on Solr (CKAN read Solr's 400 as any search failure)."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from .factories_dga import dga_dataset_dict
from .plugins import SOLR

BAD = "title:("
# one word past the PostgreSQL search's 10,000 characters (Solr searches it)
LONG = "title:" + "x" * 10_000


@pytest.fixture(scope="module")
def site(fresh_db):
    from ckan import plugins

    plugins.load_all()
    fresh_db()
    org = factories.Organization(name="refused-org")
    group = factories.Group(name="refused-group")
    factories.Dataset(**dict(dga_dataset_dict(owner_org=org["id"], name="refused-one"),
                             groups=[{"name": "refused-group"}]))
    return {"org": org, "group": group}


PAGES = {
    "organization": "/organization/refused-org",
    "group": "/group/refused-group",
    "dataset search": "/dataset/",
}


# one test per behaviour, every page in it (each test's app costs seconds)
@pytest.mark.usefixtures("with_plugins")
def test_an_unparsable_q_is_a_400_naming_the_problem(app, site):
    for page, path in PAGES.items():
        body = app.get(path, query_string={"q": BAD}, status=400).get_data(as_text=True)
        assert "Invalid search query" in body, page
        # the reason, not the search's internals (the query sent to Solr, labels)
        assert "title:(" in body and "permission_labels" not in body, page
        # the page itself answers a good query
        assert "refused-one" in app.get(path, query_string={"q": "title:*"},
                                        status=200).get_data(as_text=True), page
    for page in ("organization", "group"):
        body = app.get("/th" + PAGES[page], query_string={"q": BAD},
                       status=400).get_data(as_text=True)
        assert "คำค้นไม่ถูกต้อง" in body, page


@pytest.mark.usefixtures("with_plugins")
def test_a_q_over_the_postgresql_searchs_length_is_a_400_there(app, site):
    for path in PAGES.values():
        response = app.get(path, query_string={"q": LONG}, status=200 if SOLR else 400)
        if not SOLR:
            assert "10000 characters" in response.get_data(as_text=True), path


@pytest.mark.usefixtures("with_plugins")
def test_the_api_answers_a_search_query_error_in_both_modes(app, site):
    """Solr's 400 is CKAN's ``Search Query Error`` (400), as on the PostgreSQL
    search, not a ``Search Error`` (409, what a failing backend gets)."""
    response = app.get("/api/3/action/package_search", query_string={"q": BAD}, status=400)
    error = response.json["error"]
    assert error["__type"] == "Search Query Error"
    assert "permission_labels" not in error["message"]


# ~150 words of free text meet Solr's maxClauseCount (dismax over five
# fields, each word split again): Solr answers 500, not a refusal
MANY_WORDS = " ".join(f"word{i}" for i in range(320))


@pytest.mark.usefixtures("with_plugins")
def test_a_search_that_fails_otherwise_is_a_503_with_a_notice_not_a_500(app, site):
    for page in ("organization", "group"):
        response = app.get(PAGES[page], query_string={"q": MANY_WORDS},
                           status=503 if SOLR else 200)
        if SOLR:
            assert "Try a more specific search" in response.get_data(as_text=True), page


def test_solrs_reason_is_read_only_from_its_400_answer():
    import pysolr
    from ckan.lib.search.common import SearchError

    from ckanext.opdc_kpi.search.refusals import solr_refusal

    def raised(solr_message):
        try:
            try:
                raise pysolr.SolrError(solr_message)
            except pysolr.SolrError:
                raise SearchError("SOLR returned an error running query: {'fq': ...}")
        except SearchError as error:
            return error

    assert solr_refusal(raised(
        "Solr responded with an error (HTTP 400): [Reason: org.apache.solr.search."
        "SyntaxError: Cannot parse 'title:(': Encountered \"<EOF>\" at line 1, column 7.\n"
        "Was expecting one of: ...]")) == (
        "Cannot parse 'title:(': Encountered \"<EOF>\" at line 1, column 7.")
    assert solr_refusal(raised("Solr responded with an error (HTTP 500): [Reason: x]")) is None
    assert solr_refusal(raised("Failed to connect to server at http://x: refused")) is None
    assert solr_refusal(SearchError("the PostgreSQL search failed")) is None


# over the limits of search/limits.py, read on every backend (1,025 words of
# free text are 1,025 clauses; 11 sort clauses)
OVER_LIMITS = {
    "clauses": ({"q": " ".join(f"w{i}" for i in range(1025))},
                "ckanext.opdc_kpi.search.max_clauses"),
    "sort": ({"sort": ", ".join(["name asc"] * 11)},
             "ckanext.opdc_kpi.search.max_sort_clauses"),
}


@pytest.mark.usefixtures("with_plugins")
def test_a_group_page_over_a_search_limit_is_a_400_naming_it(app, site):
    for params, key in OVER_LIMITS.values():
        for page in ("organization", "group"):
            for lang in ("", "/th"):
                body = app.get(lang + PAGES[page], query_string=params,
                               status=400).get_data(as_text=True)
                assert key in body, (page, lang)
                if lang:
                    assert "มากเกินไป" in body, page
