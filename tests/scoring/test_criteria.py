"""Formats, openness criteria and the parts of the ladder for one dataset."""
from __future__ import annotations

from fractions import Fraction

import pytest

from ckanext.opdc_kpi.scoring import criteria
from ckanext.opdc_kpi.scoring.criteria import (
    access_criterion, dataset_openness, format_criterion, granularity_criterion,
    normalize_format)
from ckanext.opdc_kpi.scoring.model import (
    DEFAULT_FORMAT_MAP, Criterion, Reason, Rules, parse_format_map, round_points)
from tests.scoring._data import complete_dataset, public_dataset

RULES = Rules()
CSV = {"url": "https://x/a.csv", "format": "CSV"}
PDF = {"url": "https://x/a.pdf", "format": "PDF"}


@pytest.mark.parametrize("raw, name", [
    ("CSV", "CSV"), ("csv", "CSV"), (".csv", "CSV"), (" Csv ", "CSV"), ("report.PDF", "PDF"),
    ("XLS/XLSX", "XLSX"), ("xls", "XLS"), ("XLSX", "XLSX"), ("DOC/DOCX", "DOCX"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ("application/vnd.ms-excel", "XLS"), ("text/csv", "CSV"), ("text/csv; charset=utf-8", "CSV"),
    ("application/json", "JSON"), ("application/pdf", "PDF"), ("application/geo+json", "GEOJSON"),
    ("GeoJSON", "GEOJSON"), ("application/msword", "DOC"), ("text/html", "HTML"),
    ("application/x-foo", "FOO"), ("API", "API"), ("api", "API"), ("REST API", "API"),
    ("", ""), (None, ""), ("  ", ""), (5, ""), ("Shapefile", "SHAPEFILE"), ("GeoTiff", "GEOTIFF"),
    ("JSON-LD", "JSON-LD"), ("application/ld+json", "JSON-LD"), ("ESRI Shapefile", "SHP"),
])
def test_normalize_format(raw, name):
    assert normalize_format(raw) == name


@pytest.mark.parametrize("fmt, tier", [
    ("CSV", 3), ("XLS/XLSX", 3), ("application/json", 3), ("API", 3), ("GeoJSON", 3),
    ("XLS", 2), ("Shapefile", 2), ("SHP", 2), ("GeoTiff", 2),
    ("PDF", 1), ("application/pdf", 1), ("DOCX", 1), ("txt", 1),
    ("ZIP", 0), ("", 0), ("WMS", 0),
])
def test_default_format_tiers(fmt, tier):
    assert criteria.format_tier(fmt, DEFAULT_FORMAT_MAP) == tier


def test_parse_format_map():
    fmap = parse_format_map("CSV:3 xls:2, PDF:1 XLS/XLSX:3")
    assert dict(fmap) == {"CSV": 3, "XLS": 2, "PDF": 1, "XLSX": 3}
    assert dict(parse_format_map("")) == {}
    for bad in ("CSV", "CSV:4", "CSV:x", ":3"):
        with pytest.raises(ValueError):
            parse_format_map(bad)


@pytest.mark.parametrize("raw, name", [
    ("image/tiff; application=geotiff", "GEOTIFF"),    # the MIME type with its parameter
    ("Application/JSON ; charset=utf-8", "JSON"),
    ("application/foo+xml", "XML"),                    # an unknown type: its +suffix
    ("application/a+b+xml", "XML"),
    ("application/vnd.foo", "FOO"), ("application/x-vnd.foo", "FOO"),
    ("application/zip", "ZIP"), ("text/turtle", "TTL"), ("TEXT/CSV", "CSV"),
    ("XLSX/XLS", "XLSX"), ("a/b/c", "A/B/C"),
    ("text/csv extra", "TEXT/CSV EXTRA"),              # not a MIME type: kept as typed
    ("text/ csv", "TEXT/ CSV"),
    ("rest   api", "API"), ("data.xlsx", "XLSX"), ("file.htm", "HTML"),
    ("x.toolongextension1", "X.TOOLONGEXTENSION1"),
])
def test_normalize_format_of_mime_types_labels_and_file_names(raw, name):
    assert normalize_format(raw) == name


def test_format_tier_of_a_hand_built_map():
    """A map built by hand may spell its keys in any case or as labels; tiers are
    kept within 0..3 and a map that cannot be read gives 0."""
    assert criteria.format_tier("CSV", {"csv": 3}) == 3
    assert criteria.format_tier("XLSX", {"XLS/XLSX": 2}) == 2
    assert criteria.format_tier("csv", {"XLS/XLSX": 2}) == 0
    assert criteria.format_tier("CSV", {"CSV": 5}) == 3
    assert criteria.format_tier("CSV", {"CSV": -1}) == 0
    assert criteria.format_tier("CSV", {"CSV": "x"}) == 0
    assert criteria.format_tier("CSV", None) == 0


def test_parse_format_map_details():
    assert dict(parse_format_map("CSV:3,,PDF:0")) == {"CSV": 3, "PDF": 0}
    assert dict(parse_format_map("x:y:3")) == {"X:Y": 3}
    with pytest.raises(ValueError, match=r"^format map: expected text like 'CSV:3 XLS:2 PDF:1'$"):
        parse_format_map(None)
    for bad in ("CSV:", "CSV:-1", "CSV3"):
        with pytest.raises(ValueError) as error:
            parse_format_map(bad)
        assert str(error.value) == (
            f"format map: bad entry {bad!r}; expected FORMAT:TIER, tier 0..3")


def test_rules_defaults_and_checks():
    assert Rules().format_map is DEFAULT_FORMAT_MAP
    assert Rules(format_map="CSV:3").format_map == {"CSV": 3}
    assert Rules(structured_tier=" MAX ", openness_scope=None).structured_tier == "max"
    with pytest.raises(ValueError):
        Rules(structured_tier="mean")
    with pytest.raises(ValueError):
        Rules(openness_scope="world")


def test_rules_read_blank_settings_as_the_defaults_and_name_a_bad_one():
    blank = Rules(report_parts_when_basic_fails=None, format_map=None, structured_tier=None,
                  openness_scope=" Catalog ")
    assert (blank.report_parts_when_basic_fails, blank.format_map, blank.structured_tier,
            blank.openness_scope) == (True, DEFAULT_FORMAT_MAP, "min", "catalog")
    assert Rules(format_map="  ").format_map is DEFAULT_FORMAT_MAP
    assert Rules(structured_tier="").structured_tier == "min"
    with pytest.raises(ValueError) as error:
        Rules(structured_tier="mean")
    assert str(error.value) == "structured_tier must be one of ('min', 'max'), not 'mean'"
    with pytest.raises(ValueError) as error:
        Rules(openness_scope=" World ")
    assert str(error.value) == "openness_scope must be one of ('basket', 'catalog'), not 'world'"


@pytest.mark.parametrize("value, rounded", [
    (Fraction(10), 10.0), (Fraction(20, 3), 6.67), (Fraction(10, 3), 3.33),
    (Fraction(1, 8), 0.13), (Fraction(2675, 1000), 2.68), (Fraction(15 * 4, 6), 10.0),
    (Fraction(-1, 8), -0.13), (0, 0.0),
])
def test_round_half_up(value, rounded):
    assert round_points(value) == rounded


# --- published and the three criteria ------------------------------------------------

def test_published_needs_a_url_and_not_private():
    assert criteria.is_published(public_dataset())
    assert not criteria.is_published(public_dataset(private=True))
    assert not criteria.is_published(public_dataset(private="True"))
    assert not criteria.is_published(public_dataset(resources=[{"url": " ", "format": "CSV"}]))
    assert not criteria.is_published(public_dataset(resources=[]))


def test_access_tiers():
    assert access_criterion(public_dataset(), "en").tier == 1
    assert access_criterion(public_dataset(single_source_of_truth="True"), "en").tier == 2
    ds = dict(CSV, datastore_active=True)
    assert access_criterion(public_dataset(single_source_of_truth="True", resources=[ds]),
                            "en").tier == 3
    api = {"url": "https://x/api?q=", "format": "API"}
    assert access_criterion(public_dataset(single_source_of_truth="True", resources=[CSV, api]),
                            "en").tier == 3
    # an API without the single source of truth is still tier 1
    assert access_criterion(public_dataset(resources=[api]), "en").tier == 1
    unpublished = access_criterion(public_dataset(private=True), "en")
    assert (unpublished.tier, unpublished.reason.code) == (0, "not_published_private")


@pytest.mark.parametrize("unit, geo, tier", [
    ("ปี", "ประเทศ", 1), ("ไตรมาส", "จังหวัด", 1), ("เดือน", "จังหวัด", 2),
    ("ปี", "อำเภอ", 2), ("ปี", "พิกัด", 2), ("วันทำการ", "ประเทศ", 2),
    ("ตามเวลาจริง", "ประเทศ", 3), ("อื่นๆ", "อื่นๆ", 1), ("", "", 1),
])
def test_granularity_tiers(unit, geo, tier):
    pkg = public_dataset(update_frequency_unit=unit, geo_coverage=geo)
    assert granularity_criterion(pkg, "th").tier == tier


def test_granularity_automatic_with_datastore():
    pkg = public_dataset(resources=[dict(CSV, datastore_active=True)])
    assert granularity_criterion(pkg, "en").tier == 3
    yearly = public_dataset(update_frequency_unit="ปี", geo_coverage="ประเทศ",
                            resources=[dict(CSV, datastore_active=True)])
    assert granularity_criterion(yearly, "en").tier == 1


def test_format_best_resource():
    pkg = public_dataset(resources=[PDF, {"url": "https://x/b", "format": "XLS"}, CSV])
    result = format_criterion(pkg, RULES, "en")
    assert (result.tier, result.reason.code) == (3, "format_open")
    assert "CSV" in result.reason.message
    # a resource without a URL does not count
    pkg = public_dataset(resources=[PDF, {"url": "", "format": "CSV"}])
    assert format_criterion(pkg, RULES, "en").tier == 1


# --- the dataset's tier ----------------------------------------------------------------

def test_kpi_rules_check_6_points():
    result = dataset_openness(public_dataset(), RULES, "en")
    assert (result.access.tier, result.granularity.tier, result.format.tier) == (1, 2, 3)
    assert (result.tier, result.points, result.structured) == (1, 6, True)


def test_kpi_rules_check_single_source_12_points():
    result = dataset_openness(public_dataset(single_source_of_truth="True"), RULES, "en")
    assert (result.access.tier, result.granularity.tier, result.format.tier) == (2, 2, 3)
    assert (result.tier, result.points) == (2, 12)


def test_tier_3_is_20_points():
    pkg = public_dataset(single_source_of_truth="True",
                         resources=[dict(CSV, datastore_active=True)])
    assert (dataset_openness(pkg, RULES, "en").tier,
            dataset_openness(pkg, RULES, "en").points) == (3, 20)


def test_granularity_can_be_the_lowest_criterion():
    """Structured: the lowest of all three criteria, granularity included; each
    criterion and the tier carry their reason in the language asked."""
    pkg = public_dataset(single_source_of_truth="True", update_frequency_unit="ปี",
                         geo_coverage="ประเทศ")
    assert dataset_openness(pkg, RULES, "en").as_dict() == {
        "tier": 1, "points": 6.0, "published": True, "structured": True,
        "reason": {"code": "tier_structured", "message": (
            "Structured data: tier = the lowest of access (2), granularity (1) and format "
            "(3) = 1")},
        "criteria": {
            "access": {"tier": 2, "reason": {
                "code": "access_single_source",
                "message": "A resource link declared the single source of truth"}},
            "granularity": {"tier": 1, "reason": {
                "code": "granularity_published",
                "message": "Summary data (update unit “ปี”, geographic coverage “ประเทศ”)"}},
            "format": {"tier": 3, "reason": {
                "code": "format_open", "message": "Open format readable by common software: CSV"}},
        }}


def test_reasons_in_thai():
    pkg = public_dataset(update_frequency_unit="ตามเวลาจริง")
    result = dataset_openness(pkg, RULES, "th").as_dict()
    assert result["reason"]["message"] == (
        "ข้อมูลมีโครงสร้าง: ระดับ = ค่าต่ำสุดของการเข้าถึง (1) ความละเอียด (3) และรูปแบบ (3) = 1")
    assert result["criteria"]["granularity"] == {"tier": 3, "reason": {
        "code": "granularity_automatic",
        "message": "ข้อมูลมีรายละเอียด และเข้าถึงข้อมูลล่าสุดได้ทันทีที่ต้นทางปรับปรุง "
                   "(ตามเวลาจริง หรือ DataStore/API)"}}


def test_an_unpublished_dataset_gives_the_reason_on_every_criterion():
    private = {"code": "not_published_private",
               "message": "The dataset is private, so it is not published"}
    result = dataset_openness(public_dataset(private=True), RULES, "en").as_dict()
    assert result["reason"] == private
    assert result["criteria"] == {name: {"tier": 0, "reason": private}
                                  for name in ("access", "granularity", "format")}


def test_structured_tier_max_rule():
    result = dataset_openness(public_dataset(), Rules(structured_tier="max"), "en")
    assert (result.tier, result.points) == (3, 20)


def test_unstructured_documents_take_the_access_tier():
    pkg = public_dataset(resources=[PDF], single_source_of_truth="True")
    result = dataset_openness(pkg, RULES, "th")
    assert (result.structured, result.tier, result.points) == (False, 2, 12)
    assert result.granularity is None and result.format is None
    assert result.reason.code == "tier_unstructured"
    english = dataset_openness(pkg, RULES, "en").reason.message
    assert english == ("Unstructured data (documents) with searchable text: tier = access tier "
                       "= 2")
    assert result.as_dict()["criteria"] == {"access": result.access.as_dict(),
                                            "granularity": None, "format": None}


def test_unknown_formats_are_tier_0():
    for fmt in ("", "ZIP", "WMS"):
        pkg = public_dataset(resources=[{"url": "https://x/y", "format": fmt}])
        result = dataset_openness(pkg, RULES, "en")
        assert (result.tier, result.reason.code) == (0, "tier_no_known_format"), fmt


def test_unpublished_is_tier_0_with_the_reason():
    result = dataset_openness(public_dataset(private=True), RULES, "en")
    assert (result.tier, result.points, result.published) == (0, 0, False)
    assert result.reason.code == "not_published_private"
    result = dataset_openness(public_dataset(resources=[{"url": "", "format": "CSV"}]), RULES,
                              "en")
    assert (result.tier, result.reason.code) == (0, "not_published_no_url")


def test_xls_only_is_structured_tier_2_at_most():
    pkg = public_dataset(single_source_of_truth="True",
                         resources=[{"url": "https://x/a.xls", "format": "XLS"}])
    result = dataset_openness(pkg, RULES, "en")
    assert (result.structured, result.format.tier, result.tier) == (True, 2, 2)


def test_custom_format_map():
    rules = Rules(format_map=parse_format_map("PDF:3"))
    pkg = public_dataset(resources=[PDF])
    result = dataset_openness(pkg, rules, "en")
    assert (result.structured, result.format.tier) == (True, 3)


def test_mime_typed_resources():
    xlsx = {"url": "https://x/a",
            "format": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert dataset_openness(public_dataset(resources=[xlsx]), RULES, "en").format.tier == 3


# --- the other parts ------------------------------------------------------------------

def test_catalog_url():
    assert criteria.catalog_url("https://data.opdc.go.th", "https://site") == (
        "https://data.opdc.go.th", True)
    assert criteria.catalog_url("", "https://site") == ("https://site", True)
    assert criteria.catalog_url(None, " http://127.0.0.1:5000 ") == ("http://127.0.0.1:5000", True)
    assert criteria.catalog_url("data.opdc.go.th", "https://site") == ("data.opdc.go.th", False)
    assert criteria.catalog_url("ftp://x", None) == ("ftp://x", False)
    assert criteria.catalog_url("", "  ") == (None, False)


def test_mission_and_work_process():
    assert not criteria.has_mission_work_process(complete_dataset())
    assert not criteria.has_mission_work_process(complete_dataset(mission="ภารกิจ"))
    assert criteria.has_mission_work_process(complete_dataset(mission="ภารกิจ",
                                                              work_process="กระบวนการ"))


def test_use_evidence():
    ok = dict(use_case_url="https://dash.example.go.th", use_case_description="ลดเวลา 30%")
    assert criteria.has_use_evidence(public_dataset(**ok))
    assert not criteria.has_use_evidence(public_dataset(**ok, private=True))
    assert not criteria.has_use_evidence(complete_dataset(**ok))          # not public category
    assert not criteria.has_use_evidence(public_dataset(**dict(ok, use_case_description=" ")))
    assert not criteria.has_use_evidence(public_dataset(**dict(ok, use_case_url="dash")))


def test_focus_area_from_field_or_vocabulary_tag():
    assert criteria.focus_area_of(complete_dataset(focus_area="Health")) == "health"
    pkg = complete_dataset()
    del pkg["focus_area"]
    assert criteria.focus_area_of(pkg) == "public-administration"   # the vocabulary tag
    assert criteria.declared_focus_areas({"focus_areas": '["health", "economy", "x"]'}) == [
        "economy", "health"]
    assert criteria.declared_focus_areas({"focus_areas": "health,tourism"}) == ["tourism",
                                                                               "health"]


def test_thai_reasons_of_access_and_of_formats_nobody_knows():
    """The default language is Thai; a structured dataset whose published resources
    have no known format (its CSV has no URL) gets format tier 0, and so tier 0."""
    assert access_criterion(public_dataset(), "th") == Criterion(1, Reason(
        "access_file", "มีไฟล์ข้อมูลให้เข้าถึง แต่ยังไม่ได้กำหนดเป็นแหล่งข้อมูลต้นทางที่ถูกต้อง"
                       "เชื่อถือได้ (single source of truth)"))
    api = public_dataset(single_source_of_truth="True",
                         resources=[dict(CSV, datastore_active=True)])
    assert access_criterion(api, "th") == Criterion(3, Reason(
        "access_api", "เป็นแหล่งข้อมูลต้นทาง และเข้าถึงผ่าน API โดยระบุเงื่อนไขได้ "
                      "(DataStore หรือ API)"))
    no_link = public_dataset(resources=[{"format": "CSV", "url": ""},
                                        {"url": "https://x/a.zip", "format": "ZIP"}])
    assert format_criterion(no_link, RULES, "th") == Criterion(0, Reason(
        "format_unknown", "ไม่มีทรัพยากรในรูปแบบที่รู้จัก"))
    openness = dataset_openness(no_link, RULES)
    assert (openness.tier, openness.reason.code) == (0, "tier_structured")
    assert openness.reason.message == (
        "ข้อมูลมีโครงสร้าง: ระดับ = ค่าต่ำสุดของการเข้าถึง (1) ความละเอียด (2) และรูปแบบ (0) = 0")
    unknown = dataset_openness(public_dataset(resources=[{"url": "https://x/a.zip",
                                                          "format": "ZIP"}]), RULES)
    assert (unknown.tier, unknown.reason) == (0, Reason(
        "tier_no_known_format", "ไม่มีทรัพยากรในรูปแบบที่รู้จัก: ระดับ 0"))


def test_a_reason_without_a_language_has_no_message():
    assert criteria.reason("basic_passed", "") == Reason("basic_passed", "")
