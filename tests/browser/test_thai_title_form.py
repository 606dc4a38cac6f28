"""The steward's staged form as a person sees it, at 1366 px and on a 390 px
phone: a Thai-titled dataset created end to end without typing a URL name,
stage 1 refusing with errors beside the fields, publishing refused at stage 2
without a duplicate resource on re-submit, the phone's completeness bar.

OPDC_KPI_DOC_SCREENSHOTS=1 writes the README's screenshots (docs/screenshots/
form-*.png); otherwise they go to test-artifacts/.
"""
import os
import re

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict
from .conftest import ARTIFACTS, ROOT, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"
TITLE = "สถิตินักท่องเที่ยวรายเดือน"
NAME = "sathiti-nakthongthiao-raiduean"
WIDTHS = {1366: 900, 390: 844}
#: the field keys of the 14 items: never shown as such on a Thai page
RAW_KEYS = ("data_type", "maintainer_email", "tag_string", "objective",
            "update_frequency_unit", "geo_coverage", "data_source", "data_format",
            "data_category", "license_id", "focus_area")


def _shot(page, name):
    folder = (ROOT / "docs" / "screenshots") if os.environ.get("OPDC_KPI_DOC_SCREENSHOTS") \
        else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


@pytest.fixture(params=sorted(WIDTHS, reverse=True), ids=lambda w: f"{w}px")
def sized(chromium, request):
    width = request.param
    context = chromium.new_context(viewport={"width": width, "height": WIDTHS[width]},
                                   locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page, width
    context.close()


def _steward():
    steward = factories.User(password=PASSWORD)
    org = factories.Organization(name="dept-tourism", title="กรมการท่องเที่ยว",
                                 focus_areas=["tourism"],
                                 users=[{"name": steward["name"], "capacity": "editor"}])
    return steward, org


def _fill_autocomplete(page, field, value):
    """CKAN 2.11 covers autocomplete inputs with a select2 box; 2.12 does not."""
    if page.locator(f"#field-{field}").is_visible():
        page.fill(f"#field-{field}", value)
    else:
        page.eval_on_selector(f"#field-{field}", "(el, v) => { el.value = v; }", value)


def _fill_items(page, skip=()):
    """The 14 items (title aside), as a steward types them."""
    if "data_type" not in skip:
        page.select_option("#field-data_type", "ข้อมูลสถิติ")
    page.fill("#field-maintainer", "กองสถิติ")
    page.fill("#field-maintainer_email", "stat@example.go.th")
    _fill_autocomplete(page, "tag_string", "ท่องเที่ยว, สถิติ")
    page.fill("#field-notes", "จำนวนนักท่องเที่ยวรายเดือน")
    page.check("input[name='objective'][value='พันธกิจหน่วยงาน']")
    page.select_option("#field-update_frequency_unit", "เดือน")
    page.fill("#field-update_frequency_interval", "1")
    if "geo_coverage" not in skip:
        page.select_option("#field-geo_coverage", "จังหวัด")
    page.fill("#field-data_source", "กองสถิติ")
    page.check("input[name='data_format'][value='CSV']")
    if "data_category" not in skip:
        page.select_option("#field-data_category", "ข้อมูลสาธารณะ")
    page.select_option("#field-license_id", "Creative Commons Attributions")
    page.select_option("#field-focus_area", "tourism")


def _saved(name_or_id):
    model.Session.remove()
    return helpers.call_action("package_show", id=name_or_id)


def _no_raw_key(text):
    shown = [k for k in RAW_KEYS if re.search(rf"\b{k}\b", text)]
    assert not shown, shown


def test_a_thai_titled_dataset_is_created_without_typing_a_url_name(live_server, sized):
    page, width = sized
    steward, _ = _steward()
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/new")
    page.wait_for_load_state("networkidle")
    _shot(page, f"form-new-{width}")
    page.fill("#field-title", TITLE)
    # the name the server makes, proposed as the title is typed
    page.wait_for_function("n => document.querySelector('#field-name').value === n", arg=NAME)
    if width == 390:
        bar = page.locator("#opdc-kpi-completeness-bar")
        page.wait_for_function("() => /ครบ \\d+\\/14 — ดูที่ขาด/.test("
                               "document.querySelector('#opdc-kpi-completeness-bar').textContent)")
        box = bar.bounding_box()
        assert bar.evaluate("el => getComputedStyle(el).position") == "fixed"
        assert box["y"] + box["height"] == pytest.approx(WIDTHS[390], abs=1)
        page.mouse.wheel(0, 3000)
        assert bar.is_visible() and bar.bounding_box()["y"] == pytest.approx(box["y"], abs=1)
        _shot(page, "form-bar-390")
    _fill_items(page)
    page.click("button[name='save']:not([value])")
    page.wait_for_url(re.compile(rf"/dataset/{NAME}/resource/new"))
    page.click("text=ลิงก์")
    page.fill("#field-resource-url", "https://data.example.go.th/tourism.csv")
    page.fill("#field-name", "สถิติรายเดือน (CSV)")
    _shot(page, f"form-resource-{width}")
    page.click("button[value='go-metadata']")
    page.wait_for_url(re.compile(rf"/dataset/{NAME}$"))
    flash = page.inner_text(".flash-messages")
    assert "เผยแพร่ชุดข้อมูลแล้ว" in flash
    _shot(page, f"form-published-{width}")
    shown = _saved(NAME)
    assert shown["state"] == "active" and shown["title"] == TITLE
    assert len(shown["resources"]) == 1
    assert "ประเด็นมุ่งเน้น" in page.inner_text("body")     # the focus area's label


def test_stage_one_refuses_with_thai_errors_beside_the_fields(live_server, sized):
    page, width = sized
    steward, _ = _steward()
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/new")
    page.wait_for_load_state("networkidle")
    page.fill("#field-title", TITLE)
    _fill_items(page, skip=("geo_coverage", "data_category"))
    page.click("button[name='save']:not([value])")
    page.wait_for_load_state("networkidle")
    assert "/resource/new" not in page.url
    for field, label in (("geo_coverage", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"),
                         ("data_category", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ")):
        beside = page.inner_text(f"#opdc-kpi-field-{field}")
        assert "กรุณาระบุ" in beside and label in beside, beside
    body = page.inner_text("body")
    _no_raw_key(body)
    assert page.input_value("#field-name") == NAME           # kept, not retyped
    page.locator("#opdc-kpi-field-geo_coverage").scroll_into_view_if_needed()
    _shot(page, f"form-errors-{width}")
    # the panel links each missing item to its field
    link = page.locator("#opdc-kpi-completeness a[href='#opdc-kpi-field-geo_coverage']")
    link.wait_for()
    # "save as draft" keeps the lenient draft and goes on
    page.click("button[value='opdc-kpi-draft']")
    page.wait_for_url(re.compile(r"/resource/new"))
    assert _saved(NAME)["state"] == "draft"


def test_publishing_refused_at_stage_two_names_the_items_and_never_duplicates(
        live_server, page):
    steward, org = _steward()
    draft = dga_dataset_dict(owner_org=org["id"], name="draft-no-coverage", state="draft",
                             geo_coverage="", resources=[])
    helpers.call_action("package_create", context={"user": steward["name"]}, **draft)
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/draft-no-coverage/resource/new")
    page.click("text=ลิงก์")
    page.fill("#field-resource-url", "https://data.example.go.th/a.csv")
    page.fill("#field-name", "ไฟล์ข้อมูล")
    page.click("button[value='go-metadata']")
    panel = page.locator("#opdc-kpi-publish-refused")
    panel.wait_for()
    text = panel.inner_text()
    assert "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่" in text and "ไฟล์ข้อมูล" in text
    assert "บันทึกแล้ว" in text
    _no_raw_key(page.inner_text("body"))
    href = panel.locator("a", has_text="ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่").get_attribute("href")
    assert href.endswith("/dataset/edit/draft-no-coverage#opdc-kpi-field-geo_coverage"), href
    _shot(page, "form-stage2-refused-1366")
    page.click("button[value='go-metadata']")          # "publish again"
    panel.wait_for()
    assert len(_saved("draft-no-coverage")["resources"]) == 1
    page.click(f"a[href='{href}']")
    page.wait_for_load_state("networkidle")
    page.select_option("#field-geo_coverage", "จังหวัด")
    page.click("button[name='save']:not([value])")
    page.wait_for_url(re.compile(r"/resource/new"))
    page.click("button[value='go-metadata']")
    page.wait_for_url(re.compile(r"/dataset/draft-no-coverage$"))
    shown = _saved("draft-no-coverage")
    assert shown["state"] == "active" and len(shown["resources"]) == 1
