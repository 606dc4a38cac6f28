"""Issue 27, item 7: citizens find datasets by what the standard names. The
dataset search page and the organization page have a data type and a focus
area facet, their values by Thai label on Thai pages; the dataset page
shows its focus area by label, linked to that facet (not as a keyword pill
that finds nothing); a search for a data type's name is offered its facet.
On the PostgreSQL search and on Solr alike (the suite runs on both)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

STAT, RECORD = "ข้อมูลสถิติ", "ข้อมูลระเบียน"


@pytest.fixture
def catalog():
    org = factories.Organization(name="health-office", title="สำนักงานสุขภาพ")
    made = [
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="stat-health",
                                             title="สถิติผู้ป่วย", data_type=STAT,
                                             focus_area="health")),
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="stat-economy",
                                             title="สถิติรายได้", data_type=STAT,
                                             focus_area="economy")),
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="record-health",
                                             title="ทะเบียนสถานพยาบาล", data_type=RECORD,
                                             focus_area="health")),
    ]
    return {"org": org, "datasets": made}


def _soup(app, url):
    response = app.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _facet(soup, title):
    """{label: (count, href)} of the facet list headed ``title``."""
    for section in soup.select("section.module"):
        heading = section.select_one(".module-heading")
        if heading and heading.get_text(strip=True) == title:
            return {a.select_one(".item-label").get_text(strip=True):
                    (int(a.select_one(".item-count").get_text(strip=True)), a["href"])
                    for a in section.select("a") if a.select_one(".item-label")}
    raise AssertionError(f"no facet {title!r}")


def _names(soup):
    return sorted(a["href"].rstrip("/").rsplit("/", 1)[-1]
                  for a in soup.select(".dataset-item .dataset-heading a"))


def test_the_search_page_has_data_type_and_focus_area_facets_by_thai_label(app, catalog):
    soup = _soup(app, "/th/dataset/")
    types = _facet(soup, "ประเภทข้อมูล")
    assert {label: count for label, (count, _) in types.items()} == {STAT: 2, RECORD: 1}
    areas = _facet(soup, "ด้านที่มุ่งเน้น (Focus Area)")
    assert {label: count for label, (count, _) in areas.items()} == {
        "ด้านสุขภาพและการสาธารณสุข": 2, "ด้านเศรษฐกิจ อุตสาหกรรม SME": 1}
    # the facet filters
    href = areas["ด้านสุขภาพและการสาธารณสุข"][1]
    assert parse_qs(urlparse(href).query) == {"vocab_opdc_focus_areas": ["health"]}
    filtered = _soup(app, "/th" + href if href.startswith("/dataset") else href)
    assert _names(filtered) == ["record-health", "stat-health"]
    pill = filtered.select_one(".filter-list .filtered.pill").get_text(" ", strip=True)
    assert "ด้านสุขภาพและการสาธารณสุข" in pill and "health" not in pill
    stat = _soup(app, "/th/dataset/?" + urlparse(types[STAT][1]).query)
    assert _names(stat) == ["stat-economy", "stat-health"]
    english = _facet(_soup(app, "/en/dataset/"), "Focus area")
    assert "health" not in english and len(english) == 2


def test_the_organization_page_has_them_too(app, catalog):
    soup = _soup(app, f"/th/organization/{catalog['org']['name']}")
    assert {label: count for label, (count, _) in _facet(soup, "ประเภทข้อมูล").items()} == {
        STAT: 2, RECORD: 1}
    assert len(_facet(soup, "ด้านที่มุ่งเน้น (Focus Area)")) == 2


def test_package_search_answers_the_facets_and_keeps_its_output(catalog):
    result = helpers.call_action(
        "package_search", **{"facet.field": ["data_type", "vocab_opdc_focus_areas"],
                             "fq": 'data_type:"ข้อมูลสถิติ"'})
    assert result["count"] == 2
    assert result["facets"]["data_type"] == {STAT: 2}
    assert result["facets"]["vocab_opdc_focus_areas"] == {"health": 1, "economy": 1}
    items = {i["name"]: i["display_name"]
             for i in result["search_facets"]["vocab_opdc_focus_areas"]["items"]}
    assert items == {"health": "health", "economy": "economy"}   # the codes, as before
    plain = helpers.call_action("package_search")
    assert plain["facets"] == {} and plain["search_facets"] == {}


def test_a_search_for_a_data_type_name_is_offered_its_facet(app, catalog):
    soup = _soup(app, "/th/dataset/?q=ข้อมูลสถิติ")
    (hint,) = soup.select(".opdc-kpi-search-hints a")
    assert hint.get_text(strip=True) == STAT
    assert parse_qs(urlparse(hint["href"]).query) == {"data_type": [STAT]}
    assert _names(_soup(app, hint["href"])) == ["stat-economy", "stat-health"]
    assert not _soup(app, "/th/dataset/?q=ผู้ป่วย").select(".opdc-kpi-search-hints")


def test_the_dataset_page_shows_its_focus_area_by_label_linked_to_the_facet(app, catalog):
    soup = _soup(app, "/th/dataset/stat-economy")
    (link,) = soup.select("a.opdc-kpi-focus-area-tag")
    assert link.get_text(strip=True) == "ด้านเศรษฐกิจ อุตสาหกรรม SME"
    assert parse_qs(urlparse(link["href"]).query) == {"vocab_opdc_focus_areas": ["economy"]}
    keywords = [a.get_text(strip=True) for a in soup.select("section.tags a.tag")
                if "opdc-kpi-focus-area-tag" not in a.get("class", [])]
    assert "economy" not in keywords and sorted(keywords) == ["จังหวัด", "ท่องเที่ยว", "สถิติ"]
    assert not [a for a in soup.select("a[href*='tags=economy']")]
    assert _names(_soup(app, link["href"])) == ["stat-economy"]


def test_licences_by_their_thai_title_on_thai_pages(app, catalog):
    """The licence facet and the dataset page's licence say the licence
    list's Thai title (title_th) on Thai pages, its English one on English
    pages (CKAN showed "License not specified" on a Thai page)."""
    factories.Dataset(**dga_dataset_dict(owner_org=catalog["org"]["id"], name="no-licence",
                                         license_id="License not specified"))
    thai = _facet(_soup(app, "/th/dataset/"), "สัญญาอนุญาต")
    assert "ไม่ระบุสัญญาอนุญาต" in thai and "License not specified" not in thai, thai
    english = _facet(_soup(app, "/en/dataset/"), "Licenses")
    assert "License not specified" in english, english
    page = _soup(app, "/th/dataset/no-licence").select_one("section.license")
    assert "ไม่ระบุสัญญาอนุญาต" in page.get_text(" ", strip=True), page
    page = _soup(app, "/en/dataset/no-licence").select_one("section.license")
    assert "License not specified" in page.get_text(" ", strip=True), page


def test_the_thai_form_offers_licences_by_the_same_thai_title(app, catalog):
    """The steward's Thai form names each licence as the Thai dataset page
    will (the stored value stays the standard's English name)."""
    token = {"Authorization": factories.SysadminWithToken()["token"]}

    def options(url):
        response = app.get(url, headers=token)
        assert response.status_code == 200
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        return {o["value"]: o.get_text(strip=True)
                for o in soup.select("#field-license_id option") if o.get("value")}

    thai = options("/th/dataset/edit/stat-health")
    assert thai["Creative Commons Attributions"] == "ครีเอทีฟคอมมอนส์ แบบแสดงที่มา (CC BY)"
    assert thai["License not specified"] == "ไม่ระบุสัญญาอนุญาต"
    english = options("/en/dataset/edit/stat-health")
    assert english["Creative Commons Attributions"] == "Creative Commons Attributions"
