"""A steward creates a dataset through the Thai form in headless Chromium."""
import pytest

from ckan.tests import factories, helpers

from .conftest import fill_autocomplete, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"


def _select(page, field, value):
    page.select_option(f"#field-{field}", value)


def test_steward_creates_a_dataset_in_thai(live_server, page):
    steward = factories.User(password=PASSWORD)
    factories.Organization(name="steward-org", title="กรมทดสอบ",
                           users=[{"name": steward["name"], "capacity": "editor"}])
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/new")
    page.wait_for_load_state("networkidle")  # CKAN's modules (slug preview) are set up
    _select(page, "data_type", "ข้อมูลสถิติ")
    page.fill("#field-title", "สถิตินักท่องเที่ยวรายเดือน")
    # a Thai title gives no Latin URL name: open the URL editor, as a steward does
    if not page.locator("#field-name").is_visible():
        page.click(".slug-preview button")
    page.fill("#field-name", "steward-tourism")
    page.fill("#field-maintainer", "กองสถิติ")
    page.fill("#field-maintainer_email", "stat@example.go.th")
    fill_autocomplete(page, "tag_string", "ท่องเที่ยว, สถิติ")
    page.fill("#field-notes", "จำนวนนักท่องเที่ยวรายเดือน")
    page.check("input[name='objective'][value='พันธกิจหน่วยงาน']")
    _select(page, "update_frequency_unit", "เดือน")
    page.fill("#field-update_frequency_interval", "1")
    # geo_coverage (item 10) left out on purpose
    page.fill("#field-data_source", "กองสถิติ")
    page.check("input[name='data_format'][value='CSV']")
    _select(page, "data_category", "ข้อมูลสาธารณะ")
    _select(page, "license_id", "Creative Commons Attributions")
    _select(page, "focus_area", "tourism")
    page.fill("#field-kpi_years", "2566")
    screenshot(page, "steward-form-filled")
    page.click("button[name='save']")
    page.wait_for_load_state("networkidle")
    screenshot(page, "steward-next-refused")
    # stage 1 checks the 14 items where they can be fixed: item 10, in Thai
    assert "/resource/new" not in page.url
    assert "กรุณาระบุ ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่" in page.inner_text(
        "#opdc-kpi-field-geo_coverage")
    # everything typed before is still there
    assert page.input_value("#field-title") == "สถิตินักท่องเที่ยวรายเดือน"
    assert page.input_value("#field-maintainer_email") == "stat@example.go.th"
    assert page.is_checked("input[name='objective'][value='พันธกิจหน่วยงาน']")
    _select(page, "geo_coverage", "จังหวัด")
    page.click("button[name='save']:not([value])")
    page.wait_for_load_state("networkidle")
    assert "/resource/new" in page.url  # the draft is saved; now its first resource
    page.click("text=ลิงก์")
    page.fill("#field-resource-url", "https://data.example.go.th/tourism.csv")
    page.fill("#field-name", "สถิติรายเดือน (CSV)")
    fill_autocomplete(page, "format", "CSV")
    page.fill("#field-resource_created_date", "2567-01-15")
    page.click("button[value='go-metadata']")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/dataset/steward-tourism"), page.url
    screenshot(page, "steward-dataset-page")
    body = page.inner_text("body")
    assert "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่" in body and "จังหวัด" in body
    # the licence by its Thai title on a Thai page (the licence list's title_th)
    assert "ครีเอทีฟคอมมอนส์ แบบแสดงที่มา (CC BY)" in body
    shown = helpers.call_action("package_show", id="steward-tourism")
    assert shown["state"] == "active" and shown["geo_coverage"] == "จังหวัด"
    assert shown["resources"][0]["resource_created_date"] == "2024-01-15"
    page.click("text=สถิติรายเดือน (CSV)")
    page.wait_for_load_state("networkidle")
    assert "15 มกราคม 2567" in page.inner_text("body")
    screenshot(page, "steward-resource-page")


def test_other_boxes_follow_the_other_choice(live_server, page):
    steward = factories.User(password=PASSWORD)
    factories.Organization(users=[{"name": steward["name"], "capacity": "editor"}])
    login(page, live_server, steward["name"], PASSWORD)
    page.goto(live_server + "/th/dataset/new")
    assert not page.locator("#field-data_type_other").is_visible()
    _select(page, "data_type", "ข้อมูลประเภทอื่นๆ")
    assert page.locator("#field-data_type_other").is_visible()
    page.check("input[name='objective'][value='อื่นๆ']")
    assert page.locator("#field-objective_other").is_visible()
    screenshot(page, "steward-other-boxes")
    _select(page, "data_type", "ข้อมูลสถิติ")
    assert not page.locator("#field-data_type_other").is_visible()


def test_without_javascript_every_other_box_is_there(live_server, chromium):
    steward = factories.User(password=PASSWORD)
    factories.Organization(users=[{"name": steward["name"], "capacity": "editor"}])
    context = chromium.new_context(java_script_enabled=False, locale="th-TH")
    page = context.new_page()
    try:
        login(page, live_server, steward["name"], PASSWORD)
        page.goto(live_server + "/th/dataset/new")
        for field in ("data_type_other", "objective_other", "geo_coverage_other"):
            assert page.locator(f"#field-{field}").is_visible(), field
        assert "ประเภทข้อมูลอื่นๆ (ระบุ)" in page.inner_text("body")
    finally:
        context.close()
