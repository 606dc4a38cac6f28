"""The steward's staged form as a person sees it, at 1366 px and on a 390 px
phone: a Thai-titled dataset created end to end without typing a URL name,
stage 1 refusing with errors beside the fields, publishing refused at stage 2
without a duplicate resource on re-submit, the phone's completeness bar.

OPDC_KPI_DOC_SCREENSHOTS=1 writes the README's screenshots (docs/screenshots/
form-*.png); otherwise they go to test-artifacts/.
"""
import re

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from .conftest import WIDTHS, doc_shot, fill_autocomplete, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"
TITLE = "สถิตินักท่องเที่ยวรายเดือน"
NAME = "sathiti-nakthongthiao-raiduean"
#: the field keys of the 14 items: never shown as such on a Thai page
RAW_KEYS = ("data_type", "maintainer_email", "tag_string", "objective",
            "update_frequency_unit", "geo_coverage", "data_source", "data_format",
            "data_category", "license_id", "focus_area")


def _steward():
    steward = factories.User(password=PASSWORD)
    org = factories.Organization(name="dept-tourism", title="กรมการท่องเที่ยว",
                                 focus_areas=["tourism"],
                                 users=[{"name": steward["name"], "capacity": "editor"}])
    return steward, org


def _fill_items(page, skip=()):
    """The 14 items (title aside), as a steward types them."""
    if "data_type" not in skip:
        page.select_option("#field-data_type", "ข้อมูลสถิติ")
    page.fill("#field-maintainer", "กองสถิติ")
    page.fill("#field-maintainer_email", "stat@example.go.th")
    fill_autocomplete(page, "tag_string", "ท่องเที่ยว, สถิติ")
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


def _next(page):
    page.click("button[name='save']:not([value])")      # "Next": stage 1 -> stage 2


def _refused_at_stage_one(page, width):
    """Stage 1 refuses: each error beside its field, Thai labels, no raw key,
    the proposed name kept; the panel links the missing items."""
    assert "/resource/new" not in page.url
    for field, label in (("geo_coverage", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"),
                         ("data_category", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ")):
        beside = page.inner_text(f"#opdc-kpi-field-{field}")
        assert "กรุณาระบุ" in beside and label in beside, beside
    _no_raw_key(page.inner_text("body"))
    assert page.input_value("#field-name") == NAME           # kept, not retyped
    page.locator("#opdc-kpi-completeness a[href='#opdc-kpi-field-geo_coverage']").wait_for(
        state="attached")
    if width == 390:   # one column: the error summary first, the panel after the form
        summary = page.locator(".error-explanation").bounding_box()
        panel = page.locator("#opdc-kpi-completeness").bounding_box()
        form = page.locator("form#dataset-edit").bounding_box()
        assert summary["y"] < form["y"] + form["height"] <= panel["y"], (summary, form, panel)
    page.locator("#opdc-kpi-field-geo_coverage").scroll_into_view_if_needed()
    doc_shot(page, f"form-errors-{width}")


def test_a_thai_titled_dataset_is_created_from_the_form_without_typing_a_url_name(
        live_server, sized):
    """1366 px: stage 1 refuses, the steward fixes the two items there, stage 2,
    published. 390 px: the bottom bar; stage 1 refuses, "save as draft" goes on
    anyway, publishing is refused at stage 2 (the data is saved, the items are
    named and linked), "publish again" adds no resource, fixed, published."""
    page, width = sized
    steward, _ = _steward()
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/new")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "Markdown formatting" not in body and "You can use" not in body
    doc_shot(page, f"form-new-{width}")
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
        doc_shot(page, "form-bar-390")
    _fill_items(page, skip=("geo_coverage", "data_category"))
    _next(page)
    page.wait_for_load_state("networkidle")
    _refused_at_stage_one(page, width)
    if width == 390:
        page.click("button[value='opdc-kpi-draft']")     # lenient: saved, on to stage 2
    else:
        page.select_option("#field-geo_coverage", "จังหวัด")
        page.select_option("#field-data_category", "ข้อมูลสาธารณะ")
        _next(page)
    page.wait_for_url(re.compile(rf"/dataset/{NAME}/resource/new"))
    assert page.inner_text("#resource-menu-label").strip() == "ข้อมูล"   # core "Data"
    page.click("text=ลิงก์")
    page.fill("#field-resource-url", "https://data.example.go.th/tourism.csv")
    page.fill("#field-name", "สถิติรายเดือน (CSV)")
    assert "Publish" not in page.inner_text("form#resource-edit")
    doc_shot(page, f"form-resource-{width}")
    page.click("button[value='go-metadata']")
    if width == 390:
        panel = page.locator("#opdc-kpi-publish-refused")
        panel.wait_for()
        text = panel.inner_text()
        assert "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่" in text and "สถิติรายเดือน (CSV)" in text
        assert "บันทึกแล้ว" in text
        _no_raw_key(page.inner_text("body"))
        link = panel.locator("a", has_text="ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่")
        href = link.get_attribute("href")
        assert href.endswith(f"/dataset/edit/{NAME}#opdc-kpi-field-geo_coverage"), href
        doc_shot(page, "form-stage2-refused-390")
        page.click("button[value='go-metadata']")      # "publish again": refused again
        panel.wait_for()
        assert _saved(NAME)["state"] == "draft" and len(_saved(NAME)["resources"]) == 1
        link.click()
        page.wait_for_load_state("networkidle")
        page.select_option("#field-geo_coverage", "จังหวัด")
        page.select_option("#field-data_category", "ข้อมูลสาธารณะ")
        _next(page)
        page.wait_for_url(re.compile(r"/resource/new"))
        page.click("button[value='go-metadata']")      # "Finish" with no new resource
    page.wait_for_url(re.compile(rf"/dataset/{NAME}$"))
    assert "เผยแพร่ชุดข้อมูลแล้ว" in page.inner_text(".flash-messages")
    doc_shot(page, f"form-published-{width}")
    shown = _saved(NAME)
    assert shown["state"] == "active" and shown["title"] == TITLE
    assert len(shown["resources"]) == 1
    assert "ประเด็นมุ่งเน้น" in page.inner_text("body")     # the focus area's label
