"""KPI pages in headless Chromium: sysadmin, organization admin, stranger."""
import pytest

from ckan.tests import factories

from ..factories_dga import dga_dataset_dict
from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"
SECRET = "ชุดข้อมูลภายในห้ามเผยแพร่"


@pytest.fixture
def people():
    sysadmin = factories.Sysadmin(password=PASSWORD)
    org_admin = factories.User(password=PASSWORD)
    stranger = factories.User(password=PASSWORD)
    org = factories.Organization(name="opdc-demo", title="สำนักงาน ก.พ.ร. (ทดสอบ)",
                                 focus_areas=["public-administration"],
                                 catalog_url="https://catalog.example.go.th",
                                 users=[{"name": org_admin["name"], "capacity": "admin"}])
    for n, years in enumerate(([2565], [2565, 2566], [2566])):
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name=f"kpi-{n}",
                                             focus_area="public-administration",
                                             kpi_years=years, mission="ภารกิจ",
                                             work_process="กระบวนการ"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="kpi-secret", title=SECRET,
                                         focus_area="public-administration", private=True))
    return {"sysadmin": sysadmin, "org_admin": org_admin, "stranger": stranger, "org": org}


def test_sysadmin_sees_every_organization_switches_year_and_exports(live_server, page, people):
    login(page, live_server, people["sysadmin"]["name"], PASSWORD)
    page.goto(live_server + "/ckan-admin/opdc-kpi")
    assert page.locator("table.opdc-kpi-organizations").is_visible()
    assert "สำนักงาน ก.พ.ร. (ทดสอบ)" in page.inner_text("table.opdc-kpi-organizations")
    assert page.locator("figure.opdc-kpi-chart").count() == 2
    screenshot(page, "kpi-admin")
    page.select_option("#opdc-kpi-year", "2565")
    page.wait_for_url("**year=2565**")
    assert "2565" in page.inner_text("h1")
    with page.expect_download() as download:
        page.click("text=Excel (.xlsx)")
    assert download.value.suggested_filename == "opdc-kpi-2565.xlsx"


def test_organization_admin_sees_the_ladder_and_its_private_dataset(live_server, page, people):
    login(page, live_server, people["org_admin"]["name"], PASSWORD)
    page.goto(live_server + "/organization/opdc-demo/kpi?year=2565")
    assert page.locator("table.opdc-kpi-ladder").is_visible()
    assert SECRET in page.inner_text("table.opdc-kpi-datasets")
    screenshot(page, "kpi-organization")
    with page.expect_download() as download:
        page.click("text=CSV")
    assert download.value.suggested_filename == "opdc-kpi-opdc-demo-2565.csv"
    page.goto(live_server + "/ckan-admin/opdc-kpi")
    assert page.locator("table.opdc-kpi-organizations").count() == 0


def test_stranger_is_refused_and_sees_no_private_title(live_server, page, people):
    login(page, live_server, people["stranger"]["name"], PASSWORD)
    response = page.goto(live_server + "/organization/opdc-demo/kpi")
    assert response.status == 403
    assert SECRET not in page.inner_text("body")
    screenshot(page, "kpi-stranger-refused")
