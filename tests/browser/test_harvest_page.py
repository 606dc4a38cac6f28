"""The organization's harvest check page in headless Chromium."""
import pytest

from ckan.tests import factories

from ..factories_dga import dga_dataset_dict
from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]


def test_org_admin_checks_records_and_sees_a_dataset_gone(live_server, page):
    password = "correct-horse-battery"
    admin = factories.User(password=password)
    org = factories.Organization(title="กรมการท่องเที่ยว",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    context = {"user": admin["name"]}
    factories.Dataset(context=context, **dga_dataset_dict(
        owner_org=org["id"], title="สถิตินักท่องเที่ยวรายเดือน"))
    factories.Dataset(context=context, **dga_dataset_dict(
        owner_org=org["id"], title="ชุดข้อมูลไม่ยินยอม", allow_harvest="False"))
    later_private = factories.Dataset(context=context, **dga_dataset_dict(
        owner_org=org["id"], title="ชุดข้อมูลที่จะปิด"))

    login(page, live_server, admin["name"], password)
    page.goto(f"{live_server}/organization/{org['name']}/harvest-check")
    panel = page.locator("#opdc-kpi-harvest")
    assert panel.locator("[data-seen]").get_attribute("data-seen") == "3"
    assert "ชุดข้อมูลไม่ยินยอม" in panel.locator(".opdc-kpi-harvest-problems").inner_text()
    screenshot(page, "harvest-check-org-admin")

    page.click("form.opdc-kpi-harvest-record button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success, .flash-messages .alert").count() >= 1

    from ckan.tests import helpers
    helpers.call_action("package_patch", context=dict(context), id=later_private["id"],
                        private=True)
    page.reload()
    gone = page.locator(".opdc-kpi-harvest-gone")
    assert "ชุดข้อมูลที่จะปิด" in gone.inner_text()
    assert page.locator("[data-seen]").get_attribute("data-seen") == "2"
    screenshot(page, "harvest-check-gone")


def test_stranger_is_refused(live_server, page):
    password = "correct-horse-battery"
    stranger = factories.User(password=password)
    org = factories.Organization()
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], private=True,
                                         title="ชุดข้อมูลลับ"))
    login(page, live_server, stranger["name"], password)
    response = page.goto(f"{live_server}/organization/{org['name']}/harvest-check")
    assert response.status == 403
    assert "ชุดข้อมูลลับ" not in page.inner_text("body")
