"""The dataset and resource forms show stored values only of the dataset
being edited, to a user who may edit it (issue 26, item 1).

The form helpers keep a legacy dataset's undeclared extras (sent back as
hidden inputs) and its stored values outside a choice list (offered as a
marked choice). Which dataset they read comes from the route of CKAN's edit
views and an auth check, never from the form's data: CKAN fills the new
dataset form from the query string, so ``/dataset/new?pkg_name=<id>`` once
showed any dataset's undeclared extras to any editor, and a guessed value in
a choice field answered whether it was stored (a yes/no oracle).
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan import model
from ckan.lib import search
from ckan.tests import factories

from tests.factories_dga import dga_dataset, dga_dataset_dict
from tests.legacy_support import LEGACY, store_behind_validation

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

SECRET_EXTRA = "secret-undeclared-value-0001"
STORED_CHOICE = LEGACY["data_category"]          # a value outside the list
STORED_RESOURCE_CHOICE = "หน่วยเดิม"
MARK = "(stored value, not in the list)"


@pytest.fixture
def two_organizations():
    """Organization A with a private legacy dataset (an undeclared extra, a
    stored choice outside its list, a resource with one too); organization B
    with an editor and a dataset of its own."""
    editor_a = factories.UserWithToken()
    editor_b = factories.UserWithToken()
    org_a = factories.Organization(users=[{"name": editor_a["name"], "capacity": "editor"}])
    org_b = factories.Organization(users=[{"name": editor_b["name"], "capacity": "editor"}])
    private = dga_dataset(owner_org=org_a["id"], name="a-private", private=True,
                          resources=[{"name": "r", "url": "https://example.go.th/a.csv",
                                      "resource_data_collect": "บุคคล"}])
    store_behind_validation(private["id"], set_={"legacy_only_field": SECRET_EXTRA,
                                                 "data_category": STORED_CHOICE},
                            reindex=False)
    resource = model.Resource.get(private["resources"][0]["id"])
    resource.extras = dict(resource.extras, resource_data_collect=STORED_RESOURCE_CHOICE)
    model.repo.commit()
    search.rebuild(private["id"])
    own = dga_dataset(owner_org=org_b["id"], name="b-own")
    return {"a": org_a, "b": org_b, "editor_a": editor_a, "editor_b": editor_b,
            "private": private, "resource_id": private["resources"][0]["id"], "own": own}


def _headers(user):
    return {"Authorization": user["token"]}


def _assert_nothing_stored_shown(body: str):
    soup = BeautifulSoup(body, "html.parser")
    assert not soup.select("input[name^=extras__]"), "an undeclared extra was rendered"
    assert SECRET_EXTRA not in body
    assert MARK not in body, "a stored value was offered as a choice"


def test_the_new_dataset_form_reads_no_dataset_named_in_its_query_string(
        app, two_organizations):
    # an editor of B (may not read the dataset) and an editor of A (may
    # edit it, but this form edits nothing): the form is a new one
    env = two_organizations
    for who in ("editor_b", "editor_a"):
        for param in ("pkg_name", "id"):
            for by in ("id", "name"):
                response = app.get("/dataset/new", headers=_headers(env[who]), query_string={
                    param: env["private"][by], "data_category": STORED_CHOICE})
                assert response.status_code == 200, (who, param, by)
                _assert_nothing_stored_shown(response.get_data(as_text=True))


def test_a_failed_new_dataset_save_reads_no_dataset_named_in_the_form(app, two_organizations):
    env = two_organizations
    form = {k: v for k, v in dga_dataset_dict(owner_org=env["b"]["id"]).items()
            if isinstance(v, str)}
    form.update(name="", pkg_name=env["private"]["id"], data_category=STORED_CHOICE, save="")
    response = app.post("/dataset/new", data=form, headers=_headers(env["editor_b"]),
                        follow_redirects=False)
    assert response.status_code == 200       # the form again, with field errors
    _assert_nothing_stored_shown(response.get_data(as_text=True))


# --- what the forms keep for whoever edits ----------------------------------------------

def _chosen(body: str, name: str) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    return [o.get("value") for o in soup.select(f"select[name={name}] option[selected]")]


def test_a_failed_save_of_a_legacy_resource_keeps_its_stored_choice(app, two_organizations):
    env = two_organizations
    url = f"/dataset/{env['private']['name']}/resource/{env['resource_id']}/edit"
    page = app.get(url, headers=_headers(env["editor_a"]))
    assert _chosen(page.get_data(as_text=True), "resource_data_collect") == [
        STORED_RESOURCE_CHOICE]
    assert f"{STORED_RESOURCE_CHOICE} {MARK}" in page.get_data(as_text=True)
    # a save breaking another field: the form again, the stored choice still
    # offered and chosen, nothing saved
    response = app.post(url, headers=_headers(env["editor_a"]), follow_redirects=False,
                        data={"name": "r", "url": "https://example.go.th/a.csv",
                              "resource_data_collect": STORED_RESOURCE_CHOICE,
                              "resource_unit_of_multiplier": "ไม่มีในรายการ", "save": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _chosen(body, "resource_data_collect") == [STORED_RESOURCE_CHOICE]
    assert f"{STORED_RESOURCE_CHOICE} {MARK}" in body
    # a value never stored is not offered
    response = app.post(url, headers=_headers(env["editor_a"]), follow_redirects=False,
                        data={"name": "r", "url": "https://example.go.th/a.csv",
                              "resource_data_collect": "ไม่เคยบันทึก", "save": ""})
    assert response.status_code == 200 and MARK not in response.get_data(as_text=True)
    # the save that leaves it untouched keeps it
    response = app.post(url, headers=_headers(env["editor_a"]), follow_redirects=False,
                        data={"name": "ชื่อใหม่", "url": "https://example.go.th/a.csv",
                              "resource_data_collect": STORED_RESOURCE_CHOICE, "save": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    stored = model.Resource.get(env["resource_id"])
    assert stored.name == "ชื่อใหม่"
    assert stored.extras["resource_data_collect"] == STORED_RESOURCE_CHOICE


def test_a_legacy_draft_keeps_its_undeclared_extras_through_the_staged_form(
        app, two_organizations):
    """A draft is edited in the staged form, which posts to /dataset/new with
    the draft's id in ``pkg_name``; a failed save there shows the form again."""
    env = two_organizations
    draft = dga_dataset(owner_org=env["a"]["id"], name="a-draft", state="draft")
    store_behind_validation(draft["id"], set_={"legacy_only_field": LEGACY["legacy_only_field"],
                                               "data_category": STORED_CHOICE})
    headers = _headers(env["editor_a"])
    page = app.get("/dataset/edit/a-draft", headers=headers)
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select_one("input[name=extras__0__value]")["value"] == \
        LEGACY["legacy_only_field"]
    assert _chosen(page.get_data(as_text=True), "data_category") == [STORED_CHOICE]

    form = {k: v for k, v in dga_dataset_dict(owner_org=env["a"]["id"]).items()
            if isinstance(v, str)}
    form.update(name="a-draft", pkg_name=draft["id"], _ckan_phase="dataset_new_1",
                save="continue", data_category=STORED_CHOICE, maintainer_email="not-an-email",
                extras__0__key="legacy_only_field",
                extras__0__value=LEGACY["legacy_only_field"])
    response = app.post("/dataset/new", data=form, headers=headers, follow_redirects=False)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:2000]
    soup = BeautifulSoup(body, "html.parser")
    assert soup.select_one("input[name=extras__0__value]")["value"] == \
        LEGACY["legacy_only_field"]
    assert _chosen(body, "data_category") == [STORED_CHOICE]
    assert model.Package.get(draft["id"]).extras["legacy_only_field"] == \
        LEGACY["legacy_only_field"]
