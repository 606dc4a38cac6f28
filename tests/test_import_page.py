"""Issue 27: the workbook import page as an organization admin uses it. The
report speaks the page's language and names the workbook's own columns;
its counts are numbers; a check without errors offers to import the same
file without a second upload; the empty template is a download away; every
message of the reader and the importer has its Thai text."""
from __future__ import annotations

import inspect
import os
import re
import time

import openpyxl
import pytest
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.excel import refusals
from ckanext.opdc_kpi.excel.workbook import header_field, read_workbook
from ckanext.opdc_kpi.excel.writer import LISTS_SHEET, write_workbook
from ckanext.opdc_kpi.logic import site as site_logic
from ckanext.opdc_kpi.logic import workbooks

from .factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")]

THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture
def site(tmp_path, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    admin = factories.UserWithToken()
    other_admin = factories.UserWithToken()
    editor = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": other_admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"}])
    return {"org": org, "admin": admin, "other_admin": other_admin, "editor": editor,
            "storage": tmp_path / "storage", "tmp": tmp_path}


def _headers(user):
    return {"Authorization": user["token"]}


def _workbook(path, rows, header_edits=None):
    """The export's layout; ``header_edits``: {field: header text} written
    into the Temp2_Meta_Stat header row instead of the template's."""
    write_workbook(rows, path)
    if header_edits:
        book = openpyxl.load_workbook(path)
        sheet = book["Temp2_Meta_Stat"]
        for cell in sheet[4]:
            field = header_field(cell.value, False)
            if field in header_edits:
                cell.value = header_edits[field]
        book.save(path)
    return path


def _upload(app, site, path, user=None, run="check", prefix="/th", name="สมุดงาน.xlsx"):
    with open(path, "rb") as handle:
        return app.post(f"{prefix}/organization/{site['org']['name']}/import",
                        data={"run": run, "workbook": (handle, name)},
                        headers=_headers(user or site["admin"]),
                        content_type="multipart/form-data", follow_redirects=False)


def _work_off_jobs():
    import ckan.lib.jobs as jobs
    from rq import SimpleWorker

    queue = jobs.get_queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def _page(app, url, user):
    response = app.get(url, headers=_headers(user))
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _kept(site):
    return sorted(site["storage"].rglob("*.xlsx"))


# --- the report ------------------------------------------------------------------------

def test_the_report_names_the_workbook_columns_in_the_page_language(app, site):
    rows = [dga_dataset_dict(name="good-row"),
            dga_dataset_dict(name="bad-row", maintainer_email="nope")]
    path = _workbook(site["tmp"] / "book.xlsx", rows,
                     header_edits={"maintainer_email": "5. อีเมลผู้ติดต่อ"})
    answer = _upload(app, site, path)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    status = answer.headers["Location"].split("/import/")[-1]
    _work_off_jobs()
    url = f"/organization/{site['org']['name']}/import/{status}"
    thai = _page(app, "/th" + url, site["admin"])
    counts = thai.select_one(".opdc-kpi-import-counts")
    assert (counts["data-create"], counts["data-update"], counts["data-error"]) == ("1", "0", "1")
    assert "built-in method" not in counts.get_text()
    assert re.findall(r"\d+|<[^>]*>", counts.get_text(" ", strip=True)) == ["1", "0", "1"]
    (error,) = thai.select("table.opdc-kpi-import-errors tbody tr")
    cells = [td.get_text(" ", strip=True) for td in error.select("td")]
    assert cells[0] == "Temp2_Meta_Stat" and cells[1] == "7"
    assert cells[3] == "5. อีเมลผู้ติดต่อ"        # the workbook's own header
    assert "maintainer_email" not in error.get_text() and THAI.search(cells[4])
    assert thai.select_one(".opdc-kpi-import-status dd").get_text(strip=True) != "finished"
    english = _page(app, "/en" + url, site["admin"])
    message = english.select("table.opdc-kpi-import-errors tbody tr td")[4].get_text()
    assert message.strip() and not THAI.search(message), message
    assert not english.select("form.opdc-kpi-import-checked")    # an error: no import offered
    assert english.select_one(".opdc-kpi-import-fix")
    assert not _kept(site)                                       # nothing kept after errors


def test_a_resource_error_names_the_resource_sheet_row_and_column(site):
    """The schema reports a resource's error by its position in the dataset
    (``resources[2].format``); the report names its sheet, row and column.
    A reader's problem in a resource sheet (a date) names its column too."""
    rows = [dga_dataset_dict(name="res-row", resources=[
        {"name": "ดี", "url": "https://d.example.go.th/a.csv", "format": "CSV"},
        {"name": "สอง", "url": "https://d.example.go.th/b.csv", "format": "CSV",
         "resource_created_date": "2023-01-01"}])]
    path = _workbook(site["tmp"] / "res.xlsx", rows)
    book = openpyxl.load_workbook(path)
    sheet = book["Temp3_Resource_Stat"]
    date_column = [header_field(c.value, True) for c in sheet[4]].index(
        "resource_created_date") + 1
    sheet.cell(row=7, column=date_column, value="วันที่ผิด")
    book.save(path)
    workbook = read_workbook(path)
    (problem,) = workbook.problems
    results = workbooks.import_workbook(
        {"user": site["admin"]["name"], "ignore_auth": False}, workbook,
        org=site["org"]["id"], dry_run=True)
    (reported,) = [e for r in results for e in r["errors"]
                   if e["field"] == "resource_created_date"]
    assert reported["column"] == workbook.column("Temp3_Resource_Stat",
                                                 "resource_created_date")
    assert "(resource_created_date)" in reported["column"]
    assert THAI.search(reported["messages"]["th"]) and not THAI.search(
        reported["messages"]["en"].replace("วันที่ผิด", ""))

    schema_said = [{"sheet": "Temp2_Meta_Stat", "row": 6, "code": "res-row",
                    "action": "error", "errors": [{"field": "resources[2].format",
                                                   "message": "x"}]}]
    (error,) = workbooks.locate(workbook, schema_said)[0]["errors"]
    assert (error["sheet"], error["row"]) == ("Temp3_Resource_Stat", 7)
    assert error["column"] == workbook.column("Temp3_Resource_Stat", "format")
    assert error["column"]


# --- a checked file, imported without a second upload ---------------------------------

def test_a_checked_file_is_imported_from_its_page_without_a_second_upload(app, site):
    path = _workbook(site["tmp"] / "good.xlsx",
                     [dga_dataset_dict(name=f"checked-{n}") for n in range(2)])
    answer = _upload(app, site, path, name="แผนข้อมูล 2567.xlsx")
    check_url = answer.headers["Location"]
    _work_off_jobs()
    assert len(_kept(site)) == 1                      # kept for the import
    page = _page(app, check_url, site["admin"])
    assert "แผนข้อมูล 2567.xlsx" in page.select_one(".opdc-kpi-import-file").get_text()
    form = page.select_one("form.opdc-kpi-import-checked")
    assert form["method"] == "post" and form.select_one("input[name=_csrf_token]")
    assert model.Package.get("checked-0") is None     # a check writes nothing

    # only the one who checked it (or a sysadmin) may import it
    assert app.post(form["action"], headers=_headers(site["other_admin"]),
                    follow_redirects=False).status_code == 404
    started = app.post(form["action"], headers=_headers(site["admin"]), follow_redirects=False)
    assert started.status_code == 302
    import_url = started.headers["Location"]
    assert import_url != check_url
    _work_off_jobs()
    done = _page(app, import_url, site["admin"])
    imported = done.select(".opdc-kpi-import-counts")[-1]
    assert imported["data-create"] == "2"
    assert [helpers.call_action("package_show", id=f"checked-{n}")["name"] for n in range(2)]
    assert not _kept(site)                            # the import removed it

    again = app.post(form["action"], headers=_headers(site["admin"]), follow_redirects=True)
    assert "กรุณาอัปโหลดไฟล์อีกครั้ง" in again.get_data(as_text=True) or (
        "upload it again" in again.get_data(as_text=True))
    import ckan.lib.jobs as jobs
    assert not jobs.get_queue().jobs                  # nothing queued the second time


def test_uploads_kept_longer_than_a_day_are_removed(site):
    from ckanext.opdc_kpi.logic.workbooks.jobs import KEEP_SECONDS, uploads_folder

    folder = uploads_folder()
    old, fresh = folder / "old.xlsx", folder / "fresh.xlsx"
    for path in (old, fresh):
        path.write_bytes(b"x")
    past = time.time() - KEEP_SECONDS - 60
    os.utime(old, (past, past))
    assert workbooks.sweep_uploads() == 1
    assert not old.exists() and fresh.exists()


# --- the template ----------------------------------------------------------------------

def test_the_empty_template_is_what_the_import_reads(app, site, tmp_path):
    url = f"/organization/{site['org']['name']}/import/template"
    assert app.get(url, headers=_headers(site["editor"])).status_code == 403
    response = app.get(url, headers=_headers(site["admin"]))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.data)
    workbook = read_workbook(path)
    assert (workbook.datasets, workbook.problems) == ([], [])
    book = openpyxl.load_workbook(path)
    meta = [s for s in book.sheetnames if s.startswith("Temp2_Meta_")]
    assert len(meta) == 5 and LISTS_SHEET in book.sheetnames
    for name in book.sheetnames:
        if name == LISTS_SHEET:
            continue
        headers = [c.value for c in book[name][4]]
        assert all(header_field(h, name.startswith("Temp3")) for h in headers), name
        hints = [c.value for c in book[name][5]]
        assert all(h.startswith("(") for h in hints) and THAI.search(" ".join(hints))
    stat = book["Temp2_Meta_Stat"]
    type_column = [header_field(c.value, False) for c in stat[4]].index("data_type") + 1
    letter = openpyxl.utils.get_column_letter(type_column)
    lists = [v for v in stat.data_validations.dataValidation
             if f"{letter}6" in str(v.sqref)]
    assert lists and lists[0].type == "list"
    # a row filled from the drop-downs' Thai labels imports
    stat.append(["DS_01", "ข้อมูลสถิติ"])
    book.save(path)
    assert read_workbook(path).datasets[0].fields["data_type"] == "ข้อมูลสถิติ"


# --- every message has its Thai --------------------------------------------------------

def test_every_refusal_of_the_reader_has_its_thai_text():
    samples = {"detail": "BadZipFile", "size": 30 * refusals.MB, "limit_bytes": refusals.MB,
               "count": 5, "limit": 3, "part": "xl/sharedStrings.xml", "declared": 10,
               "where_en": "declares the dimension A1:XFD2", "where_th": "ระบุขนาด A1:XFD2",
               "amount": 7, "unit_en": "tags", "unit_th": "แท็ก"}
    made = 0
    for name, factory in vars(refusals).items():
        if not inspect.isfunction(factory) or name.startswith("_"):
            continue
        params = inspect.signature(factory).parameters
        error = factory(**{p: samples.get(p, "x") for p in params if p in samples or
                           params[p].default is inspect.Parameter.empty})
        assert THAI.search(error.message_th) and not THAI.search(error.message_en), name
        assert error.message("th") == error.message_th, name
        made += 1
    assert made >= 10
    assert "BadZipFile" not in refusals.unreadable("BadZipFile").message_th.split("(รหัส")[0]


def test_a_file_that_is_no_workbook_is_refused_in_thai(app, site):
    path = site["tmp"] / "not.xlsx"
    path.write_bytes(b"name,title\nx,y\n")
    answer = _upload(app, site, path)
    assert answer.status_code == 400
    alert = BeautifulSoup(answer.get_data(as_text=True), "html.parser").select_one(
        ".opdc-kpi-import-error").get_text()
    assert "ไม่ใช่สมุดงาน Excel" in alert and "not a readable" not in alert
    no_sheets = site["tmp"] / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(no_sheets)
    answer = _upload(app, site, no_sheets)
    assert answer.status_code == 302
    _work_off_jobs()
    page = _page(app, answer.headers["Location"], site["admin"])
    assert "ไม่มีแผ่นงาน Temp2_Meta_*" in page.select_one(".opdc-kpi-import-error").get_text()


def test_a_workbook_without_data_rows_is_refused_with_what_to_fill_in(app, site, tmp_path):
    """The empty template checked (or imported) as it is: not "0 rows, 0
    errors" with nothing to do next (nor, for an import, "fix the rows with
    errors first"), but why, in Thai: no data row under the headers."""
    template = app.get(f"/organization/{site['org']['name']}/import/template",
                       headers=_headers(site["admin"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(template.data)
    for run in ("check", "import"):
        answer = _upload(app, site, path, run=run)
        assert answer.status_code == 302
        _work_off_jobs()
        page = _page(app, answer.headers["Location"], site["admin"])
        alert = page.select_one(".opdc-kpi-import-error")
        assert alert is not None, page.select_one(".primary").get_text(" ", strip=True)
        assert "ไม่มีแถวข้อมูล" in alert.get_text() and "แถวที่ 4" in alert.get_text()
        assert not page.select("form.opdc-kpi-import-checked")
    assert not sorted(site["storage"].rglob("*.xlsx"))          # nothing kept


def test_the_import_page_says_where_the_rows_go(app, site):
    """Before any upload, the page says what the empty template holds: the
    headers (row 4), the hints (row 5, not read) and the data from row 6."""
    for prefix, words in (("/th", ("แถวที่ 4", "แถวที่ 5", "ตั้งแต่แถวที่ 6")),
                          ("/en", ("row 4", "row 5 (not read)", "from row 6"))):
        page = _page(app, f"{prefix}/organization/{site['org']['name']}/import", site["admin"])
        text = page.select_one(".primary").get_text(" ", strip=True)
        assert all(w in text for w in words), text
        # the year's example is this fiscal year (พ.ศ.), not a fixed one
        assert page.select_one("#field-year")["placeholder"] == str(
            site_logic.current_fiscal_year())


def test_a_row_typed_over_the_hints_is_refused_saying_where_data_starts(app, site, tmp_path):
    """The first row under the headers is the hints row (5), which is not
    read: a dataset typed there, over some of the hints, is refused as
    "no data rows"; the refusal says the data starts on row 6 and that row
    5 is not read, so the admin knows where to move it."""
    template = app.get(f"/organization/{site['org']['name']}/import/template",
                       headers=_headers(site["admin"]))
    path = tmp_path / "typed-over-hints.xlsx"
    path.write_bytes(template.data)
    book = openpyxl.load_workbook(path)
    sheet = book["Temp2_Meta_Record"]
    typed = {"dataset_code": "ROW5-001", "title": "ชุดข้อมูลในแถวคำแนะนำ",
             "maintainer": "สมชาย", "notes": "รายละเอียด"}
    for cell in sheet[4]:
        if header_field(cell.value, False) in typed:
            sheet.cell(row=5, column=cell.column, value=typed[header_field(cell.value, False)])
    book.save(path)
    for prefix, words in (("/th", ("แถวที่ 6", "แถวที่ 5 ซึ่งระบบไม่อ่าน")),
                          ("/en", ("from row 6", "row 5, which is not read"))):
        answer = _upload(app, site, path, prefix=prefix)
        _work_off_jobs()
        page = _page(app, answer.headers["Location"], site["admin"])
        alert = page.select_one(".opdc-kpi-import-error").get_text(" ", strip=True)
        assert all(w in alert for w in words), alert

def test_a_waiting_job_tells_the_admin_what_to_do_not_a_developer_command(app, site, tmp_path):
    """While the file waits for the jobs worker, the page speaks to an
    organization admin: whom to ask if it keeps waiting, in the page's
    language; not the developer's command that starts a worker."""
    path = _workbook(tmp_path / "waiting.xlsx", [dga_dataset_dict(name="waiting-row")])
    for prefix, ask in (("/th", "แจ้งผู้ดูแลระบบ"), ("/en", "ask the site's administrators")):
        answer = _upload(app, site, path, prefix=prefix)
        page = _page(app, answer.headers["Location"], site["admin"])
        assert page.select_one(".opdc-kpi-import-status")["data-status"] == "queued"
        text = page.select_one(".primary").get_text(" ", strip=True)
        assert "make serve" not in text and ask in text, text

def test_a_refused_workbook_leads_back_to_the_import_page(app, site, tmp_path):
    """The status page of a refused file (here the empty template) says
    "upload it again": it offers the way to do so, a button back to the
    import page, as a checked file's report does (was: a dead end)."""
    template = app.get(f"/organization/{site['org']['name']}/import/template",
                       headers=_headers(site["admin"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(template.data)
    for prefix in ("/th", "/en"):
        answer = _upload(app, site, path, prefix=prefix)
        _work_off_jobs()
        page = _page(app, answer.headers["Location"], site["admin"])
        assert page.select_one(".opdc-kpi-import-error") is not None
        back = [a.get("href") for a in page.select(".primary a.btn, .module-content a.btn")]
        assert f"{prefix}/organization/{site['org']['name']}/import" in back, back
