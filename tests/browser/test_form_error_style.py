"""The dataset form's refusals as a person reads them: CKAN's error text
under each field (white on pink, 2.9:1) and its error summary (Bootstrap 3's
``alert-error``, which Bootstrap 5 does not style: plain text on the page)
are restyled by the extension's form stylesheet: error text at WCAG AA
contrast (4.5:1), the summary a coloured alert box."""
import pytest

from ckan.tests import factories

from .conftest import login
from .test_kpi_pages_widths import CONTRAST_JS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"


def test_stage_one_refusal_is_readable(live_server, chromium):
    steward = factories.User(password=PASSWORD)
    factories.Organization(name="dept-schools", title="กรมโรงเรียน",
                           users=[{"name": steward["name"], "capacity": "editor"}])
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        login(page, live_server, steward["name"], PASSWORD)
        page.goto(live_server + "/th/dataset/new")
        page.fill("#field-title", "ทะเบียนโรงเรียน")
        page.click("button[name='save']:not([value])")      # "Next" with 13 items empty
        page.wait_for_load_state("networkidle")
        blocks = page.locator("form#dataset-edit .error-block")
        assert blocks.count() >= 10
        ratios = [blocks.nth(i).evaluate(CONTRAST_JS) for i in range(blocks.count())]
        assert min(ratios) >= 4.5, ratios
        summary = page.locator("form#dataset-edit .error-explanation")
        assert "กรุณาระบุ" in summary.inner_text()
        background = summary.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
        assert summary.evaluate(CONTRAST_JS) >= 4.5
    finally:
        context.close()
