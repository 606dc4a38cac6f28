"""The steward's dataset form in headless Chromium, Thai and English: fields
per data type, values kept, the KPI completeness line, failed saves."""
import datetime as dt
import json
import re

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.scoring import fiscal_year_of

from ..factories_dga import dga_dataset_dict
from .conftest import ARTIFACTS, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"
STATISTICS = ("first_year_of_data", "unit_of_measure", "calculation_method")
GEOSPATIAL = ("geographic_data_set", "west_bound_longitude", "data_release_date")
TYPES = {
    "record": ("ข้อมูลระเบียน", False, False),
    "statistics": ("ข้อมูลสถิติ", True, False),
    "geospatial": ("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", False, True),
    "multiple": ("ข้อมูลหลากหลายประเภท", True, True),
    "other": ("ข้อมูลประเภทอื่นๆ", False, False),
}


def _steward(**org):
    steward = factories.User(password=PASSWORD)
    organization = factories.Organization(
        users=[{"name": steward["name"], "capacity": "editor"}], **org)
    return steward, organization


def _visible(page, field):
    return page.locator(f"#field-{field}").first.is_visible()


def _saved(name):
    """The dataset as the server saved it (not the test session's copy)."""
    model.Session.remove()
    return helpers.call_action("package_show", id=name)


def _height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def test_each_data_type_shows_its_own_fields_and_the_record_form_is_shorter(live_server, page):
    steward, _ = _steward()
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/new")
    heights = {}
    for name, (value, statistics, geospatial) in TYPES.items():
        page.select_option("#field-data_type", value)
        for field in STATISTICS:
            assert _visible(page, field) is statistics, (name, field)
        for field in GEOSPATIAL:
            assert _visible(page, field) is geospatial, (name, field)
        assert _visible(page, "title") and _visible(page, "focus_area")
        heights[name] = _height(page)
        screenshot(page, f"steward-form-{name}")
    # the form as it was: every field of every data type shown
    page.evaluate("""document.querySelectorAll('[data-opdc-kpi-data-types]')
                     .forEach(el => { el.hidden = false; })""")
    heights["every_field"] = _height(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "steward-form-heights.json").write_text(json.dumps(heights, indent=2))
    assert heights["record"] < heights["every_field"] * 0.85, heights
    assert heights["record"] < heights["statistics"] < heights["multiple"]
    # switching back shows them again
    page.select_option("#field-data_type", "ข้อมูลสถิติ")
    assert _visible(page, "first_year_of_data")


def test_a_value_typed_in_a_field_hidden_later_is_saved(live_server, page):
    steward, org = _steward(focus_areas=["tourism"])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="typed-then-hidden"))
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/en/dataset/edit/typed-then-hidden")
    assert _visible(page, "unit_of_measure")          # a statistics dataset
    page.fill("#field-unit_of_measure", "persons")
    page.select_option("#field-data_type", "ข้อมูลระเบียน")
    assert not _visible(page, "unit_of_measure")
    screenshot(page, "steward-hidden-value-before-save")
    page.click("button[name='save']")
    page.wait_for_load_state("networkidle")
    shown = _saved("typed-then-hidden")
    assert shown["data_type"] == "ข้อมูลระเบียน"
    assert shown["unit_of_measure"] == "persons"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_completeness_line_follows_the_mandatory_items(live_server, page, lang):
    year = fiscal_year_of(dt.date.today())
    steward, org = _steward(focus_areas=["tourism"])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name=f"kpi-line-{lang}",
                                         kpi_years=[year]))
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(f"{live_server}/{lang}/dataset/edit/kpi-line-{lang}")
    line = page.locator(".opdc-kpi-completeness-count")
    full = "14 จาก 14" if lang == "th" else "14 of 14"
    page.wait_for_function("t => document.querySelector('.opdc-kpi-completeness-count')"
                           ".textContent.includes(t)", arg=full)
    basket = page.inner_text(".opdc-kpi-completeness-basket")
    assert str(year) in basket
    assert ("อยู่ในตะกร้า" in basket) if lang == "th" else basket.startswith("In the")
    page.fill("#field-maintainer_email", "")
    partial = "13 จาก 14" if lang == "th" else "13 of 14"
    page.wait_for_function("t => document.querySelector('.opdc-kpi-completeness-count')"
                           ".textContent.includes(t)", arg=partial)
    missing = page.inner_text(".opdc-kpi-completeness-missing")
    assert ("อีเมลผู้ติดต่อ" if lang == "th" else "Contact e-mail") in missing
    screenshot(page, f"steward-completeness-{lang}")
    page.fill("#field-maintainer_email", "stat@example.go.th")
    page.wait_for_function("t => document.querySelector('.opdc-kpi-completeness-count')"
                           ".textContent.includes(t)", arg=full)
    assert full in line.inner_text()


def test_a_failed_save_keeps_everything_typed(live_server, page):
    steward, org = _steward(focus_areas=["tourism"])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="fails-once"))
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/en/dataset/edit/fails-once")
    page.select_option("#field-data_type", "ข้อมูลหลากหลายประเภท")
    page.fill("#field-title", "Typed title")
    page.fill("#field-first_year_of_data", "2560")
    page.fill("#field-west_bound_longitude", "97.3")
    page.fill("#field-maintainer_email", "not-an-email")
    page.click("button[name='save']")
    page.wait_for_load_state("networkidle")
    screenshot(page, "steward-failed-save")
    assert page.locator(".error-explanation, .error-block").count() > 0
    assert page.input_value("#field-title") == "Typed title"
    assert page.input_value("#field-maintainer_email") == "not-an-email"
    assert page.input_value("#field-data_type") == "ข้อมูลหลากหลายประเภท"
    assert page.input_value("#field-first_year_of_data") == "2560"
    assert _visible(page, "first_year_of_data") and _visible(page, "west_bound_longitude")
    assert page.input_value("#field-west_bound_longitude") == "97.3"
    assert _saved("fails-once")["title"] != "Typed title"


def test_without_javascript_every_field_of_every_type_is_shown(live_server, chromium):
    steward, _ = _steward()
    context = chromium.new_context(java_script_enabled=False, locale="th-TH")
    page = context.new_page()
    try:
        login(page, live_server, steward["name"], PASSWORD)
        page.goto(live_server + "/th/dataset/new")
        for field in STATISTICS + GEOSPATIAL:
            assert _visible(page, field), field
        assert not page.locator("#opdc-kpi-completeness").is_visible()
    finally:
        context.close()


def test_resource_form_shows_the_datasets_type_fields(live_server, page):
    steward, org = _steward(focus_areas=["tourism"])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="geo-resource",
                                         data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่"))
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/geo-resource/resource/new")
    assert _visible(page, "resource_geographic_data_set")
    assert not _visible(page, "resource_unit_of_measure")
    screenshot(page, "steward-resource-form-geospatial")


def test_dataset_page_shows_only_the_fields_that_have_values(live_server, page):
    steward, org = _steward(focus_areas=["tourism"])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="shown-fields",
                                         unit_of_measure="คน"))
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/shown-fields")
    screenshot(page, "steward-dataset-page-only-values")

    def row(label):
        return page.locator("section.additional-info tr").filter(
            has=page.locator("th", has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")))

    assert row("หน่วยวัด (สำหรับชุดข้อมูลสถิติ)").is_visible()
    calculation = row("วิธีการคำนวณ (สำหรับชุดข้อมูลสถิติ)")
    assert calculation.count() == 1 and not calculation.is_visible()
    assert not row("ชุดข้อมูลภูมิศาสตร์ (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)").is_visible()
