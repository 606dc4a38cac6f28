"""Thai everywhere and citizens (issue 27, items 6, 7 and the import page), as
people see them in Chromium at 1366 px and on a 390 px phone:

- an organization admin finds the import page from the organization's
  pages, downloads the empty template, checks a workbook: the report's
  counts are numbers, its errors name the workbook's own columns in Thai;
  a clean check offers "import this file" and imports it without a second
  upload; the times are Bangkok time in the Buddhist era;
- a citizen searching "ข้อมูลสถิติ" is offered the data type facet; the
  data type and focus area facets list their Thai labels on the search and
  organization pages; a dataset's focus area is its Thai label, linked to
  its facet;
- on every page visited: no English string of the extension's catalog, no
  sideways scroll at 390 px.

OPDC_KPI_DOC_SCREENSHOTS=1 writes the README's screenshots
(docs/screenshots/<page>-<width>.png); otherwise they go to test-artifacts/.
"""
import os
import re
from urllib.parse import parse_qs, urlparse

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ..factories_dga import dga_dataset_dict
from ..test_import_page import _work_off_jobs, _workbook
from ..test_thai_scan import catalog_english, untranslated
from .conftest import doc_shot, login

pytestmark = [pytest.mark.browser,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")]
PASSWORD = "correct-horse-battery"
STAT, RECORD = "ข้อมูลสถิติ", "ข้อมูลระเบียน"
#: the elements reaching past the window's right edge (a failure names them)
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(-8).map(e => e.tagName + '.' + [...e.classList].join('.') + ' '
                  + Math.round(e.getBoundingClientRect().right))"""
BE_TIME = re.compile(r"\d{1,2} [ก-๙.]+ 25\d\d \d\d:\d\d น\.")


def _shot(page, name, phone_top=None):
    """The window as it is; on a phone, scrolled to ``phone_top`` first (the
    part the picture is about, below the organization's block)."""
    if phone_top and name.endswith("-390"):
        # Bootstrap scrolls smoothly: the picture would catch it half-way
        page.locator(phone_top).first.evaluate(
            "el => { document.documentElement.style.scrollBehavior = 'auto';"
            " el.scrollIntoView({block: 'start', behavior: 'instant'}); }")
        page.wait_for_timeout(200)
    doc_shot(page, name)


def _open_filters(page, width):
    """A phone shows the facets behind CKAN's "Filter Results" button."""
    if width == 390 and page.locator("a.show-filters").count():
        page.locator("a.show-filters").first.click()
        page.wait_for_timeout(400)


@pytest.fixture
def catalog():
    admin = factories.User(password=PASSWORD)
    org = factories.Organization(name="dept-health", title="กรมควบคุมโรค",
                                 focus_areas=["health"], image_url="",
                                 description="หน่วยงานทดสอบ",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    for name, title, data_type, focus in (
            ("patients", "สถิติผู้ป่วยโรคไข้เลือดออก", STAT, "health"),
            ("incomes", "สถิติรายได้ครัวเรือน", STAT, "economy"),
            ("clinics", "ทะเบียนสถานพยาบาล", RECORD, "health")):
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name=name, title=title,
                                             data_type=data_type, focus_area=focus))
    return admin, org


def _check_page(page, width, whole, phrases):
    """No sideways scroll at 390 px; no English string of the catalog."""
    page.wait_for_load_state("networkidle")
    if width == 390:
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, (page.url, wide, page.evaluate(WIDEST))
    english = untranslated(page.content(), whole, phrases,
                           tk.config.get("ckan.site_title") or "")
    assert not english, (page.url, english)


def test_an_admin_imports_a_workbook_in_thai(live_server, sized, catalog, tmp_path):
    page, width = sized
    admin, org = catalog
    whole, phrases = catalog_english()
    login(page, live_server, admin["name"], PASSWORD)

    # from the organization's KPI page to the import page
    page.goto(f"{live_server}/th/organization/{org['name']}/kpi?year=2565")
    page.click(".opdc-kpi-import-link a")
    page.wait_for_url(re.compile(rf"/organization/{org['name']}/import$"))
    _check_page(page, width, whole, phrases)
    _shot(page, f"import-{width}", ".primary h1")
    with page.expect_download() as download:
        page.click(".opdc-kpi-import-template a")
    template = download.value
    assert template.suggested_filename.endswith(".xlsx")
    assert os.path.getsize(template.path()) > 5000

    # a workbook with an error in one row: numbers, the workbook's headers, Thai
    rows = [dga_dataset_dict(name="DataSet_11_01", title="สถิติผู้ป่วยรายเดือน"),
            dga_dataset_dict(name="DataSet_11_02", title="สถิติผู้ป่วยรายปี",
                             maintainer_email="ไม่มีอีเมล")]
    _workbook(tmp_path / "book.xlsx", rows,
              header_edits={"maintainer_email": "5. อีเมลผู้ติดต่อ"})
    page.set_input_files("#field-workbook", str(tmp_path / "book.xlsx"))
    page.click("button[value='check']")
    page.wait_for_url(re.compile(r"/import/[0-9a-f-]{36}$"))
    _work_off_jobs()
    page.reload()
    counts = page.locator(".opdc-kpi-import-counts").first
    assert re.findall(r"\d+", counts.inner_text()) == ["1", "0", "1"], counts.inner_text()
    assert "built-in" not in page.inner_text("body")
    error = page.locator("table.opdc-kpi-import-errors tbody tr").first
    cells = error.locator("td").all_inner_texts()
    assert cells[3] == "5. อีเมลผู้ติดต่อ"            # the workbook's own header
    assert "maintainer_email" not in " ".join(cells)
    assert BE_TIME.search(page.inner_text(".opdc-kpi-import-status"))
    # the errors need no sideways swipe either (the table's own scroll box)
    assert page.locator("table.opdc-kpi-import-errors").evaluate(
        "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    _check_page(page, width, whole, phrases)
    _shot(page, f"import-report-{width}", ".opdc-kpi-import-status")

    # fixed: checked, then imported from the report without a second upload
    page.goto(f"{live_server}/th/organization/{org['name']}/import")
    _workbook(tmp_path / "fixed.xlsx", rows[:1])
    page.set_input_files("#field-workbook", str(tmp_path / "fixed.xlsx"))
    page.click("button[value='check']")
    page.wait_for_url(re.compile(r"/import/[0-9a-f-]{36}$"))
    _work_off_jobs()
    page.reload()
    offer = page.locator("form.opdc-kpi-import-checked")
    assert "fixed.xlsx" in page.inner_text(".opdc-kpi-import-file")
    _check_page(page, width, whole, phrases)
    _shot(page, f"import-checked-{width}", ".opdc-kpi-import-status")
    checked_url = page.url
    offer.locator("button[type='submit']").click()
    page.wait_for_url(lambda url: url != checked_url and "/import/" in url)
    _work_off_jobs()
    page.reload()
    assert page.locator(".opdc-kpi-import-counts").last.get_attribute("data-create") == "1"


def test_a_citizen_finds_datasets_by_data_type_and_focus_area(live_server, sized, catalog):
    page, width = sized
    _, org = catalog
    whole, phrases = catalog_english()

    # a search naming a data type is offered its facet
    page.goto(f"{live_server}/th/dataset/?q={STAT}")
    _check_page(page, width, whole, phrases)
    hint = page.locator(".opdc-kpi-search-hints a[data-facet='data_type']")
    assert hint.inner_text().strip() == STAT
    _shot(page, f"search-hint-{width}")
    hint.click()
    page.wait_for_load_state("networkidle")
    assert parse_qs(urlparse(page.url).query)["data_type"] == [STAT]
    titles = set(page.locator(".dataset-heading a").all_inner_texts())
    assert {t.strip() for t in titles} == {"สถิติผู้ป่วยโรคไข้เลือดออก", "สถิติรายได้ครัวเรือน"}

    # the facets list Thai labels, on the search and the organization pages
    for url in (f"{live_server}/th/dataset/", f"{live_server}/th/organization/{org['name']}"):
        page.goto(url)
        _check_page(page, width, whole, phrases)
        body = page.content()
        assert "ข้อมูลสถิติ" in body and "ข้อมูลระเบียน" in body
        focus = page.locator("a[href*='vocab_opdc_focus_areas=health']").first
        shown = (focus.get_attribute("title") or "") + focus.text_content()
        assert "ด้านสุขภาพ" in shown and "health" not in focus.text_content().lower()
    _open_filters(page, width)
    _shot(page, f"organization-facets-{width}")
    page.goto(f"{live_server}/th/dataset/")
    _open_filters(page, width)
    _shot(page, f"search-facets-{width}")

    # a dataset's focus area: its Thai label, a link to the facet
    page.goto(f"{live_server}/th/dataset/incomes")
    _check_page(page, width, whole, phrases)
    tag = page.locator("a.opdc-kpi-focus-area-tag")
    assert tag.inner_text().strip() and "economy" not in tag.inner_text().lower()
    assert not page.locator(".tag-list a", has_text="economy").count()
    _shot(page, f"dataset-focus-area-{width}", ".opdc-kpi-focus-area")
    tag.click()
    page.wait_for_load_state("networkidle")
    assert parse_qs(urlparse(page.url).query)["vocab_opdc_focus_areas"] == ["economy"]
    assert [t.strip() for t in page.locator(".dataset-heading a").all_inner_texts()] == [
        "สถิติรายได้ครัวเรือน"]
