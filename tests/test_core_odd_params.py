"""CKAN core pages that answered 500 to parameters any caller can send are a
clean 4xx (the extension's ``views/core_params.py``; CKAN is not edited).

Found by the security review of issue 26 on CKAN 2.12.0 and 2.11.6: the
``/api/<ver>/util/.../autocomplete`` views pass ``limit`` to their action
unchecked (``limit=x``: ValueError, ``limit=-1``: PostgreSQL refuses a
negative LIMIT); ``/dataset/new`` fills its form from the query string, which it cannot
always unflatten (``groups__0=x``) and whose list fields it reads as lists
of dicts (``tags=x``);
``/dataset/changes_multiple`` calls ``activity_show`` with whatever
``new_id``/``old_id`` it gets and lets its errors through; the resource edit
form shows ``resource_show`` of any resource id under a dataset the user may
edit, and lets its NotAuthorized through when the resource belongs to a
private dataset of another organization.
"""
from __future__ import annotations

import pytest

from ckan.tests import factories

from tests.factories_dga import dga_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

AUTOCOMPLETES = ("dataset/autocomplete", "tag/autocomplete", "resource/format_autocomplete",
                 "user/autocomplete", "group/autocomplete", "organization/autocomplete")


@pytest.fixture
def catalog():
    editor_a = factories.UserWithToken()
    editor_b = factories.UserWithToken()
    org_a = factories.Organization(users=[{"name": editor_a["name"], "capacity": "editor"}])
    org_b = factories.Organization(users=[{"name": editor_b["name"], "capacity": "editor"}])
    private = dga_dataset(owner_org=org_a["id"], name="odd-a-private", private=True,
                          resources=[{"name": "r", "url": "https://example.go.th/a.csv"}])
    own = dga_dataset(owner_org=org_b["id"], name="odd-b-own",
                      resources=[{"name": "r", "url": "https://example.go.th/b.csv"}])
    return {"editor_a": editor_a, "editor_b": editor_b, "private": private, "own": own}


def _get(app, url, user=None, **params):
    headers = {"Authorization": user["token"]} if user else {}
    return app.get(url, query_string=params, headers=headers, expect_errors=True)


def test_autocomplete_limits_that_are_not_counts_are_a_400(app, catalog):
    for path in AUTOCOMPLETES:
        for ver, limit in (("/api/2", "x"), ("/api/2", "-1"), ("/api/2", "99999999"),
                           ("/api", "1e3")):
            response = _get(app, f"{ver}/util/{path}", catalog["editor_b"],
                            q="a", incomplete="a", limit=limit)
            assert response.status_code == 400, (path, ver, limit, response.status_code)
            assert "limit" in response.get_data(as_text=True), (path, limit)
        # a count still works
        assert _get(app, f"/api/2/util/{path}", catalog["editor_b"], q="a",
                    incomplete="a", limit="3").status_code == 200, path


def test_new_dataset_form_with_a_query_ckan_cannot_read_is_a_400(app, catalog):
    user = catalog["editor_b"]
    for query in ("groups__0=x", "tags=x", "tags__x__name=y", "resources=x", "groups=x",
                  "groups=x&groups=y"):
        response = app.get("/dataset/new?" + query, headers={"Authorization": user["token"]},
                           expect_errors=True)
        assert response.status_code == 400, (query, response.status_code)
    thai = app.get("/th/dataset/new?tags=x", headers={"Authorization": user["token"]},
                   status=400).get_data(as_text=True)
    assert "tags: ต้องเป็นรายการ" in thai
    # the form with a group or a tag given the way CKAN's pages give them still works
    for query in ("groups__0__id=x", "group=x", "tags__0__name=x", "title=x"):
        assert app.get("/dataset/new?" + query, headers={"Authorization": user["token"]}
                       ).status_code == 200, query


def _activities(dataset):
    """The dataset's activity ids, newest first (the site user's too, which
    package_activity_list hides)."""
    from ckan import model
    from ckanext.activity.model import Activity

    return [a.id for a in model.Session.query(Activity).filter_by(object_id=dataset["id"])
            .order_by(Activity.timestamp.desc())]


def test_changes_multiple_with_odd_ids_is_a_4xx(app, catalog):
    from ckan.tests.helpers import call_action

    own = catalog["own"]
    call_action("package_patch", {"user": catalog["editor_b"]["name"]},
                id=own["id"], title="odd-b-own changed")
    newer, older = _activities(own)[:2]
    private = _activities(catalog["private"])[0]
    for user in (None, catalog["editor_b"]):
        for params in ({}, {"new_id": "x"}, {"new_id": "x", "old_id": "y"},
                       {"new_id": ["x", "y"], "old_id": "z"},
                       {"new_id": newer, "old_id": private},
                       {"new_id": older, "old_id": newer}):
            for kind in ("dataset", "organization", "group"):
                response = _get(app, f"/{kind}/changes_multiple", user, **params)
                assert 400 <= response.status_code < 500, (
                    user and user["name"], kind, params, response.status_code)
    # a range of one dataset's changes still shows
    assert _get(app, "/dataset/changes_multiple", catalog["editor_b"],
                new_id=newer, old_id=older).status_code == 200


def test_resource_edit_of_a_resource_the_user_may_not_see_is_a_404(app, catalog):
    user = catalog["editor_b"]
    own, private = catalog["own"], catalog["private"]
    stranger = private["resources"][0]["id"]
    response = _get(app, f"/dataset/{own['name']}/resource/{stranger}/edit", user)
    assert response.status_code == 404, response.status_code
    assert "https://example.go.th/a.csv" not in response.get_data(as_text=True)
    # a dataset the user may not edit: CKAN's own 403, unchanged
    assert _get(app, f"/dataset/{private['name']}/resource/{stranger}/edit",
                user).status_code == 403
    # the user's own resource still opens
    mine = own["resources"][0]["id"]
    assert _get(app, f"/dataset/{own['name']}/resource/{mine}/edit", user).status_code == 200
