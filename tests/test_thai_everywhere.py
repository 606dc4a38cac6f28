"""Issue 27, item 6: the extension speaks Thai on Thai pages (English on
English ones): times in Bangkok time and the Buddhist era, the KPI
downloads with headers in the page's language, ใช่/ไม่ใช่, level names and
a first row with the score and level; and the import page is linked from
where an organization admin looks."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ckanext.opdc_kpi.scoring.localtime import time_text

from .export_support import read_csv, read_xlsx
from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

#: a time as pages showed it before: ISO text, or "... UTC"
RAW_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\bUTC\b(?!\+7)")


@pytest.fixture
def site():
    sysadmin = factories.SysadminWithToken()
    admin = factories.UserWithToken()
    member = factories.UserWithToken()
    org = factories.Organization(
        name="tourism-office", title="สำนักงานการท่องเที่ยว", focus_areas=["tourism"],
        catalog_url="https://c.example.go.th",
        users=[{"name": admin["name"], "capacity": "admin"},
               {"name": member["name"], "capacity": "member"}])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="arrivals",
                                         title="สถิตินักท่องเที่ยว"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="closed-one", private=True,
                                         title="ชุดข้อมูลภายใน"))
    return {"sysadmin": sysadmin, "admin": admin, "member": member, "org": org}


def _text(app, url, user):
    response = app.get(url, headers={"Authorization": user["token"]})
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return soup.get_text(" ", strip=True)


# --- times ------------------------------------------------------------------------------

def test_every_time_the_extension_shows_is_bangkok_time_in_the_page_language(app, site):
    sysadmin, org = site["sysadmin"], site["org"]
    context = {"user": sysadmin["name"]}
    checked = helpers.call_action("opdc_kpi_harvest_check", dict(context), id=org["id"])
    record = helpers.call_action("opdc_kpi_confirmation_create", dict(context), id=org["id"],
                                 fiscal_year=2565, criterion="catalog", value=False,
                                 note="URL เข้าไม่ได้")
    frozen = helpers.call_action("opdc_kpi_snapshot_create", dict(context), id=org["id"],
                                 fiscal_year=2565)["snapshots"][0]
    pages = {
        "kpi": f"/organization/{org['name']}/kpi?year=2565",
        "harvest": f"/organization/{org['name']}/harvest-check",
        "history": f"/organization/{org['name']}/kpi/assessments",
    }
    shown = {"kpi": (checked["checked_at"], record["created"], frozen["created"]),
             "harvest": (checked["checked_at"],),
             "history": (record["created"],)}
    for name, url in pages.items():
        for lang in ("th", "en"):
            text = _text(app, f"/{lang}{url}", sysadmin)
            for stamp in shown[name]:
                assert time_text(stamp, lang) in text, (name, lang, stamp)
            assert not RAW_TIME.search(text), (name, lang, RAW_TIME.search(text).group(0))
    thai = _text(app, f"/th{pages['harvest']}", sysadmin)
    assert re.search(r"\d{1,2} [ก-๙.]+ 25\d\d \d\d:\d\d น\.", thai)
    assert "(UTC+7)" in _text(app, f"/en{pages['harvest']}", sysadmin)


# --- downloads --------------------------------------------------------------------------

def test_the_organization_download_speaks_the_page_language(app, site):
    url = f"/organization/{site['org']['name']}/kpi?year=2565&format="
    headers = {"Authorization": site["admin"]["token"]}
    report = helpers.call_action("opdc_kpi_score", {"user": site["admin"]["name"]},
                                 id=site["org"]["id"], fiscal_year=2565)
    level = {"basic": "ขั้นต้น", "standard": "ขั้นมาตรฐาน", "advanced": "ขั้นก้าวหน้า",
             None: "ยังไม่ถึงขั้นต้น"}[report["level"]]

    first, rows = read_csv(app.get("/th" + url + "csv", headers=headers).data)
    assert first[:6] == ["สำนักงานการท่องเที่ยว", "ตัวชี้วัดระบบบัญชีข้อมูล ปีงบประมาณ 2565",
                         "คะแนน (เต็ม 100)", f"{report['score']}", "ระดับ", level]
    by_name = {r["ชื่อ URL"]: r for r in rows}
    assert set(by_name) == {"arrivals", "closed-one"}
    assert by_name["arrivals"]["ชุดข้อมูล"] == "สถิตินักท่องเที่ยว"
    assert by_name["arrivals"]["ส่วนตัว"] == "ไม่ใช่" and by_name["closed-one"]["ส่วนตัว"] == "ใช่"
    assert by_name["arrivals"]["ครบ 14 รายการ"] == "ใช่"
    assert by_name["arrivals"]["อยู่ในตะกร้าปีที่แล้ว"] == "ไม่ใช่"
    assert not {"name", "title", "private", "complete", "True", "False"} & {
        cell for row in rows for cell in (*row, *row.values())}

    first, header, cells = read_xlsx(app.get("/en" + url + "xlsx", headers=headers).data)
    assert [c.value for c in first[2:6]] == ["Score (of 100)", report["score"], "Level",
                                            {"basic": "Basic", "standard": "Standard",
                                             "advanced": "Advanced",
                                             None: "not reached"}[report["level"]]]
    assert first[3].data_type == "n"                       # the score is a number
    assert header[:3] == ["URL name", "Dataset", "Private"]
    private = header.index("Private")
    assert {row[0].value: row[private].value for row in cells} == {"arrivals": "No",
                                                                   "closed-one": "Yes"}


def test_the_national_download_speaks_the_page_language(app, site):
    url = "/ckan-admin/opdc-kpi?year=2565&format=csv"
    headers = {"Authorization": site["sysadmin"]["token"]}
    first, rows = read_csv(app.get("/th" + url, headers=headers).data)
    assert first == ["ตัวชี้วัดระบบบัญชีข้อมูล ปีงบประมาณ 2565", "หน่วยงาน", "1"]
    (row,) = rows
    assert row["ชื่อ URL"] == "tourism-office" and row["หน่วยงาน"] == "สำนักงานการท่องเที่ยว"
    assert row["ระดับ"] in ("ขั้นต้น", "ขั้นมาตรฐาน", "ขั้นก้าวหน้า", "ยังไม่ถึงขั้นต้น")
    assert "ขั้นมาตรฐาน: คำอธิบายข้อมูล (คะแนน)" in row
    first, rows = read_csv(app.get("/en" + url, headers=headers).data)
    assert first[0] == "Data Catalog KPI, fiscal year 2565"
    assert rows[0]["Level"] in ("Basic", "Standard", "Advanced", "not reached")
    assert "Standard: metadata (points)" in rows[0]


# --- the import page, linked ------------------------------------------------------------

def test_the_import_page_is_linked_for_those_who_may_import(app, site):
    org = site["org"]
    target = f"/organization/{org['name']}/import"
    for page in (f"/organization/{org['name']}", f"/organization/{org['name']}/kpi?year=2565"):
        for user, linked in ((site["admin"], True), (site["sysadmin"], True),
                             (site["member"], False)):
            response = app.get(page, headers={"Authorization": user["token"]})
            soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            hrefs = {a.get("href", "").split("?")[0] for a in soup.select("a")}
            assert (target in hrefs) is linked, (page, user["name"])
