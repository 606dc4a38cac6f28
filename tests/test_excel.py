"""The OPDC/NSO workbook (Template 2/3): import, export, re-validation,
through CKAN's actions and the real database."""
from __future__ import annotations

import json

import openpyxl
import pytest

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.excel.workbook import (
    WorkbookError, be_to_iso, header_field, read_workbook)
from ckanext.opdc_kpi.excel.writer import write_workbook
from ckanext.opdc_kpi.logic import workbooks as excel
from ckanext.opdc_kpi.logic.workbooks import rows as row_writer
from ckanext.opdc_kpi.logic.workbooks import workers as excel_workers

from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

COMPARED = ("title", "data_type", "maintainer", "maintainer_email", "notes", "objective",
            "update_frequency_unit", "update_frequency_interval", "geo_coverage", "data_source",
            "data_format", "data_category", "license_id", "focus_area", "kpi_years", "mission",
            "work_process", "private")


def _context():
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def _workbook(tmp_path, datasets, name="book.xlsx"):
    path = tmp_path / name
    write_workbook(datasets, path)
    return path


def _keywords(pkg):
    return sorted(t["name"] for t in pkg["tags"] if not t.get("vocabulary_id"))


def test_export_then_import_into_an_empty_catalog_gives_the_same_metadata(tmp_path):
    org = factories.Organization()
    made = [
        factories.Dataset(**dga_dataset_dict(
            owner_org=org["id"], name="stat-one", objective=["พันธกิจหน่วยงาน", "มติคณะรัฐมนตรี"],
            data_format=["CSV", "XLS"], created_date="2023-12-31",
            resources=[{"name": "ไฟล์ CSV", "url": "https://d.example.go.th/1.csv",
                        "format": "CSV", "description": "รายเดือน"},
                       {"name": "PDF", "url": "https://d.example.go.th/1.pdf", "format": "PDF"}])),
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="record-two",
                                             data_type="ข้อมูลระเบียน", kpi_years=[2565, 2566],
                                             geo_coverage="อื่นๆ", geo_coverage_other="ลุ่มน้ำ")),
    ]
    context = _context()
    before = {d["name"]: helpers.call_action("package_show", id=d["id"]) for d in made}
    path = tmp_path / "export.xlsx"
    write_workbook(excel.export_datasets(context, org["name"]), path)
    for d in made:
        helpers.call_action("dataset_purge", context, id=d["id"])

    results = excel.import_workbook(context, read_workbook(path), org=org["name"])

    assert [r["action"] for r in results] == ["create", "create"], results
    for name, old in before.items():
        new = helpers.call_action("package_show", id=name)
        for field in COMPARED:
            assert new.get(field) == old.get(field), (name, field)
        assert _keywords(new) == _keywords(old)
        assert new.get("created_date") == old.get("created_date")
        strip = lambda rs: [(r["name"], r["url"], r["format"], r.get("description") or "")
                            for r in rs]  # noqa: E731
        assert strip(new["resources"]) == strip(old["resources"])
    assert helpers.call_action("package_show", id="record-two")["geo_coverage_other"] == "ลุ่มน้ำ"


def test_reimport_updates_instead_of_duplicating(tmp_path):
    org = factories.Organization()
    rows = [dga_dataset_dict(name=f"DataSet_11_0{n}") for n in range(1, 4)]
    path = _workbook(tmp_path, rows)
    context = _context()
    first = excel.import_workbook(context, read_workbook(path), org=org["id"])
    rows[0]["title"] = "ชื่อใหม่หลังแก้ไข"
    second = excel.import_workbook(context, read_workbook(_workbook(tmp_path, rows, "2.xlsx")),
                                   org=org["id"])
    assert [r["action"] for r in first] == ["create"] * 3
    assert [r["action"] for r in second] == ["update"] * 3
    assert model.Session.query(model.Package).filter_by(owner_org=org["id"]).count() == 3
    assert helpers.call_action("package_show", id="dataset_11_01")["title"] == "ชื่อใหม่หลังแก้ไข"


def test_a_bad_row_is_reported_by_sheet_row_and_field_and_never_half_written(tmp_path):
    org = factories.Organization()
    good = dga_dataset_dict(name="good-one")
    bad = dga_dataset_dict(name="bad-one", maintainer_email="not-an-email", geo_coverage="")
    path = _workbook(tmp_path, [good, bad])
    results = excel.import_workbook(_context(), read_workbook(path), org=org["id"])
    by_name = {r["name"]: r for r in results}
    assert by_name["good-one"]["action"] == "create"
    failed = by_name["bad-one"]
    assert failed["action"] == "error"
    assert failed["sheet"] == "Temp2_Meta_Stat" and failed["row"] == 7
    fields = {e["field"] for e in failed["errors"]}
    assert {"maintainer_email", "geo_coverage"} <= fields
    # Thai messages from the DGA checks
    assert any("อีเมล" in e["message"] for e in failed["errors"])
    assert model.Package.get("bad-one") is None


def test_dry_run_of_a_generated_1000_row_workbook_writes_nothing(tmp_path):
    org = factories.Organization()
    rows = [dga_dataset_dict(name=f"gen-{n:04d}") for n in range(1000)]
    rows[10]["objective"] = ["ไม่มีในรายการ"]          # becomes อื่นๆ + objective_other: valid
    rows[20]["update_frequency_interval"] = "สองครั้ง"   # invalid
    path = _workbook(tmp_path, rows)
    workbook = read_workbook(path)
    assert len(workbook.datasets) == 1000 and sum(len(d.resources) for d in workbook.datasets) == 1000
    results = excel.import_workbook(_context(), workbook, org=org["id"], dry_run=True)
    errors = [r for r in results if r["action"] == "error"]
    assert [r["name"] for r in errors] == ["gen-0020"]
    assert errors[0]["errors"][0]["field"] == "update_frequency_interval"
    assert sum(r["action"] == "create" for r in results) == 999
    assert model.Session.query(model.Package).count() == 0


def test_columns_are_matched_by_header_in_any_order(tmp_path):
    rows = [dga_dataset_dict(name="moved-columns")]
    path = _workbook(tmp_path, rows)
    book = openpyxl.load_workbook(path)
    sheet = book["Temp2_Meta_Stat"]
    columns = [list(col) for col in sheet.iter_cols(values_only=True)]
    columns.reverse()                                  # every column elsewhere
    columns.insert(3, [None, None, None, "คอลัมน์ใหม่ของรุ่น 2.2.x", "(กรอก)", "ค่าใด ๆ"])
    book.remove(sheet)
    moved = book.create_sheet("Temp2_Meta_Stat", 0)
    for values in zip(*[c + [None] * (6 - len(c)) for c in columns]):
        moved.append(list(values))
    book.save(path)
    original = read_workbook(_workbook(tmp_path, rows, "orig.xlsx")).datasets[0].fields
    assert read_workbook(path).datasets[0].fields == original


def test_headers_dates_and_limits():
    assert header_field("5. อีเมลล์ผู้ติดต่อ", False) == "maintainer_email"
    assert header_field("9.1 หน่วยความถี่ของการปรับปรุงข้อมูล", False) == "update_frequency_unit"
    assert header_field("รหัสชุดข้อมูลตามที่กำหนดใน", False) == "dataset_code"
    assert header_field("6.วันที่ปรับปรุงข้อมูลล่าสุด", True) == "resource_last_updated_date"
    assert header_field("focus_area", False) == "focus_area"
    assert be_to_iso("2566-12-31") == "2023-12-31"
    assert be_to_iso("๒๕๖๖-๐๑-๐๒") == "2023-01-02"
    with pytest.raises(ValueError):
        be_to_iso("31/12/2566")


def test_corrupt_and_oversized_files_get_clear_errors(tmp_path):
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(WorkbookError, match="not a readable"):
        read_workbook(corrupt)
    big = _workbook(tmp_path, [dga_dataset_dict()])
    with pytest.raises(WorkbookError, match="limit"):
        read_workbook(big, max_bytes=1000)
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(WorkbookError, match="Temp2_Meta"):
        read_workbook(other)


def test_validate_lists_legacy_datasets_and_changes_nothing(cli):
    org = factories.Organization()
    ok = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="fine"))
    legacy = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="legacy"))
    pkg = model.Package.get(legacy["id"])
    pkg.extras = {k: v for k, v in pkg.extras.items() if k != "data_source"}
    model.repo.commit()
    modified = model.Package.get(legacy["id"]).metadata_modified
    result = cli.invoke(ckan, ["opdc-kpi", "validate", "--org", org["name"], "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "legacy,data_source" in result.output and "fine," not in result.output
    assert model.Package.get(legacy["id"]).metadata_modified == modified
    assert ok


def test_cli_import_dry_run_and_import(cli, tmp_path):
    org = factories.Organization()
    path = _workbook(tmp_path, [dga_dataset_dict(name="cli-one", focus_area=None)])
    dry = cli.invoke(ckan, ["opdc-kpi", "import", str(path), "--org", org["name"], "--dry-run",
                            "--focus-area", "health", "--format", "json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output[dry.output.index("["):])[0]["action"] == "create"
    assert model.Package.get("cli-one") is None
    done = cli.invoke(ckan, ["opdc-kpi", "import", str(path), "--org", org["name"],
                             "--focus-area", "health"])
    assert done.exit_code == 0, done.output
    assert helpers.call_action("package_show", id="cli-one")["focus_area"] == "health"


def _upload(app, org, path, user, run="check", **form):
    data = {"run": run, **form}
    with open(path, "rb") as handle:
        data["workbook"] = (handle, "book.xlsx")
        return app.post(f"/organization/{org['name']}/import", data=data,
                        headers={"Authorization": user["token"]},
                        content_type="multipart/form-data", follow_redirects=False)


def test_import_page_is_for_organization_admins(app):
    org_admin = factories.UserWithToken()
    editor = factories.UserWithToken()
    org = factories.Organization(users=[{"name": org_admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"}])
    page = app.get(f"/organization/{org['name']}/import",
                   headers={"Authorization": org_admin["token"]})
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    assert app.get(f"/organization/{org['name']}/import",
                   headers={"Authorization": editor["token"]}).status_code == 403
    assert app.get(f"/organization/{org['name']}/import").status_code in (401, 403)


def _work_off_jobs():
    """Run the queued jobs in this process, as ``ckan jobs worker`` runs them
    (rq's SimpleWorker: the result and the meta are stored in Redis)."""
    import ckan.lib.jobs as jobs
    from rq import SimpleWorker

    queue = jobs.get_queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


@pytest.mark.usefixtures("clean_redis")
def test_the_check_runs_as_a_job_and_its_report_is_on_the_status_page(app, tmp_path,
                                                                        ckan_config):
    """"Check the rows" answers at once with the job's page; the job checks
    every row (nothing written) and the page then shows the report the
    check showed before: counts, and each error by sheet, row, field and
    Thai message."""
    import ckan.lib.jobs as jobs

    ckan_config["ckan.storage_path"] = str(tmp_path / "storage")
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    rows = [dga_dataset_dict(name="check-good"),
            dga_dataset_dict(name="check-bad", maintainer_email="nope")]
    answer = _upload(app, org, _workbook(tmp_path, rows), admin, run="check")
    assert answer.status_code == 302, answer.get_data(as_text=True)[-3000:]
    status_url = answer.headers["Location"]
    waiting = app.get(status_url, headers={"Authorization": admin["token"]})
    assert 'data-status="queued"' in waiting.get_data(as_text=True)
    (job,) = jobs.get_queue().jobs
    _work_off_jobs()
    assert job.result_ttl == 24 * 3600   # the report outlives rq's 500 s
    meta = job.get_meta(refresh=True)
    assert (meta["phase"], meta["done"], meta["total"]) == ("checking", 2, 2)
    page = app.get(status_url, headers={"Authorization": admin["token"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-status="finished"' in text
    assert "Check of 2 rows" in text and "1 new datasets, 0 updates, 1 rows with errors" in text
    assert "Temp2_Meta_Stat" in text and "maintainer_email" in text and "อีเมล" in text
    assert 'http-equiv="refresh"' not in text
    assert model.Package.get("check-good") is None and model.Package.get("check-bad") is None
    assert not list((tmp_path / "storage").rglob("*.xlsx"))   # the job removed the upload


@pytest.mark.usefixtures("clean_redis")
def test_import_page_checks_then_imports_in_the_background(app, tmp_path, ckan_config):
    ckan_config["ckan.storage_path"] = str(tmp_path / "storage")
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    bad = _workbook(tmp_path, [dga_dataset_dict(name="page-bad", maintainer_email="nope")])
    checked = _upload(app, org, bad, admin, run="import")
    assert checked.status_code == 302
    _work_off_jobs()
    text = app.get(checked.headers["Location"],
                   headers={"Authorization": admin["token"]}).get_data(as_text=True)
    assert "Temp2_Meta_Stat" in text and "maintainer_email" in text and "อีเมล" in text
    assert "Fix the rows with errors first: nothing was imported" in text
    assert model.Package.get("page-bad") is None

    good = _workbook(tmp_path, [dga_dataset_dict(name=f"page-{n}") for n in range(3)], "g.xlsx")
    started = _upload(app, org, good, admin, run="import")
    assert started.status_code == 302, started.get_data(as_text=True)[-3000:]
    status_url = started.headers["Location"]
    _work_off_jobs()
    done = app.get(status_url, headers={"Authorization": admin["token"]})
    assert done.status_code == 200
    assert "3 new datasets, 0 updates, 0 rows with errors" in done.get_data(as_text=True)
    assert [helpers.call_action("package_show", id=f"page-{n}")["name"] for n in range(3)]
    stranger = factories.UserWithToken()
    assert app.get(status_url, headers={"Authorization": stranger["token"]}).status_code == 403


@pytest.mark.usefixtures("clean_redis")
def test_a_job_given_a_file_over_the_budget_refuses_it_on_its_page(app, tmp_path, ckan_config):
    """The page checks the budget before it queues; a job that still meets
    a file over it (the limits changed meanwhile) refuses it the same way."""
    from . import workbook_files

    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    path = workbook_files.many_sheets(tmp_path / "sheets.xlsx", sheets=20)
    job = excel.enqueue(path, org["id"], {}, admin["name"], "check")
    ckan_config["ckanext.opdc_kpi.workbook.max_sheets"] = "10"
    _work_off_jobs()
    for prefix, expected in (("", "more than 10 sheets"), ("/th", "เกิน 10 แผ่น")):
        page = app.get(f"{prefix}/organization/{org['name']}/import/{job.id}",
                       headers={"Authorization": admin["token"]})
        assert expected in page.get_data(as_text=True), prefix
    assert not path.exists()


# --- importing with several processes -------------------------------------------------

def test_two_processes_import_like_one(tmp_path):
    """Shared new keywords are made once, results come back in workbook
    order, and a bad row is reported exactly as by one process."""
    org = factories.Organization()
    rows = [dga_dataset_dict(name=f"par-{n:03d}", tag_string=f"คำใหม่ร่วม, กลุ่ม{n % 5}")
            for n in range(220)]
    rows[30]["maintainer_email"] = "not-an-email"
    workbook = read_workbook(_workbook(tmp_path, rows))
    assert excel_workers.worker_count(2, len(workbook.datasets)) == 2
    results = excel.import_workbook(_context(), workbook, org=org["id"], workers=2)
    assert [r["row"] for r in results] == [d.row for d in workbook.datasets]
    assert [r["action"] for r in results].count("create") == 219
    assert results[30]["action"] == "error" and results[30]["errors"][0]["field"] == (
        "maintainer_email")
    assert model.Session.query(model.Package).filter_by(owner_org=org["id"]).count() == 219
    names = [t.name for t in model.Session.query(model.Tag).filter(
        model.Tag.vocabulary_id.is_(None), model.Tag.name.in_(
            ["คำใหม่ร่วม"] + [f"กลุ่ม{n}" for n in range(5)]))]
    assert sorted(names) == sorted(["คำใหม่ร่วม"] + [f"กลุ่ม{n}" for n in range(5)])  # once each
    assert _keywords(helpers.call_action("package_show", id="par-100")) == [
        "กลุ่ม0", "คำใหม่ร่วม"]


def test_a_failing_process_leaves_its_rows_reported_not_lost(tmp_path, monkeypatch):
    org = factories.Organization()
    rows = [dga_dataset_dict(name=f"stop-{n:03d}") for n in range(200)]
    workbook = read_workbook(_workbook(tmp_path, rows))
    real = row_writer.import_rows

    def one_then_crash(context, org_id, defaults, rows, dry_run, tick, results):
        real(context, org_id, defaults, rows[:1], dry_run, tick, results)
        raise RuntimeError("disk full")

    monkeypatch.setattr(row_writer, "import_rows", one_then_crash)
    results = excel_workers.import_in_processes(
        _context(), org["id"], {}, list(workbook.datasets), 2, None)
    assert len(results) == 200
    assert [r["action"] for r in results].count("create") == 2      # one per process
    failed = [r for r in results if r["action"] == "error"]
    assert len(failed) == 198 and "disk full" in failed[0]["errors"][0]["message"]
    assert model.Session.query(model.Package).filter_by(owner_org=org["id"]).count() == 2


def test_worker_count(ckan_config, monkeypatch):
    assert excel_workers.worker_count(4, 150) == 1          # too few rows to share
    assert excel_workers.worker_count(4, 10_000) == 4
    assert excel_workers.worker_count(99, 10_000) == excel_workers.MAX_WORKERS
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.import_workers", 1)
    assert excel_workers.worker_count(None, 10_000) == 1
