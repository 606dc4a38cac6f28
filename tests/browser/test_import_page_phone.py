"""The import page on a 390 px phone: its own content (the form, an upload's
error, a check's report) comes before the organization's block, as on the
extension's other organization pages; otherwise a refused upload reloads
with the organization's picture and counts filling the first screen and the
error a screen below, where it is not seen."""
import pytest

from ckan.tests import factories

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"


def test_a_refused_upload_shows_its_error_on_the_first_screen(live_server, chromium,
                                                                tmp_path):
    admin = factories.User(password=PASSWORD)
    org = factories.Organization(name="dept-parks", title="กรมอุทยาน",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    not_a_workbook = tmp_path / "photo.xlsx"
    not_a_workbook.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        login(page, live_server, admin["name"], PASSWORD)
        page.goto(f"{live_server}/th/organization/{org['name']}/import")
        heading = page.locator(".primary h1").first
        assert heading.bounding_box()["y"] < 844, heading.bounding_box()
        page.set_input_files("#field-workbook", str(not_a_workbook))
        page.click("button[value='check']")
        page.wait_for_load_state("networkidle")
        error = page.locator(".primary .alert-danger").first
        assert "อ่านไฟล์ไม่ได้" in error.inner_text()
        box = error.bounding_box()
        assert box["y"] + box["height"] <= 844, box          # on the first screen
        assert page.evaluate("scrollY") == 0
    finally:
        context.close()
