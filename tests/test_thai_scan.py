"""Issue 27, item 9: no string of the extension's catalog is left in
English on a Thai page. Every page of the extension (and CKAN's pages it
adds to: search, organization, dataset, the dataset form) is rendered in
Thai as the people who use it see it, and its text (and the titles, labels
and placeholders a screen reader or a pointer shows) is scanned for the
English of each catalog entry whose Thai differs: a text that is exactly
one entry, or that contains a phrase of one (two words or more)."""
from __future__ import annotations

import json
import pathlib
import re

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from .factories_dga import dga_dataset_dict
from .test_import_page import _upload, _work_off_jobs, _workbook

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis", "clean_index")

PO = (pathlib.Path(__file__).resolve().parents[1] / "ckanext" / "opdc_kpi" / "i18n" / "th"
      / "LC_MESSAGES" / "ckanext-opdc_kpi.po")
#: the literal parts of a msgid around its placeholders
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sd]|%[sd]")
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


def catalog_english() -> tuple[set[str], set[str]]:
    """(whole texts, phrases): the English of the catalog's entries whose
    Thai differs. A whole text is an entry without placeholders; a phrase is
    a literal part of an entry of two words or more. Parts that a Thai
    translation itself contains (e.g. "Focus Area" in "ประเด็นมุ่งเน้น (Focus
    Area)") are left out."""
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="th")
    entries = [(m.id, m.string) for m in catalog
               if m.id and isinstance(m.id, str) and m.string and m.string != m.id]
    thai = " ".join(string for _, string in entries)
    whole, phrases = set(), set()
    for english, _ in entries:
        for part in PLACEHOLDER.split(english):
            part = part.strip(" :;,.—-()")
            if not re.search(r"[A-Za-z]{2}", part) or part in thai:
                continue
            if part == english.strip(" :;,.—-()"):
                whole.add(part)
            if len(part.split()) >= 2 and len(part) >= 8:
                phrases.add(part)
    return whole, phrases


def untranslated(html: str, whole: set[str], phrases: set[str], site_title: str = ""
                 ) -> list[str]:
    """The catalog's English found in a page: as a text node or attribute
    of its own (``whole``) or inside one (``phrases``). The site's title is
    the site's own name, not a string of the catalog: it is left out."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "noscript"]):
        hidden.decompose()
    texts = [" ".join(s.split()) for s in soup.find_all(string=True)]
    texts += [" ".join(str(tag[a]).split()) for a in ATTRIBUTES
              for tag in soup.find_all(attrs={a: True})]
    found = []
    if site_title:
        texts = [text.replace(site_title, " ").strip() for text in texts]
    for text in filter(None, texts):
        stripped = text.strip(" :;,.—-()")
        if stripped in whole:
            found.append(text)
            continue
        found += [f"{phrase!r} in {text[:120]!r}" for phrase in phrases if phrase in text]
    return sorted(set(found))


def test_the_scan_finds_an_english_catalog_string():
    """The check can fail: a page with English catalog text is caught."""
    whole, phrases = catalog_english()
    assert len(whole) > 100 and len(phrases) > 100
    page = ("<p>ตรวจแถวข้อมูล</p><p>Check the rows</p>"
            "<div>ดาวน์โหลด: Download the empty template (.xlsx) ที่นี่</div>"
            "<a title='Import a workbook'>x</a>")
    assert untranslated(page, whole, phrases) == [
        "'Download the empty template (.xlsx' in 'ดาวน์โหลด: Download the empty template (.xlsx) ที่นี่'",
        "Check the rows", "Import a workbook"]
    assert untranslated("<p>ตรวจแถวข้อมูล</p><p>ประเด็นมุ่งเน้น (Focus Area)</p>"
                        "<title>หน้าแรก - OPDC KPI catalog</title>",
                        whole, phrases, "OPDC KPI catalog") == []


def test_no_page_of_the_extension_shows_an_english_catalog_string_in_thai(app, tmp_path,
                                                                          ckan_config,
                                                                          monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    sysadmin = factories.SysadminWithToken()
    admin = factories.UserWithToken()
    org = factories.Organization(
        name="tourism-office", title="สำนักงานการท่องเที่ยว", focus_areas=["tourism"],
        catalog_url="https://c.example.go.th",
        users=[{"name": admin["name"], "capacity": "admin"}])
    dataset = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="arrivals",
                                                   title="สถิตินักท่องเที่ยว"))
    context = {"user": sysadmin["name"]}
    helpers.call_action("opdc_kpi_harvest_check", dict(context), id=org["id"])
    helpers.call_action("opdc_kpi_confirmation_create", dict(context), id=org["id"],
                        fiscal_year=2565, criterion="catalog", value=False, note="ทดสอบ")

    # an import check with an error in one row, and one without errors
    site = {"org": org, "admin": admin}
    good = dga_dataset_dict(owner_org=org["id"], name="DataSet_01", title="ข้อมูลหนึ่ง")
    bad = dict(good, name="DataSet_02", title="ข้อมูลสอง", maintainer_email="ไม่ใช่อีเมล")
    jobs = []
    for rows in ([good, bad], [good]):
        path = _workbook(tmp_path / f"book{len(jobs)}.xlsx", rows)
        response = _upload(app, site, path)
        assert response.status_code == 302, response.get_data(as_text=True)[-1000:]
        jobs.append(response.headers["Location"].split("?")[0].rstrip("/").rsplit("/", 1)[-1])
    _work_off_jobs()

    name = org["name"]
    pages = [
        (admin, f"/organization/{name}/kpi?year=2565"),
        (admin, f"/organization/{name}/kpi/assessments"),
        (admin, f"/organization/{name}/harvest-check"),
        (admin, f"/organization/{name}/import"),
        *[(admin, f"/organization/{name}/import/{job}") for job in jobs],
        (admin, f"/organization/{name}"),
        (admin, f"/dataset/{dataset['name']}"),
        (admin, "/dataset/?q=ข้อมูลสถิติ"),
        (admin, f"/dataset/new?owner_org={org['id']}"),
        (sysadmin, "/ckan-admin/opdc-kpi?year=2565"),
        (sysadmin, "/ckan-admin/opdc-kpi/assessors"),
    ]
    whole, phrases = catalog_english()
    found = {}
    for user, url in pages:
        response = app.get("/th" + url, headers={"Authorization": user["token"]})
        assert response.status_code == 200, (url, response.get_data(as_text=True)[-1500:])
        english = untranslated(response.get_data(as_text=True), whole, phrases,
                               tk.config.get("ckan.site_title") or "")
        if english:
            found[url] = english
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
