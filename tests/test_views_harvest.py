"""The organization's harvest check page: who sees it, what it shows."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.factories_dga import dga_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def url(org):
    return tk.url_for("opdc_kpi_harvest.harvest_check", id=org["name"])


@pytest.fixture
def org_with_admin():
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    return org, admin


def test_admin_sees_the_panel(app, org_with_admin):
    org, admin = org_with_admin
    good = dga_dataset(owner_org=org["id"])
    bad = dga_dataset(owner_org=org["id"], allow_harvest="False")
    secret = dga_dataset(owner_org=org["id"], private=True, allow_harvest="False",
                         title="ชุดข้อมูลภายใน")
    page = app.get(url(org), headers={"Authorization": admin["token"]}, status=200)
    soup = BeautifulSoup(page.body, "html.parser")
    panel = soup.select_one("#opdc-kpi-harvest")
    assert panel.select_one("[data-seen]")["data-seen"] == "2"
    assert panel.select_one("[data-paging-ok]")["data-paging-ok"] == "true"
    problems = panel.select_one(".opdc-kpi-harvest-problems").get_text()
    assert bad["title"] in problems and good["title"] not in problems
    assert secret["title"] in panel.select_one(".opdc-kpi-harvest-hidden").get_text()
    form = soup.select_one("form.opdc-kpi-harvest-record")
    assert form["method"] == "post" and form.select_one("input[name=_csrf_token]")


def test_others_are_refused(app, org_with_admin):
    org, _ = org_with_admin
    dga_dataset(owner_org=org["id"], private=True, title="ชุดข้อมูลภายใน")
    editor = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="editor")
    stranger = factories.UserWithToken()
    for user in (editor, stranger):
        page = app.get(url(org), headers={"Authorization": user["token"]}, status=403)
        assert "ชุดข้อมูลภายใน" not in page.body
    assert "ชุดข้อมูลภายใน" not in app.get(url(org), status=401).body
    app.get(tk.url_for("opdc_kpi_harvest.harvest_check", id="no-such-org"),
            headers={"Authorization": stranger["token"]}, status=404)


def test_post_records_a_check_and_the_next_lists_what_is_gone(app, org_with_admin):
    org, admin = org_with_admin
    pkg = dga_dataset(owner_org=org["id"])
    headers = {"Authorization": admin["token"]}
    app.post(url(org), headers=headers, status=302, follow_redirects=False)
    helpers.call_action("package_patch", context={"user": admin["name"]}, id=pkg["id"],
                        private=True)
    page = app.get(url(org), headers=headers, status=200)
    gone = BeautifulSoup(page.body, "html.parser").select_one(".opdc-kpi-harvest-gone")
    assert pkg["title"] in gone.get_text()


def test_sysadmin_sees_it(app):
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    sysadmin = factories.SysadminWithToken()
    app.get(url(org), headers={"Authorization": sysadmin["token"]}, status=200)
