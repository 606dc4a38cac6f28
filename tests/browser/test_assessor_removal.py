"""Removing an assessor takes two steps, as the ladder's confirmation does:
"นำออก…" opens a question naming the user and what they lose; only its own
button removes. One click used to remove at once, and with it the
organizations the assessor was limited to (they must be ticked again)."""
import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"


def _assessors():
    model.Session.remove()
    return [a["user"] for a in helpers.call_action("opdc_kpi_assessor_list")
            if a.get("source") == "database"]


def test_an_assessor_is_removed_only_after_the_question(live_server, chromium):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    assessor = factories.User(name="somchai_s")
    org = factories.Organization(name="dept-lands", title="กรมที่ดิน")
    helpers.call_action("opdc_kpi_assessor_create", {"user": sysadmin["name"]},
                        user=assessor["name"], parts=["advanced"],
                        organizations=[org["name"]])
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        login(page, live_server, sysadmin["name"], PASSWORD)
        page.goto(live_server + "/th/ckan-admin/opdc-kpi/assessors")
        row = page.locator("table.opdc-kpi-assessors tbody tr", has_text="somchai_s")
        row.get_by_text("นำออก").first.click()          # the first click: a question
        page.wait_for_timeout(300)
        assert "/ckan-admin/opdc-kpi/assessors" in page.url
        assert _assessors() == ["somchai_s"]
        question = row.locator("details[open]")
        assert "somchai_s" in question.inner_text()
        question.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert _assessors() == []
        assert "นำผู้ประเมินออกแล้ว" in page.inner_text(".flash-messages") or \
            page.locator(".alert-success").count()
    finally:
        context.close()
