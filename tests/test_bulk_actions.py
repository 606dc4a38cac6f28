"""An organization's bulk actions (its "bulk process" page: Make private, Make
public, Delete) change what every search backend lists, on CKAN 2.11 as on
2.12 (``logic/dataset/bulk.py``). CKAN 2.11 reindexed through Solr directly:
on the PostgreSQL search the action raised after committing the rows, and the
datasets made private stayed listed to anyone."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

CANARY = "zbulkcanary7z"


@pytest.fixture
def org():
    admin, editor = factories.User(), factories.User()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"}])
    other = factories.Organization()
    mine = [factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name=f"bulk-{n}",
                                                 title=f"{CANARY} {n}"))
            for n in range(3)]
    theirs = factories.Dataset(**dga_dataset_dict(owner_org=other["id"], name="bulk-other"))
    return {"org": org, "admin": admin, "editor": editor, "mine": mine, "theirs": theirs}


def _anonymous_search() -> dict:
    return helpers.call_action("package_search", {"user": "", "ignore_auth": False},
                               q=CANARY, rows=10)


def _as(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


def test_make_private_then_public_changes_what_anyone_finds(org):
    ids = [d["id"] for d in org["mine"][:2]] + [org["theirs"]["id"]]
    helpers.call_action("bulk_update_private", _as(org["admin"]), datasets=ids,
                        org_id=org["org"]["id"])
    found = _anonymous_search()
    assert found["count"] == 1
    assert [r["id"] for r in found["results"]] == [org["mine"][2]["id"]]
    for pkg in org["mine"][:2]:
        assert helpers.call_action("package_show", id=pkg["id"])["private"] is True
    # another organization's dataset in the list is left alone
    assert helpers.call_action("package_show", id=org["theirs"]["id"])["private"] is False
    # the admin still finds them, marked private
    mine = helpers.call_action("package_search", _as(org["admin"]), q=CANARY,
                               include_private=True, rows=10)
    assert mine["count"] == 3
    helpers.call_action("bulk_update_public", _as(org["admin"]), datasets=ids,
                        org_id=org["org"]["id"])
    assert _anonymous_search()["count"] == 3


def test_delete_removes_them_from_every_listing(org):
    ids = [org["mine"][0]["id"]]
    helpers.call_action("bulk_update_delete", _as(org["admin"]), datasets=ids,
                        org_id=org["org"]["id"])
    assert helpers.call_action("package_show", id=ids[0])["state"] == "deleted"
    assert _anonymous_search()["count"] == 2
    assert helpers.call_action("package_search", _as(org["admin"]), q=CANARY,
                               include_private=True, rows=10)["count"] == 2


def test_an_editor_may_not_and_nothing_changes(org):
    ids = [d["id"] for d in org["mine"]]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("bulk_update_private", _as(org["editor"]), datasets=ids,
                            org_id=org["org"]["id"])
    assert _anonymous_search()["count"] == 3


@pytest.mark.parametrize("datasets", [7, {"a": 1}, [1, 2], [None]])
def test_datasets_that_are_not_ids_are_a_validation_error(org, datasets):
    with pytest.raises(tk.ValidationError):
        helpers.call_action("bulk_update_private", _as(org["admin"]), datasets=datasets,
                            org_id=org["org"]["id"])
    assert _anonymous_search()["count"] == 3


def test_the_organization_bulk_page_makes_them_private(app):
    """The organization's bulk page (its "Make private" button) redirects
    back to the page, which lists the dataset as private; an anonymous search
    no longer finds it (on 2.11 with the PostgreSQL search the POST was a 500
    and the dataset stayed listed)."""
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    pkg = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="bulk-page",
                                               title=f"{CANARY} page"))
    headers = {"Authorization": admin["token"]}
    response = app.post(f"/organization/bulk_process/{org['name']}", headers=headers,
                        data={f"dataset_{pkg['id']}": "on",
                              "bulk_action.private": "Make private"},
                        follow_redirects=False)
    assert response.status_code == 302
    assert f"/organization/bulk_process/{org['name']}" in response.headers["Location"]
    page = app.get(f"/organization/bulk_process/{org['name']}", headers=headers,
                   status=200).get_data(as_text=True)
    assert "bulk-page" in page and "Private" in page
    assert helpers.call_action("package_show", id=pkg["id"])["private"] is True
    assert _anonymous_search()["count"] == 0
