"""The assessors' confirm/override flow in headless Chromium, in Thai: a DGA
assessor (advanced part) overrides a criterion the catalog cannot prove and
sees it beside the computed value, is refused a save without a note with what
was typed kept; an NSO assessor (basic/standard) confirms the catalog URL and
cannot withdraw DGA's override; DGA withdraws it and the score comes back."""
import re

import pytest

from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict
from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"
PAGE = "/th/organization/tourism-office/kpi?year=2565"


@pytest.fixture
def people():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="tourism-office", title="สำนักงานการท่องเที่ยว (ทดสอบ)",
                                 focus_areas=["tourism"],
                                 catalog_url="https://catalog.example.go.th")
    dataset = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="arrivals",
                                                   title="สถิตินักท่องเที่ยวรายเดือน"))
    out = {"org": org, "dataset": dataset}
    for name, parts in (("dga", ["advanced"]), ("nso", ["basic_standard"])):
        out[name] = factories.User(password=PASSWORD)
        helpers.call_action("opdc_kpi_assessor_create", {"user": sysadmin["name"]},
                            user=out[name]["name"], parts=parts)
    return out


def _score(page) -> str:
    # the headline: "<score>/100 — <level> · ..." (70, 72.50)
    return re.match(r"\s*(\d+(?:\.\d\d)?)/100", page.inner_text(".opdc-kpi-total")).group(1)


def _logout(page, base):
    page.context.clear_cookies()
    page.goto(base + "/th/")


def test_override_confirm_and_withdraw(live_server, page, people):
    login(page, live_server, people["dga"]["name"], PASSWORD)
    page.goto(live_server + PAGE)
    computed = _score(page)
    form = page.locator("form.opdc-kpi-assessment-form")
    assert form.is_visible()
    # a save without a note is refused, with what was typed kept
    form.locator("select[name=criterion]").select_option("single_source_of_truth")
    form.locator("select[name=dataset]").select_option(people["dataset"]["id"])
    form.locator("input[name=action][value=override]").check()
    form.locator("select[name=value_bool]").select_option("true")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    form = page.locator("form.opdc-kpi-assessment-form")
    assert "กรุณาระบุเหตุผล" in form.locator("#field-assessment-note-error").inner_text()
    assert form.locator("select[name=criterion]").input_value() == "single_source_of_truth"
    assert form.locator("select[name=value_bool]").input_value() == "true"
    assert form.locator("select[name=dataset]").input_value() == people["dataset"]["id"]
    # with the note it is saved, applied and shown beside the computed value
    form.locator("textarea[name=note]").fill("ประกาศกรมฯ ให้เป็นแหล่งข้อมูลต้นทาง")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "บันทึกการกำหนดค่าแทนแล้ว" in page.inner_text("body")
    overridden = _score(page)
    assert float(overridden) == float(computed) + 6
    assert computed in page.inner_text(".opdc-kpi-computed-score")
    row = page.locator("table.opdc-kpi-assessment-records tr[data-criterion=single_source_of_truth]")
    assert "ประกาศกรมฯ ให้เป็นแหล่งข้อมูลต้นทาง" in row.inner_text()
    assert people["dga"]["name"] in row.inner_text()
    screenshot(page, "kpi-assessment-override")

    # NSO confirms the catalog URL, and cannot withdraw DGA's override
    _logout(page, live_server)
    login(page, live_server, people["nso"]["name"], PASSWORD)
    page.goto(live_server + PAGE)
    # two steps: "ยืนยัน…" opens the form, its button records
    page.locator("tr[data-part=catalog] details.opdc-kpi-confirm-step summary").click()
    page.locator("form.opdc-kpi-quick-confirm:has(input[value=catalog]) button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.opdc-kpi-assessment-records tr[data-criterion=catalog]").count() == 1
    dga_row = page.locator("table.opdc-kpi-assessment-records tr[data-criterion=single_source_of_truth]")
    assert dga_row.locator("button").count() == 0

    # DGA withdraws the override: the computed score is back, the history keeps it
    _logout(page, live_server)
    login(page, live_server, people["dga"]["name"], PASSWORD)
    page.goto(live_server + PAGE)
    # two steps: "ถอน…" asks, its button withdraws
    row = page.locator("table.opdc-kpi-assessment-records tr[data-criterion=single_source_of_truth]")
    assert not row.locator("button").is_visible()
    row.locator("details.opdc-kpi-confirm-step summary").click()
    assert "ยังคงอยู่ในประวัติ" in row.inner_text()
    screenshot(page, "kpi-assessment-withdraw-step")
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert _score(page) == computed
    page.click("text=ประวัติทั้งหมด รวมบันทึกที่ถอนแล้ว")
    page.wait_for_load_state("networkidle")
    history = page.inner_text("table.opdc-kpi-assessment-history")
    assert "ถอนโดย " + people["dga"]["name"] in history
    screenshot(page, "kpi-assessment-history")
