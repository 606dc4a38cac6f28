"""Serialize, then read back with ckanext-dcat's own ``RDFParser`` and the
site's profiles (``euro_dcat_ap_3 opdc_kpi_dcat``): the 14 items and the
focus area come back equal to the original's (issue 29, item 5), for every
data type, a dataset without resources and a frequency of every 5 years, and
a legacy dataset stored the way the agency extension (ckanext-thai_gdc)
stores it.

Item 3 (the organization): a parsed dataset names no organization of the
reading site (a harvester puts it into its source's); the publisher's name
and URI carry the original organization.
"""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from tests.dcat.support import (
    DATA_TYPES, ITEMS, complete_dataset_dict, extra, items_of, keywords_of, parse)
from tests.factories_dga import dga_dataset, dga_dataset_dict
from tests.legacy_support import NEW_ITEMS, store_behind_validation

pytestmark = pytest.mark.usefixtures("with_plugins", "dcat_db")

#: every other field of the schema the complete datasets give (checked too)
OTHER_FIELDS = (
    "allow_harvest", "reference_url_catalog", "accessible_condition", "data_support",
    "data_collect", "url", "data_language", "created_date", "last_updated_date",
    "data_release_calendar", "first_year_of_data", "last_year_of_data", "disaggregate",
    "unit_of_measure", "unit_of_multiplier", "calculation_method", "standard",
    "geographic_data_set", "equivalent_scale", "equivalent_scale_other",
    "west_bound_longitude", "east_bound_longitude", "north_bound_longitude",
    "south_bound_longitude", "positional_accuracy", "reference_period", "data_release_date",
    "high_value_dataset", "reference_data", "official_statistics", "data_classification",
    "kpi_years", "mission", "work_process", "sub_process", "single_source_of_truth",
    "use_case_url", "use_case_description")
RESOURCE_FIELDS = ("name", "url", "format", "description", "resource_accessible_condition",
                   "resource_created_date", "resource_last_updated_date",
                   "resource_data_collect", "resource_first_year_of_data",
                   "resource_last_year_of_data", "resource_disaggregate",
                   "resource_unit_of_measure", "resource_official_statistics")


def _shown(pkg_id: str) -> dict:
    pkg = helpers.call_action("package_show", id=pkg_id)
    pkg["tag_string"] = keywords_of(pkg)
    return pkg


def _round_trip(app, pkg: dict, fmt: str = "ttl") -> dict:
    text = app.get(f"/dataset/{pkg['name']}.{fmt}", status=200).get_data(as_text=True)
    parsed = parse(text, fmt)
    assert len(parsed) == 1
    return parsed[0]


def _assert_items(original: dict, parsed: dict, org: dict) -> None:
    assert items_of(parsed) == items_of(original)
    assert "owner_org" not in parsed
    assert extra(parsed, "publisher_name") == org["title"]
    assert extra(parsed, "publisher_uri").endswith("/organization/" + org["id"])
    # what became a field is no extra (the harvesting site gets the field names)
    keys = {e["key"] for e in parsed["extras"]}
    assert not keys & {"contact_name", "contact_email", "frequency", "language", "theme",
                       "provenance", "access_rights"}
    assert not {"contact", "publisher", "creator", "tags"} & set(parsed)


@pytest.mark.parametrize("data_type", DATA_TYPES)
def test_every_data_type_comes_back(app, data_type):
    org = factories.Organization(title="สำนักงานสถิติแห่งชาติ")
    created = factories.Dataset(**complete_dataset_dict(data_type, org["id"]))
    original = _shown(created["id"])
    parsed = _round_trip(app, original)
    _assert_items(original, parsed, org)
    assert items_of(parsed, OTHER_FIELDS) == items_of(original, OTHER_FIELDS)
    by_url = {r["url"]: r for r in parsed["resources"]}
    for resource in original["resources"]:
        back = by_url[resource["url"]]
        assert {f: back.get(f) for f in RESOURCE_FIELDS} == {
            f: resource.get(f) for f in RESOURCE_FIELDS}, resource["url"]
        assert "distribution_ref" not in back


def test_no_resources_and_every_five_years_in_each_format(app):
    org = factories.Organization(title="กรมการท่องเที่ยว")
    created = dga_dataset(owner_org=org["id"], resources=[], update_frequency_unit="ปี",
                          update_frequency_interval="5")
    original = _shown(created["id"])
    for fmt in ("ttl", "jsonld", "rdf"):
        parsed = _round_trip(app, original, fmt)
        _assert_items(original, parsed, org)
        assert parsed["update_frequency_interval"] == "5"
        assert parsed["resources"] == []


def test_a_legacy_dataset_stored_the_thai_gdc_way_comes_back(app):
    """Stored as the older extension stores it: choices as JSON-list strings
    (not in the list's order), an "other" format with several comma-joined,
    no focus-area tag, none of the items this schema added, a licence
    outside the list."""
    org = factories.Organization(title="กรมการปกครอง")
    pkg = dga_dataset(owner_org=org["id"])
    store_behind_validation(pkg["id"], remove=NEW_ITEMS, drop_focus_tag=True, set_={
        "objective": '["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]',
        "data_format": '["CSV", "อื่นๆ"]', "data_format_other": "GeoJSON, WMS",
        "data_language": '["ไทย", "อังกฤษ"]', "allow_harvest": "True",
        "update_frequency_interval": "ทุกปี", "data_category": "ข้อมูลเปิด"})
    original = _shown(pkg["id"])
    assert original.get("focus_area") is None
    assert original["objective"] == ["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]
    parsed = _round_trip(app, original)
    _assert_items(original, parsed, org)
    assert parsed["update_frequency_interval"] == "ทุกปี"
    assert parsed["data_category"] == "ข้อมูลเปิด"
    assert parsed.get("focus_area") is None


def test_what_the_items_are_written_as(app):
    """The mapping table's terms for the items, read from the graph."""
    import rdflib

    org = factories.Organization(title="กรมการท่องเที่ยว")
    pkg = dga_dataset(owner_org=org["id"], update_frequency_unit="ปี",
                      update_frequency_interval="5", data_language=["ไทย"],
                      first_year_of_data="2560", last_year_of_data="2567")
    graph = rdflib.Graph().parse(data=app.get(f"/dataset/{pkg['name']}.ttl").get_data(
        as_text=True), format="turtle")
    ref = next(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))

    def objects(term: str) -> set[str]:
        return {str(o) for o in graph.objects(ref, rdflib.URIRef(term))}

    eu = "http://publications.europa.eu/resource/authority/"
    dct, dcat = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#"
    assert objects(dct + "accrualPeriodicity") == {eu + "frequency/QUINQUENNIAL"}
    assert objects(dct + "accessRights") == {eu + "access-right/PUBLIC"}
    assert objects(dct + "language") == {eu + "language/THA"}
    assert objects(dct + "type") == {"urn:opdc-kpi:dga:list/data_type/statistical-data"}
    assert objects(dcat + "theme") == {"urn:opdc-kpi:dga:list/focus_area/tourism"}
    # the focus area's code is no keyword; the keywords are tagged Thai
    keywords = set(graph.objects(ref, rdflib.URIRef(dcat + "keyword")))
    assert {(str(k), k.language) for k in keywords} == {
        ("ท่องเที่ยว", "th"), ("สถิติ", "th"), ("จังหวัด", "th")}
    titles = list(graph.objects(ref, rdflib.URIRef(dct + "title")))
    assert [(str(t), t.language) for t in titles] == [(pkg["title"], "th")]
    licences = {str(o) for d in graph.objects(ref, rdflib.URIRef(dcat + "distribution"))
                for o in graph.objects(d, rdflib.URIRef(dct + "license"))}
    assert licences == {eu + "licence/CC_BY_4_0"}
    period = next(graph.objects(ref, rdflib.URIRef(dct + "temporal")))
    assert {str(o) for o in graph.objects(period, rdflib.URIRef(dcat + "startDate"))} == {"2017"}
    assert {str(o) for o in graph.objects(period, rdflib.URIRef(dcat + "endDate"))} == {"2024"}
    # the exact DGA values beside the coarser EU codes
    assert objects("urn:opdc-kpi:dga:update_frequency_interval") == {"5"}
    assert objects("urn:opdc-kpi:dga:data_category") == {
        "urn:opdc-kpi:dga:list/data_category/public-data"}
