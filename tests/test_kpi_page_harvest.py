"""The organization's KPI page does no catalog-wide work on render: it shows
the last recorded harvest check (one row) and a button to run it again."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.scoring import harvest

from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def org_admin():
    admin = factories.UserWithToken()
    org = factories.Organization(focus_areas=["tourism"],
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="open-one"))
    return org, admin


def _panel(app, org, user):
    page = app.get(f"/organization/{org['name']}/kpi?year=2565",
                   headers={"Authorization": user["token"]} if user else {})
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one(
        "#opdc-kpi-harvest")


def test_the_page_never_walks_the_catalog(app, org_admin, monkeypatch):
    org, admin = org_admin

    def walk(*args, **kwargs):
        raise AssertionError("the KPI page ran a harvest check")

    monkeypatch.setattr(harvest, "walk", walk)
    panel = _panel(app, org, admin)
    assert panel.select_one(".opdc-kpi-harvest-none") is not None
    form = panel.select_one("form")
    assert form["method"] == "post" and form["action"].endswith(f"/{org['name']}/harvest-check")
    assert form.select_one("input[name=_csrf_token]") is not None


def test_the_page_shows_the_last_recorded_check(app, org_admin):
    org, admin = org_admin
    result = helpers.call_action("opdc_kpi_harvest_check", {"user": admin["name"],
                                                            "ignore_auth": False}, id=org["id"])
    panel = _panel(app, org, admin)
    summary = panel.select_one(".opdc-kpi-harvest-summary")
    assert summary["data-checked-at"] == result["checked_at"]
    last = helpers.call_action("opdc_kpi_harvest_check_last", {"user": admin["name"],
                                                                "ignore_auth": False},
                               id=org["name"])
    assert (last["seen"], last["expected"], last["paging_ok"]) == (
        result["seen"], result["expected"], result["paging_ok"])


def test_the_panel_and_the_record_only_for_those_who_may_run_the_check(app, org_admin):
    org, _ = org_admin
    member = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"], username=member["name"],
                        role="member")
    assert _panel(app, org, member) is None
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("opdc_kpi_harvest_check_last", {"user": member["name"],
                                                            "ignore_auth": False}, id=org["id"])


def test_the_basket_table_is_paged_and_a_bad_page_is_a_400(app, org_admin, monkeypatch):
    from ckanext.opdc_kpi.views import kpi

    org, admin = org_admin
    for n in range(3):
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name=f"more-{n}"))
    monkeypatch.setattr(kpi, "PAGE_SIZE", 2)
    headers = {"Authorization": admin["token"]}
    url = f"/organization/{org['name']}/kpi?year=2565"
    pages = [app.get(url + extra, headers=headers) for extra in ("", "&page=2")]
    assert [page.status_code for page in pages] == [200, 200]
    first, second = (BeautifulSoup(page.get_data(as_text=True), "html.parser") for page in pages)
    names = [[a["href"].rsplit("/", 1)[-1] for a in page.select(
        "table.opdc-kpi-datasets th[scope=row] a")] for page in (first, second)]
    assert len(names[0]) == 2 and len(names[1]) == 2 and not set(names[0]) & set(names[1])
    assert first.select("table.opdc-kpi-datasets a.btn")          # the org admin edits
    assert len(first.select(".opdc-kpi-pages .page-link")) == 2
    for bad in ("0", "3", "x", "-1"):
        assert app.get(url + f"&page={bad}", headers=headers).status_code == 400
    export = app.get(url + "&format=csv&page=2", headers=headers).get_data(as_text=True)
    assert all(f"more-{n}" in export for n in range(3))   # the export holds them all
