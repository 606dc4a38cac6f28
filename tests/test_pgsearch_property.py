"""Properties of the PostgreSQL search: whatever q, fq, sort or facet.field
a client sends, it answers with results or a SearchQueryError (HTTP 400),
never another error (HTTP 500, or 409 from a failed statement); and what it
answers holds: every result is one the caller may see, in the order asked,
the page is the slice of the whole answer, and the counts agree."""
import json
import os

import pytest
from hypothesis import HealthCheck, assume, event, given, settings, strategies as st

import ckan.plugins as plugins
from ckan.lib.search.common import SearchQueryError
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.search.limits import SearchLimitError

from tests.pgsearch_support import make_dataset

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]
SETTINGS = settings(max_examples=int(os.environ.get("PGSEARCH_EXAMPLES", 120)), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

PIECES = st.sampled_from(
    list('()[]{}":\\*?+-!^~&|/ ') + ["AND", "OR", "NOT", " TO ", "TO", "*:*", "&&", "||",
    "title:", "tags:", "name:", "organization:", "metadata_modified:", "metadata_created:",
    "num_resources:", "capacity:", "state:", "focus_area:", "data_category:", "text:",
    "res_format:", "permission_labels:", "_val_:", "{!", "NOW", "NOW-1DAY", "/DAY",
    "2022-01-01T00:00:00.123456Z", "2022-13-45", "1e999", "99999999999999999999999999999999",
    "ข้อมูล", "น้ำ", "ํา", "water", "x", "é", "\x00", "\ud800", "\u200b", "%", "_", "'", ";"])
QUERY = st.one_of(st.text(max_size=40), st.lists(PIECES, max_size=16).map("".join))
SORT = st.one_of(st.text(max_size=30), st.lists(st.sampled_from(
    ["score", "name", "id", "title_string", "metadata_modified", "nosuch", " asc", " desc",
     ",", " ", "ASC", "DESC"]), max_size=6).map("".join))


@pytest.fixture(scope="module")
def catalog(fresh_db):
    plugins.load_all()
    try:
        fresh_db()
        member = factories.User(name="prop-member")
        org = factories.Organization(name="prop-org", users=[
            {"name": member["name"], "capacity": "member"}])
        other = factories.Organization(name="prop-other")
        made = [
            make_dataset(owner_org=org["id"], title="สถิติข้อมูลน้ำฝน", tag_string="water,ฝน",
                         focus_area="environment"),
            make_dataset(owner_org=org["id"], title="Water (rivers) 100% _done_", private=True),
            make_dataset(owner_org=org["id"], title="ข้อมูลน้ำบาดาล water wells"),
            make_dataset(owner_org=other["id"], title="Other water, private", private=True),
            make_dataset(owner_org=other["id"], title="สถิติการท่องเที่ยว"),
            make_dataset(owner_org=other["id"], title="Draft water", state="draft"),
        ]
        yield {"org": org, "other": other, "member": member,
               "sysadmin": factories.Sysadmin(), "datasets": made}
    finally:
        plugins.unload_all()


@pytest.mark.usefixtures("catalog")
@SETTINGS
@given(q=QUERY, fq=QUERY)
def test_action_gives_results_or_a_search_query_error(q, fq):
    try:
        result = helpers.call_action("package_search", q=q, fq=fq,
                                     **{"facet.field": ["tags", "focus_area", "name"]})
    except SearchQueryError:
        event("400")
        return
    except SearchLimitError:   # a documented limit (README, "Request limits"): 409
        event("409 limit")
        return
    event("answered")
    assert result["count"] >= len(result["results"])


@pytest.mark.usefixtures("catalog")
@SETTINGS
@given(sort=SORT, facet=st.lists(st.text(max_size=12), max_size=3),
       limit=st.integers(-5, 5), mincount=st.integers(0, 3))  # CKAN refuses < 0
def test_sort_and_facets_give_results_or_a_search_query_error(sort, facet, limit, mincount):
    try:
        helpers.call_action("package_search", sort=sort, **{
            "facet.field": facet, "facet.limit": limit, "facet.mincount": mincount})
    except (SearchQueryError, SearchLimitError):
        pass


@pytest.mark.usefixtures("catalog")
@SETTINGS
@given(q=QUERY, fq=QUERY, sort=st.one_of(st.none(), SORT))
def test_http_answers_200_400_or_a_limits_409(app, q, fq, sort):
    for value in (q, fq, sort or ""):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            assume(False)  # no HTTP client can send a lone surrogate
    params = {"q": q, "fq": fq, "facet.field": json.dumps(["tags", "res_format"])}
    if sort is not None:
        params["sort"] = sort
    response = app.get("/api/3/action/package_search", query_string=params,
                       expect_errors=True)
    assert response.status_code in (200, 400, 409), (response.status_code, response.body[:300])
    event(str(response.status_code))
    if response.status_code == 400:
        assert response.json["error"]["__type"] == "Search Query Error"
    if response.status_code == 409:  # only a request limit (README, "Request limits")
        error = response.json["error"]
        assert error["__type"] == "Validation Error", error
        assert "ckanext.opdc_kpi.search." in json.dumps(error, ensure_ascii=False), error


TOTAL_SORTS = ["name asc", "name desc", "id asc", "id desc"]
ROLES = ("anonymous", "member", "sysadmin")


def _may_see(dataset, role, catalog, include_private):
    """What CKAN lets each role find: active datasets only (no drafts asked
    for), private ones with include_private to the organization's members
    and sysadmins."""
    if dataset["state"] != "active":
        return False
    if not dataset["private"]:
        return True
    if not include_private or role == "anonymous":
        return False
    return role == "sysadmin" or dataset["owner_org"] == catalog["org"]["id"]


def _ordered(results, sort):
    field, direction = sort.split()
    values = [r[field] for r in results]
    return values == sorted(values, reverse=direction == "desc")


@SETTINGS
@given(q=st.one_of(st.sampled_from(["", "*:*", "water", "ข้อมูล", "น้ำ", "สถิติ", "title:water",
                                    "water OR สถิติ", "-water", "organization:prop-org"]),
                   QUERY),
       sort=st.sampled_from(TOTAL_SORTS + ["metadata_modified desc", "metadata_modified asc"]),
       role=st.sampled_from(ROLES), include_private=st.booleans(),
       rows=st.integers(0, 4), start=st.integers(0, 5))
def test_results_are_visible_ordered_and_counted(catalog, q, sort, role, include_private,
                                                 rows, start):
    context = {"user": "" if role == "anonymous" else catalog[role]["name"],
               "ignore_auth": False}
    search = lambda **page: helpers.call_action(  # noqa: E731
        "package_search", dict(context), q=q, sort=sort, include_private=include_private,
        **page)
    try:
        whole = search(rows=1000)
    except SearchQueryError:
        event("400")
        return
    except SearchLimitError:   # e.g. more than 8 words of one or two characters: 409
        event("409 limit")
        return
    event("answered")
    by_id = {d["id"]: d for d in catalog["datasets"]}
    ids = [r["id"] for r in whole["results"]]
    # every result is one of the catalog's, once, and the caller may see it
    assert len(ids) == len(set(ids)) and set(ids) <= set(by_id)
    assert all(_may_see(by_id[i], role, catalog, include_private) for i in ids), ids
    if q in ("", "*:*"):   # everything: each dataset the caller may see, none missing
        assert set(ids) == {i for i, d in by_id.items()
                            if _may_see(d, role, catalog, include_private)}
    # the counts agree with what came back
    assert whole["count"] == len(ids)
    # in the order asked
    assert _ordered(whole["results"], sort), (sort, ids)
    # a page is the slice of the whole answer (a total order), with the same count
    page = search(rows=rows, start=start)
    assert page["count"] == whole["count"]
    if sort in TOTAL_SORTS:
        assert [r["id"] for r in page["results"]] == ids[start:start + rows]
    else:
        assert len(page["results"]) == len(ids[start:start + rows])
