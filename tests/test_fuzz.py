"""No 500 from any page or action of the extension, whatever the input.

Every route of the extension's blueprints (read from the Flask app's url_map)
and every ``opdc_kpi_*`` action through the API is first called once per
method and role, then driven by Hypothesis with generated parameters, as
anonymous, member, editor, admin, a scoped assessor and a sysadmin, with CSRF
protection on (with and without a token): the answer is below 500 and carries
no traceback.

Bounded by ``OPDC_KPI_FUZZ_EXAMPLES`` (generated requests per test; default 60,
about a minute in all) and, optionally, ``OPDC_KPI_FUZZ_SECONDS`` (a time budget
per generated test: examples after it send nothing). The seed is fixed
(``derandomize``): a run is repeatable up to the budget.
"""
from __future__ import annotations

import io
import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from ckan.tests import factories, helpers

from ckanext.opdc_kpi.logic import registry

from .factories_dga import dga_dataset_dict

EXAMPLES = int(os.environ.get("OPDC_KPI_FUZZ_EXAMPLES", "60"))
SECONDS = float(os.environ.get("OPDC_KPI_FUZZ_SECONDS", "0")) or None
ROLES = ("anonymous", "member", "editor", "admin", "assessor", "sysadmin")
BLUEPRINTS = ("opdc_kpi", "opdc_kpi_assessment", "opdc_kpi_assessors", "opdc_kpi_harvest",
              "opdc_kpi_import")
ACTIONS = sorted(name for name in registry.get_actions() if name.startswith("opdc_kpi_"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))

pytestmark = [pytest.mark.ckan_config("WTF_CSRF_ENABLED", True),
              pytest.mark.ckan_config("ckanext.opdc_kpi.public_scores", True),
              pytest.mark.usefixtures("with_plugins")]

_CATALOG: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _new_catalog_per_module():
    """The database is reset once for this module (the first test does it)."""
    _CATALOG.clear()
    yield
    _CATALOG.clear()


@pytest.fixture
def catalog(fresh_db, with_plugins):
    if _CATALOG:
        return _CATALOG
    fresh_db()
    users = {role: factories.UserWithToken() for role in ROLES[1:5]}
    users["sysadmin"] = factories.SysadminWithToken()
    org = factories.Organization(focus_areas=["tourism"], users=[
        {"name": users[role]["name"], "capacity": role} for role in ("member", "editor", "admin")])
    other = factories.Organization()
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="open-one",
                                         mission="ภารกิจ", work_process="กระบวนการ"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="secret-one", private=True))
    factories.Dataset(**dga_dataset_dict(owner_org=other["id"], name="elsewhere"))
    sysadmin_context = {"user": users["sysadmin"]["name"], "ignore_auth": False}
    helpers.call_action("opdc_kpi_assessor_create", sysadmin_context,
                        user=users["assessor"]["name"], organizations=[org["name"]])
    record = helpers.call_action("opdc_kpi_confirmation_create", sysadmin_context,
                                 id=org["id"], fiscal_year=2565, criterion="catalog")
    _CATALOG.update(users=users, org=org, other=other, record=record["id"])
    return _CATALOG


# --- generated input ---------------------------------------------------------------

TEXT = st.one_of(
    st.sampled_from(["", " ", "2565", "2566", "99999", "-1", "2400", "0", "abc", "1e9",
                     "2565.5", "true", "csv", "xlsx", "pdf", "score", "name", "desc",
                     "confirm", "override", "catalog", "basic", "use", "open-one",
                     "secret-one", "\x00", "%00", "../../etc/passwd", "=1+1", "ข้อมูล",
                     "9" * 400]),
    st.text(max_size=40))
QUERY_KEYS = ("year", "format", "sort", "dir", "live", "page", "id", "q", "lang")
FORM_KEYS = ("fiscal_year", "criterion", "dataset", "action", "value", "note", "user",
             "parts", "organizations", "remove", "run", "year", "focus_area", "mission",
             "work_process")
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
              TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["id", "x"]), inner, max_size=2)),
    max_leaves=6)
ACTION_KEYS = ("id", "fiscal_year", "public_only", "live", "organization", "organizations",
               "user", "parts", "criterion", "dataset", "action", "value", "note", "as_user",
               "since", "record", "current_only", "unknown")


def _pairs(keys):
    """Query or form fields: some keys, each once or repeated, with text values."""
    return st.lists(st.tuples(st.sampled_from(keys), TEXT), max_size=6)


def _ids(catalog):
    return st.one_of(st.sampled_from([catalog["org"]["name"], catalog["org"]["id"],
                                      catalog["other"]["name"], catalog["record"],
                                      "no-such-thing"]), TEXT.filter(lambda t: "/" not in t))


# --- the calls --------------------------------------------------------------------------

def _budget():
    """A callable telling whether the time budget is spent (never without one)."""
    deadline = time.monotonic() + SECONDS if SECONDS else None
    return lambda: deadline is not None and time.monotonic() > deadline


def _routes(app):
    rules = [rule for rule in app.flask_app.url_map.iter_rules()
             if rule.endpoint.split(".")[0] in BLUEPRINTS]
    assert {rule.endpoint.split(".")[0] for rule in rules} == set(BLUEPRINTS)
    return [(rule, method) for rule in sorted(rules, key=lambda r: r.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def _headers(catalog, role, session=False):
    """An API token header, or none: anonymous, or logged in by the session
    cookie (CKAN checks CSRF tokens only then)."""
    user = catalog["users"].get(role)
    return {"Authorization": user["token"]} if user and not session else {}


#: CKAN 2.12's test app keeps one client and can log a user in by the session
#: cookie; 2.11's makes a new client per request and cannot, so there the
#: session-login variants are not run (API tokens and anonymous are).
SESSIONS = hasattr(__import__("ckan.tests.helpers", fromlist=["CKANTestApp"]).CKANTestApp,
                   "set_session_user")


def _client(app):
    return app.client if SESSIONS else app.test_client()


def _log_in(app, catalog, role, session):
    if SESSIONS:
        user = catalog["users"].get(role)
        app.set_session_user(user["id"] if user and session else None)


def _csrf_token(app, catalog, role, session) -> str:
    page = _client(app).get(f"/organization/{catalog['org']['name']}/kpi",
                          headers=_headers(catalog, role, session))
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    return found.group(1) if found else ""


def _assert_no_500(response, what):
    # a download (the workbook template) is bytes: read what text it has
    body = response.get_data().decode("utf-8", "replace")
    assert response.status_code < 500, (what, response.status_code, body[:2000])
    assert "Traceback (most recent call last)" not in body, (what, body[:2000])


def _request(app, catalog, role, rule, method, ids, query, form, upload, token,
             session=False):
    _log_in(app, catalog, role, session)
    url = rule.build({name: ids.get(name, "x") for name in rule.arguments},
                     append_unknown=False)[1]
    data = [(k, v) for k, v in form]
    if method == "POST":
        if token:
            data.append(("_csrf_token", _csrf_token(app, catalog, role, session)))
        if upload is not None:
            data.append(("workbook", (io.BytesIO(upload), "upload.xlsx")))
    response = _client(app).open(url, method=method, query_string=list(query),
                               data=MultiDict(data) if method == "POST" else None,
                               headers=_headers(catalog, role, session),
                               follow_redirects=False)
    _assert_no_500(response, (role, method, url, query, form))


def test_every_route_once_per_role_and_method(app, catalog):
    ids = {"id": catalog["org"]["name"], "record_id": catalog["record"], "job_id": "no-job"}
    for rule, method in _routes(app):
        for role in ROLES:
            variants = ((False, False), (True, True), (False, True)) if method == "POST" \
                else ((False, False),)
            variants = [v for v in variants if SESSIONS or not v[1]]
            for token, session in variants:
                _request(app, catalog, role, rule, method, ids, [("year", "2565")], [],
                         None, token, session)


def test_routes_with_generated_input(app, catalog):
    routes = _routes(app)
    spent = _budget()

    @FUZZ
    @given(role=st.sampled_from(ROLES), route=st.sampled_from(routes),
           id_=_ids(catalog), other_id=_ids(catalog), query=_pairs(QUERY_KEYS),
           form=_pairs(FORM_KEYS), upload=st.one_of(st.none(), st.binary(max_size=64)),
           token=st.booleans(), session=st.booleans() if SESSIONS else st.just(False))
    def run(role, route, id_, other_id, query, form, upload, token, session):
        if spent():
            return
        rule, method = route
        ids = {"id": id_, "record_id": other_id, "job_id": other_id}
        _request(app, catalog, role, rule, method, ids, query, form, upload, token, session)

    run()


def _call(app, catalog, role, action, body):
    _log_in(app, catalog, role, False)
    response = app.post(f"/api/3/action/{action}", json=body,
                        headers=_headers(catalog, role))
    _assert_no_500(response, (role, action, body))
    return response


def test_every_action_once_per_role(app, catalog):
    for action in ACTIONS:
        for role in ROLES:
            for body in ({}, {"id": catalog["org"]["name"], "fiscal_year": 2565},
                         {"id": catalog["record"]}):
                _call(app, catalog, role, action, body)


def test_actions_with_generated_input(app, catalog):
    spent = _budget()

    @FUZZ
    @given(role=st.sampled_from(ROLES), action=st.sampled_from(ACTIONS),
           body=st.dictionaries(st.sampled_from(ACTION_KEYS),
                                st.one_of(JSON_VALUE, _ids(catalog)), max_size=5))
    def run(role, action, body):
        if not spent():
            _call(app, catalog, role, action, body)

    run()
