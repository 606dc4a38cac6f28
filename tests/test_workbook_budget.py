"""Workbooks are read within a budget. Each crafted .xlsx (tiny on disk,
``tests/workbook_files.py``) costs a naive reader gigabytes or many
seconds; each is refused, with a message naming the limit, in a fresh
process (``tests/workbook_probe.py``) whose peak resident size rises less
than 200 MB and which spends less than 2 s of processor time: the reader
itself, the remote tool's basket reader, the import page, its background
job and ``ckan opdc-kpi import --dry-run``. Nothing is written."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

import ckan.model as model
from ckan.tests import factories

from ckanext.opdc_kpi.excel.workbook import WorkbookError, read_workbook

from . import workbook_files


# the budget's module is imported by the tests that use it, so that each test
# fails on its own against a tree that does not have it

def check(path, budget=None):
    from ckanext.opdc_kpi.excel.budget import check as check_budget

    return check_budget(path, budget)


def Budget(**limits):  # noqa: N802 - the dataclass, imported where used
    from ckanext.opdc_kpi.excel.budget import Budget as Limits

    return Limits(**limits)


def _over_budget():
    from ckanext.opdc_kpi.excel.refusals import OverBudget

    return OverBudget

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: the issue's bounds for a hostile file, per path and file
RSS_MB = 200
CPU_SECONDS = 2.0
#: the child's clock: generous, the machine runs other work
WALL_SECONDS = 10.0
#: what each refusal names (English and Thai), and the limit's name
REFUSALS = {
    "shared_strings": ("max_shared_strings", "more than 500,000 shared strings",
                       "เกิน 500,000 รายการ"),
    "declared_width": ("max_columns", "declares the dimension A1:XFD20020, beyond the limit "
                       "of 1,000 columns", "เกินขีดจำกัด 1,000 คอลัมน์"),
    "far_column": ("max_columns", "has a cell in column XFD, beyond the limit of 1,000 "
                   "columns", "เกินขีดจำกัด 1,000 คอลัมน์"),
    "many_sheets": ("max_sheets", "more than 100 sheets", "เกิน 100 แผ่น"),
    "lying_sizes": ("declared_size", "inflates to more than the 4,096 bytes its header "
                    "declares", "ใหญ่กว่า 4,096 ไบต์"),
    "giant_cell": ("max_text_bytes", "sheet1.xml holds a text (a cell or a shared string) "
                   "longer than 256 KB", "ยาวเกิน 256 KB"),
    "giant_shared_string": ("max_text_bytes", "sharedStrings.xml holds a text (a cell or a "
                            "shared string) longer than 256 KB", "ยาวเกิน 256 KB"),
    "long_shared_strings": ("max_shared_strings_mb", "shared strings (xl/sharedStrings.xml) "
                            "inflate to more than 96 MB", "มีขนาดเกิน 96 MB"),
}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return workbook_files.build_all(tmp_path_factory.mktemp("crafted"))


def _probe(modes: str, paths, *options: str) -> dict[tuple[str, str], dict]:
    """The probe's report per (mode, file name without .xlsx). Its guard
    stops a child at 400 MB or 20 s, so a reader without limits fails fast."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.workbook_probe", modes, "--kill-mb", "400",
         "--kill-seconds", "20", *options, *[str(p) for p in paths]],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    reports = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    return {(r["mode"], r["file"].removesuffix(".xlsx")): r for r in reports}


def _within_budget(reports: dict[tuple[str, str], dict], modes: str) -> None:
    for mode in modes.split(","):
        for name, (_, english, _) in REFUSALS.items():
            report = reports[mode, name]
            assert report["outcome"] == "refused" and english in report["message"], report
            assert report["rss_mb"] < RSS_MB, report
            assert report["cpu_seconds"] < CPU_SECONDS, report
            assert report["seconds"] < WALL_SECONDS, report


def test_each_crafted_file_is_refused_before_it_is_opened(crafted):
    for name, path in crafted.items():
        limit, english, thai = REFUSALS[name]
        with pytest.raises(_over_budget()) as refused:
            check(path)
        assert refused.value.limit == limit
        assert english in refused.value.message("en") and thai in refused.value.message("th")


def test_the_reader_and_the_remote_basket_reader_refuse_each_crafted_file_within_budget(
        crafted):
    reports = _probe("reader,basket", crafted.values())
    _within_budget(reports, "reader,basket")
    assert all(r["message"].startswith("basket file: ")
               for (mode, _), r in reports.items() if mode == "basket")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")
def test_the_page_the_job_and_the_command_refuse_each_crafted_file_within_budget(
        crafted, tmp_path, ckan_config):
    import ckan.lib.jobs as jobs

    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    storage = tmp_path / "storage"
    ini = os.environ.get("CKAN_INI") or ckan_config["__file__"]
    reports = _probe("view,job,cli", crafted.values(), "--ini", ini, "--org", org["name"],
                     "--org-id", org["id"], "--user", admin["name"], "--token", admin["token"],
                     "--storage", str(storage))
    _within_budget(reports, "view,job,cli")
    for (mode, _), report in reports.items():
        if mode == "view":
            assert report["message"].startswith("400 "), report
        if mode == "job":   # the job removes the stored file, refused or not
            assert "left its file" not in report["message"], report
    # nothing written, nothing queued, no upload kept
    assert model.Session.query(model.Package).filter_by(owner_org=org["id"]).count() == 0
    assert jobs.get_queue().count == 0
    assert not list(storage.rglob("*.xlsx"))


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")
def test_the_page_names_the_limit_in_its_language_and_keeps_nothing(app, tmp_path, ckan_config):
    import ckan.lib.jobs as jobs

    ckan_config["ckanext.opdc_kpi.workbook.max_sheets"] = "2"
    ckan_config["ckan.storage_path"] = str(tmp_path / "storage")
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    path = workbook_files.many_sheets(tmp_path / "sheets.xlsx", sheets=3)
    for prefix, expected in (("", "more than 2 sheets"), ("/th", "แผ่นงานเกิน 2 แผ่น")):
        with open(path, "rb") as handle:
            answer = app.post(f"{prefix}/organization/{org['name']}/import",
                              data={"run": "import", "workbook": (handle, "sheets.xlsx")},
                              headers={"Authorization": admin["token"]},
                              content_type="multipart/form-data", follow_redirects=False)
        assert answer.status_code == 400 and expected in answer.get_data(as_text=True), prefix
    assert jobs.get_queue().count == 0 and not list((tmp_path / "storage").rglob("*.xlsx"))


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")
def test_a_body_larger_than_the_page_reads_is_a_413_and_nothing_is_queued(app):
    import io

    import ckan.lib.jobs as jobs

    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    answer = app.post(f"/organization/{org['name']}/import",
                      data={"run": "check",
                            "workbook": (io.BytesIO(b"\0" * (21 * 2**20 + 1)), "big.xlsx")},
                      headers={"Authorization": admin["token"]},
                      content_type="multipart/form-data", follow_redirects=False)
    assert answer.status_code == 413
    assert "larger than 20 MB" in answer.get_data(as_text=True)
    assert jobs.get_queue().count == 0


def test_the_production_server_refuses_a_body_over_the_largest_workbook_upload():
    """uWSGI's limit-post: above the 20 MB workbook and its form (what the
    import page reads), and a real limit (not a gigabyte)."""
    import configparser

    from ckanext.opdc_kpi.excel.workbook import MAX_BYTES

    ini = configparser.ConfigParser(strict=False, interpolation=None)
    ini.read(ROOT / "scripts" / "production" / "uwsgi.ini")
    assert "limit-post" in ini["uwsgi"], "no request body limit in uwsgi.ini"
    limit = int(ini["uwsgi"]["limit-post"])
    from ckanext.opdc_kpi.views.workbooks import MAX_REQUEST_BYTES

    assert MAX_BYTES < MAX_REQUEST_BYTES <= limit <= 2 * MAX_BYTES


def test_a_zip_directory_announcing_too_many_parts_is_refused_before_zipfile_reads_it(tmp_path):
    path = workbook_files.many_sheets(tmp_path / "book.xlsx", sheets=3)
    with pytest.raises(_over_budget()) as refused:
        check(path, Budget(max_parts=3))
    assert refused.value.limit == "max_parts"


def test_a_part_read_whole_is_held_to_its_own_limit(tmp_path):
    """openpyxl parses the styles (and every part but the sheets and the
    shared strings) into a tree: such a part may not be a big one."""
    import zipfile

    path = tmp_path / "book.xlsx"
    shutil.copy(workbook_files.declared_width_bomb(tmp_path / "base.xlsx", rows=10), path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/styles.xml", "<styleSheet>" + "<x/>" * 300_000 + "</styleSheet>")
    with pytest.raises(_over_budget()) as refused:
        check(path, Budget(max_columns=20_000))
    assert refused.value.limit == "max_whole_part_tags"
    assert "xl/styles.xml" in str(refused.value)


def test_a_part_declaring_entities_is_refused_unread(tmp_path):
    """Entities expand a few hundred bytes into gigabytes; no workbook part
    declares a DTD."""
    import zipfile

    path = tmp_path / "book.xlsx"
    shutil.copy(workbook_files.declared_width_bomb(tmp_path / "base.xlsx", rows=10), path)
    laughs = "".join(f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10 if n else "lol"}">'
                     for n in range(10))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/styles.xml", f'<?xml version="1.0"?><!DOCTYPE s [{laughs}]>'
                                          "<styleSheet>&l9;</styleSheet>")
    with pytest.raises(_over_budget()) as refused:
        check(path, Budget(max_columns=20_000))
    assert refused.value.limit == "dtd" and "xl/styles.xml" in str(refused.value)


def test_resource_rows_are_never_cut_off(tmp_path):
    """Every resource row is read, down to the limit; one more is a refusal
    (the resource sheets were cut at 20,020 rows without a word)."""
    from ckanext.opdc_kpi.excel.writer import write_workbook

    from .factories_dga import dga_dataset_dict

    resources = [{"name": f"r{n}", "url": f"https://d.example.go.th/{n}.csv", "format": "CSV"}
                 for n in range(30)]
    path = tmp_path / "book.xlsx"
    write_workbook([dga_dataset_dict(name="many-resources", resources=resources)], path)
    assert len(read_workbook(path, max_resource_rows=30).datasets[0].resources) == 30
    with pytest.raises(WorkbookError, match="more than 29 resource rows"):
        read_workbook(path, max_resource_rows=29)


def test_an_unreadable_sheet_is_a_workbook_error_not_a_crash(tmp_path):
    """A cell pointing at a shared string that does not exist made openpyxl
    raise IndexError out of the reader (a 500 on the page)."""
    import zipfile

    path = tmp_path / "book.xlsx"
    parts = workbook_files._workbook_parts(["Temp2_Meta_Stat"], [1], shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = workbook_files._sheet(
        [workbook_files._HEADER, '<row r="6"><c r="A6" t="s"><v>99</v></c></row>'])
    workbook_files._write(path, parts)
    assert zipfile.ZipFile(path).testzip() is None
    with pytest.raises(WorkbookError, match="not a readable"):
        read_workbook(path)


# --- a real workbook of 20,000 rows ---------------------------------------------------

@pytest.fixture(scope="module")
def full_workbook(tmp_path_factory):
    return workbook_files.full_workbook(tmp_path_factory.mktemp("full") / "full.xlsx")


def test_the_20000_row_workbook_has_the_parts_openpyxl_writes(tmp_path):
    """The tests' 20,000-row workbook is written part by part as openpyxl
    writes it (the benchmark's is saved by openpyxl): same rows, cells and
    texts, the same size within 2 %."""
    ours = workbook_files.full_workbook(tmp_path / "xml.xlsx", rows=300)
    saved = workbook_files.full_workbook(tmp_path / "openpyxl.xlsx", rows=300, writer="openpyxl")
    a, b = check(ours), check(saved)
    assert (a["rows"], a["cells"], a["sheets"]) == (b["rows"], b["cells"], b["sheets"])
    assert abs(a["inflated_bytes"] - b["inflated_bytes"]) < 0.02 * b["inflated_bytes"]
    read_ours, read_saved = read_workbook(ours), read_workbook(saved)
    assert [(d.code, d.fields, [r.fields for r in d.resources]) for d in read_ours.datasets] == \
        [(d.code, d.fields, [r.fields for r in d.resources]) for d in read_saved.datasets]
    assert len(read_ours.datasets) == 300 and not read_ours.problems


def test_a_20000_row_workbook_with_every_column_is_within_the_default_budget(full_workbook):
    started = time.process_time()
    counts = check(full_workbook)
    assert time.process_time() - started < CPU_SECONDS
    assert counts["sheets"] == 10 and counts["rows"] == 60_050
    assert counts["inflated_bytes"] > 140 * 2**20


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")
def test_a_20000_row_dry_run_is_queued_and_the_page_answers_at_once(app, full_workbook,
                                                                    tmp_path, ckan_config):
    """The dry run (and the import) of a 20,000-row workbook runs as a job:
    the POST stores the file, checks its budget and answers in under 2 s."""
    import ckan.lib.jobs as jobs

    ckan_config["ckan.storage_path"] = str(tmp_path)
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    started, cpu = time.perf_counter(), time.process_time()
    with open(full_workbook, "rb") as handle:
        answer = app.post(f"/organization/{org['name']}/import",
                          data={"run": "check", "workbook": (handle, "full.xlsx")},
                          headers={"Authorization": admin["token"]},
                          content_type="multipart/form-data", follow_redirects=False)
    assert time.process_time() - cpu < CPU_SECONDS
    assert time.perf_counter() - started < WALL_SECONDS
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    (job,) = jobs.get_queue().jobs
    assert job.func_name.endswith(".run_workbook_job") and list(job.args[1:]) == [
        org["id"], {"focus_area": None, "kpi_years": None, "mission": None,
                    "work_process": None}, admin["name"], "check"]
    stored = pathlib.Path(job.args[0])
    assert stored.parent == tmp_path / "opdc_kpi" / "imports"
    assert stored.read_bytes() == full_workbook.read_bytes()
    page = app.get(answer.headers["Location"], headers={"Authorization": admin["token"]})
    assert page.status_code == 200 and 'data-status="queued"' in page.get_data(as_text=True)
    assert 'http-equiv="refresh"' in page.get_data(as_text=True)
