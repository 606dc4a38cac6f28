"""A title longer than the 500 characters a dataset title may have, typed
into the steward's form on a phone: the save is refused with the error beside
the title, in Thai, named once in the summary, and the form keeps every
character typed; the form's stage names fit the phone."""
import pytest

from .conftest import doc_shot, login
from .test_thai_title_form import PASSWORD, _fill_items, _steward

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]

#: 510 Thai letters: past the limit, as a pasted paragraph may be
LONG_TITLE = "สถิตินักท่องเที่ยวรายเดือน " * 19 + "ท้ายสุด"


def test_a_title_too_long_is_refused_beside_the_title_and_kept(live_server, chromium):
    assert len(LONG_TITLE) > 500
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        steward, _ = _steward()
        login(page, live_server, steward["name"], PASSWORD)
        page.goto(live_server + "/th/dataset/new")
        page.fill("#field-title", LONG_TITLE)
        _fill_items(page)
        with page.expect_navigation():
            page.click("button[name='save']:not([value])")
        page.wait_for_load_state("load")
        beside = page.locator("#opdc-kpi-field-title .error-block")
        assert "ยาวเกินไป (ไม่เกิน 500 ตัวอักษร)" in beside.inner_text()
        # the summary names the field once ("label: label: …" before)
        line = page.inner_text(".error-explanation li[data-field-label=title]")
        assert line.count("ชื่อชุดข้อมูล") == 1, line
        assert "Internal Server Error" not in page.inner_text("body")
        assert page.input_value("#field-title") == LONG_TITLE      # nothing lost
        assert page.input_value("#field-maintainer") == "กองสถิติ"
        assert "/resource/new" not in page.url
        # the stages' names whole on one line (a Thai name was half clipped)
        stages = page.eval_on_selector_all(".stages li .highlight", """els => els.map(el =>
            [el.textContent.trim(), el.scrollWidth <= el.clientWidth,
             el.scrollHeight <= el.clientHeight])""")
        assert stages and all(w and h for _, w, h in stages), stages
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 390, scroll
        beside.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
        doc_shot(page, "form-title-too-long-390")
    finally:
        context.close()
