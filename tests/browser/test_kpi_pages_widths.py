"""The KPI, admin, assessment, assessors, harvest check and import pages as a
person sees them, in Thai, at 1366 px and on a 390 px phone: no page scrolls
sideways; on a phone the KPI content comes before the organization's block;
the headline, grouped advice and charts are there; the ladder's "ยืนยัน…"
asks for a note before it records; a refused assessment form comes back with
the form in view; error text is at WCAG AA contrast, measured from the
computed styles.

OPDC_KPI_DOC_SCREENSHOTS=1 writes the README's screenshots (docs/screenshots/
kpi-*.png); otherwise they go to test-artifacts/.
"""

import pytest

from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict
from ..legacy_support import store_behind_validation
from .conftest import WIDTHS, doc_shot, fill_autocomplete, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]
PASSWORD = "correct-horse-battery"
ORG = "interior"

#: relative luminance and contrast ratio (WCAG 2.x), computed in the page from
#: the element's colour and the first opaque background behind it
CONTRAST_JS = """el => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = null;
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] === 1) { bg = c; break; }
  }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def _no_sideways_scroll(page, url):
    width = page.evaluate("document.documentElement.scrollWidth")
    view = page.evaluate("document.documentElement.clientWidth")
    if width > view:   # name the widest elements, for the failure message
        wide = page.evaluate("""w => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 0.5)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""", view)
        pytest.fail(f"{url}: {width} px wide on a {view} px screen: {wide}")


#: each labelled cell of a table shown stacked (a phone: its label drawn
#: before it): where its content starts, left of
#: the label's 40 % column (a long value, or one after a label on two lines,
#: that ran on under the label); an action in the cell (the ladder's
#: "Confirm…") spans the card under them and is measured apart
UNDER_LABEL_JS = """() => [...document.querySelectorAll('table.opdc-kpi-stack [data-label]')]
  .filter(td => td.offsetParent && td.textContent.trim()
          && getComputedStyle(td, '::before').content !== 'none').map(td => {
    const cell = td.getBoundingClientRect(), rects = [];
    for (const node of td.childNodes) {   // an action (details) spans the card: not a value
      if (node.nodeName === 'DETAILS') continue;
      const range = document.createRange();
      range.selectNode(node);
      rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    const left = Math.min(...rects.map(r => r.left));
    return {label: td.dataset.label, over: cell.left + 0.35 * cell.width - left};
  }).filter(c => c.over > 0)"""


def _fits_the_screen(page, where):
    """No sideways scroll, and (on a phone) no stacked cell's value runs on
    under its column's label."""
    _no_sideways_scroll(page, where)
    under = page.evaluate(UNDER_LABEL_JS)
    assert not under, f"{where}: values under their labels: {under[:5]}"


@pytest.fixture
def catalog():
    # no image URLs (the factories' point to the internet: broken images here)
    sysadmin = factories.Sysadmin(password=PASSWORD, fullname="สมชาย ผู้ดูแลระบบ", image_url="")
    org = factories.Organization(name=ORG, title="กรมทดสอบการปกครอง", image_url="",
                                 description="หน่วยงานตัวอย่างสำหรับทดสอบตัวชี้วัด",
                                 focus_areas=["tourism"],
                                 catalog_url="https://catalog.example.go.th")
    # the seed's worked example: 6 basket datasets, 2 lacking the same item
    for n in range(6):
        dataset = factories.Dataset(**dga_dataset_dict(
            owner_org=org["id"], name=f"d{n}", title=f"สถิติการท่องเที่ยวรายจังหวัด ชุดที่ {n}",
            data_category="ข้อมูลใช้ภายใน", license_id="License not specified",
            mission="ภารกิจ" if n == 0 else None, work_process="กระบวนการ" if n == 0 else None))
        if n >= 4:
            store_behind_validation(dataset["id"], remove=["data_source"])
    factories.Organization(name="no-focus", title="หน่วยงานที่ยังไม่ผ่านขั้นต้น", image_url="",
                           catalog_url="https://other.example.go.th")
    helpers.call_action("opdc_kpi_harvest_check", {"user": sysadmin["name"]}, id=ORG)
    return {"sysadmin": sysadmin, "org": org}


def test_every_page_fits_the_screen_and_explains_itself(live_server, sized, catalog):
    page, width = sized
    phone = width == 390
    login(page, live_server, catalog["sysadmin"]["name"], PASSWORD)
    base = live_server + "/th"

    # the organization's KPI page
    url = f"{base}/organization/{ORG}/kpi?year=2565"
    page.goto(url)
    _fits_the_screen(page, url)
    assert page.inner_text(".opdc-kpi-total").startswith("70/100 — ขั้นต้น · ถึงขั้นมาตรฐาน")
    primary = page.locator(".main .primary").bounding_box()
    secondary = page.locator(".main .secondary").bounding_box()
    if phone:   # the KPI content first, the organization's block after it
        assert primary["y"] < secondary["y"]
        assert page.locator(".opdc-kpi-total").bounding_box()["y"] < WIDTHS[390]
    else:
        assert secondary["x"] < primary["x"]
    doc_shot(page, f"kpi-organization-{width}")
    page.locator("#opdc-kpi-ladder + h2, .opdc-kpi-fix-group").first.scroll_into_view_if_needed()
    groups = page.locator(".opdc-kpi-fix-group")
    assert groups.count() == 2
    assert "2 ชุดข้อมูล ชุดละ +2.50" in groups.first.inner_text()
    page.evaluate("document.querySelector('.opdc-kpi-fix-group').scrollIntoView({block: 'center'})")
    doc_shot(page, f"kpi-fixes-{width}")
    # the stacked basket table: every column's cell within the screen
    if phone:
        cells = page.locator("table.opdc-kpi-datasets tbody tr").first.locator("th, td")
        for n in range(cells.count()):
            box = cells.nth(n).bounding_box()
            if box:
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5

    # the ladder's "ยืนยัน…": a question and a note before anything is recorded
    step = page.locator("tr[data-part=catalog] details.opdc-kpi-confirm-step")
    step.locator("summary").click()
    assert step.locator("form.opdc-kpi-quick-confirm").is_visible()
    if phone:   # the open step takes the card's width, not the value's 60 %
        form = step.locator("form.opdc-kpi-quick-confirm").bounding_box()
        card = page.locator("tr[data-part=catalog]").bounding_box()
        assert form["width"] >= 0.85 * card["width"], (form, card)
        _fits_the_screen(page, "the ladder with its step open")
    assert helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True}, id=ORG) == []
    step.locator("textarea[name=note]").fill("เปิดดู URL ระบบบัญชีข้อมูลแล้ว")
    page.mouse.move(0, 0)          # the shot without the button's hover fading
    page.wait_for_timeout(300)
    doc_shot(page, f"kpi-ladder-confirm-{width}")
    with page.expect_navigation():
        step.locator("button[type=submit]").click()
    assert page.url.endswith("#top")
    (record,) = helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True}, id=ORG)
    assert (record["action"], record["note"]) == ("confirm", "เปิดดู URL ระบบบัญชีข้อมูลแล้ว")

    # a refused assessment: the page comes back with the form in view (in a
    # browser with the default motion preference, where Bootstrap scrolls smoothly)
    page.emulate_media(reduced_motion="no-preference")
    page.select_option("#field-assessment-criterion", "complete")
    page.select_option("#field-assessment-dataset", label="สถิติการท่องเที่ยวรายจังหวัด ชุดที่ 4")
    page.check("#field-assessment-override")
    page.select_option("#field-assessment-value-bool", "true")
    page.evaluate("window.scrollTo(0, 0)")
    with page.expect_navigation():   # no note
        page.locator("#opdc-kpi-assessment-form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#opdc-kpi-assessment-form")
    # the form comes to the top of the screen, not the page's top 1,000+ px
    # above it, and at once: no smooth scroll animated on load (Bootstrap's
    # root scroll-behavior), which a layout change can stop short of the form
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    where = """() => [document.getElementById('opdc-kpi-assessment-form')
        .getBoundingClientRect().top, window.scrollY, document.readyState]"""
    try:
        page.wait_for_function(f"() => Math.abs(({where})()[0]) < 2", timeout=10000)
    except Exception:
        raise AssertionError(f"the form's top, scrollY, readyState: {page.evaluate(where)}")
    assert page.evaluate("window.scrollY") > 300
    # the pass/fail list only, for a pass/fail criterion
    assert page.locator("#field-assessment-value-bool").is_visible()
    assert not page.locator("#field-assessment-value-tier").is_visible()
    error = page.locator("#field-assessment-note-error")
    assert error.is_visible()
    ratio = error.evaluate(CONTRAST_JS)
    assert ratio >= 4.5, ratio
    # the page now lists the confirmation recorded above, in a stacked table
    assert page.locator("table.opdc-kpi-assessment-records [data-label]").count() > 0
    _fits_the_screen(page, "the refused assessment form, with its assessments")
    doc_shot(page, f"kpi-assessment-refused-{width}")

    # the national page: the table, the charts with titles and Thai part names
    url = f"{base}/ckan-admin/opdc-kpi?year=2565"
    page.goto(url)
    _fits_the_screen(page, url)
    row = page.locator("table.opdc-kpi-organizations tr", has_text="หน่วยงานที่ยังไม่ผ่านขั้นต้น")
    assert row.locator("td[data-level]").inner_text().strip() == "ไม่ผ่านขั้นต้น"
    doc_shot(page, f"kpi-admin-{width}")
    chart = page.locator(".opdc-kpi-stacked")
    chart.scroll_into_view_if_needed()
    assert "กรมทดสอบการปกครอง" in chart.inner_text() and "metadata" not in chart.inner_text()
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        '.opdc-kpi-chart *')].filter(e => e.childElementCount === 0 && e.textContent.trim())
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 12, smallest
    page.evaluate("document.querySelector('.opdc-kpi-stacked').scrollIntoView({block: 'center'})")
    doc_shot(page, f"kpi-charts-{width}")

    # the assessors page: check boxes, no multi-select
    url = f"{base}/ckan-admin/opdc-kpi/assessors"
    page.goto(url)
    _fits_the_screen(page, url)
    assert page.locator("select[multiple]").count() == 0
    assert page.locator("input[type=checkbox][name=organizations]").count() == 2
    fill_autocomplete(page, "user", "nobody-here")
    page.check("input[name=parts][value=advanced]")
    with page.expect_navigation():
        page.locator("form.opdc-kpi-assessor-form button[type=submit]").click()
    error = page.locator("#field-user-error")
    assert "ไม่พบผู้ใช้ “nobody-here”" in error.inner_text()
    assert error.evaluate(CONTRAST_JS) >= 4.5
    _fits_the_screen(page, "the refused assessors form")
    doc_shot(page, f"kpi-assessors-{width}")

    # the rest of the extension's pages: no sideways scroll
    for path in (f"/organization/{ORG}/kpi/assessments?year=2565",
                 f"/organization/{ORG}/harvest-check", f"/organization/{ORG}/import",
                 "/organization/no-focus/kpi?year=2565"):
        page.goto(base + path)
        _fits_the_screen(page, path)
        if path.endswith("harvest-check"):
            doc_shot(page, f"kpi-harvest-check-{width}")


def test_a_visitor_sent_to_log_in_gets_a_page_that_fits(live_server, sized, catalog):
    """A citizen opening an organization's KPI page is asked to log in: CKAN's
    login page (and its register page) fit a phone too; the layout fix is on
    every page, not only on the extension's (they were 396 px wide at 390)."""
    page, width = sized
    for lang in ("th", "en"):
        page.goto(f"{live_server}/{lang}/organization/{ORG}/kpi?year=2565")
        assert "/user/login" in page.url, page.url
        _fits_the_screen(page, page.url)
        page.goto(f"{live_server}/{lang}/user/register")
        _fits_the_screen(page, page.url)
    screenshot(page, f"kpi-login-{width}")
