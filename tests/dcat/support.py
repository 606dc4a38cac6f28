"""What the DCAT tests share: complete DGA datasets of every data type, the
14 items compared, ckanext-dcat's parser and the DCAT-AP 3.0.1 SHACL shapes.

The shapes are the official files in the ``shared/dcat-ap`` folder beside
the repository (its README); the folder is looked for in the repository's
ancestors, or named by ``OPDC_KPI_DCAT_SHAPES``. When it is missing the SHACL
tests skip saying so, or fail when ``CI`` is set.
No module-level CKAN import (collected with the pure tests too).
"""
from __future__ import annotations

import os
import pathlib
from typing import Any, Optional

from tests.factories_dga import dga_dataset_dict

SHAPES_ENV = "OPDC_KPI_DCAT_SHAPES"
SHAPE_FILES = ("dcat-ap-3.0.1-SHACL.ttl", "dcat-ap-3.0.1-ranges.ttl")
ROOT = pathlib.Path(__file__).resolve().parents[2]

DATA_TYPES = ("ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
              "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ")
STATISTICS = ("ข้อมูลสถิติ", "ข้อมูลหลากหลายประเภท")
GEOSPATIAL = ("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลหลากหลายประเภท")

#: the 14 items (item 3 apart: see ``compare_items``), their "other" texts and the focus area
ITEMS = ("data_type", "data_type_other", "title", "maintainer", "maintainer_email",
         "tag_string", "notes", "objective", "objective_other", "update_frequency_unit",
         "update_frequency_unit_other", "update_frequency_interval", "geo_coverage",
         "geo_coverage_other", "data_source", "data_format", "data_format_other",
         "data_category", "license_id", "license_id_other", "focus_area")
#: multiple choices: a set of values (the schema stores them in the list's order)
SETS = ("objective", "data_format", "data_language", "disaggregate")


def complete_dataset_dict(data_type: str, owner_org: str, **overrides: Any) -> dict[str, Any]:
    """Every item of the standard given, "other" texts included, and the
    fields of the data type (statistics, geospatial), with two resources
    carrying every resource field."""
    pkg = dga_dataset_dict(
        owner_org=owner_org, data_type=data_type,
        objective=["ยุทธศาสตร์ชาติ", "อื่นๆ"], objective_other="แผนงานจังหวัด",
        update_frequency_unit="ไตรมาส", update_frequency_interval="2",
        geo_coverage="อื่นๆ", geo_coverage_other="เขตพัฒนาพิเศษภาคตะวันออก",
        data_format=["CSV", "XLS", "อื่นๆ"], data_format_other="GeoJSON, WMS",
        license_id="Creative Commons Attribution Share-Alike",
        data_language=["ไทย", "อังกฤษ"], created_date="2020-01-15",
        last_updated_date="2024-09-30", data_release_calendar="2025-03-31",
        allow_harvest="True", high_value_dataset="True", reference_data="False",
        official_statistics="True", data_classification="เปิดเผย",
        data_support="หน่วยงานของรัฐ", data_collect="ครัวเรือน/ครอบครัว",
        url="https://www.example.go.th/tourism", accessible_condition="เปิดเผยได้ทั่วไป",
        use_case_url="https://dashboard.example.go.th/tourism",
        use_case_description="ใช้วางแผนงบประมาณส่งเสริมการท่องเที่ยว", single_source_of_truth="True",
        sub_process="รวบรวมข้อมูลรายเดือน", reference_url_catalog="https://catalog.example.go.th/dataset/t",
        resources=[_resource("CSV", "https://data.example.go.th/t.csv"),
                   _resource("XLSX", "https://data.example.go.th/t.xlsx")])
    if data_type == "ข้อมูลประเภทอื่นๆ":
        pkg["data_type_other"] = "ข้อมูลภาพถ่าย"
    if data_type in STATISTICS:
        pkg.update(first_year_of_data="2560", last_year_of_data="2567",
                   disaggregate=["เพศ", "อายุ/กลุ่มอายุ"], unit_of_measure="คน",
                   unit_of_multiplier="พัน", calculation_method="ผลรวมรายเดือน",
                   standard="ISIC Rev.4")
    if data_type in GEOSPATIAL:
        pkg.update(geographic_data_set="ชั้นข้อมูลขอบเขตการปกครอง", equivalent_scale="อื่นๆ",
                   equivalent_scale_other="1:5,000", west_bound_longitude="97.3",
                   east_bound_longitude="105.6", north_bound_longitude="20.5",
                   south_bound_longitude="5.6", positional_accuracy="5 เมตร",
                   reference_period="2567", data_release_date="2024-10-01")
    pkg.update(overrides)
    return pkg


def _resource(fmt: str, url: str) -> dict[str, Any]:
    return {"name": f"ข้อมูลรายเดือน ({fmt})", "url": url, "format": fmt,
            "description": "จำนวนนักท่องเที่ยวรายเดือน",
            "resource_accessible_condition": "ไม่มีเงื่อนไข",
            "resource_created_date": "2020-01-15", "resource_last_updated_date": "2024-09-30",
            "resource_data_collect": "บุคคล", "resource_first_year_of_data": "2560",
            "resource_last_year_of_data": "2567", "resource_disaggregate": ["เพศ"],
            "resource_unit_of_measure": "คน", "resource_official_statistics": "True"}


def items_of(pkg: dict[str, Any], fields=ITEMS) -> dict[str, Any]:
    """The fields as compared: blank is None, multiple choices are sets,
    keywords a set of words."""
    out = {}
    for field in fields:
        value = pkg.get(field)
        if value in (None, "", []):
            value = None
        elif field in SETS:
            value = frozenset(value)
        elif field == "tag_string":
            value = frozenset(w.strip() for w in str(value).split(",") if w.strip())
        out[field] = value
    return out


def keywords_of(pkg: dict[str, Any]) -> str:
    """A ``package_show`` dict's free keywords as ``tag_string``."""
    return ", ".join(t["name"] for t in pkg.get("tags") or [] if not t.get("vocabulary_id"))


def parse(text: str, fmt: str) -> list[dict[str, Any]]:
    """Datasets read by ckanext-dcat's own parser with the site's profiles."""
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser()
    parser.parse(text, _format=fmt)
    return list(parser.datasets())


def extra(pkg: dict[str, Any], key: str) -> Optional[str]:
    for item in pkg.get("extras") or []:
        if item.get("key") == key:
            return item.get("value")
    return None


# --- the SHACL shapes --------------------------------------------------------------------

def shapes_dir() -> tuple[Optional[pathlib.Path], str]:
    """The shapes' folder and where it was looked for."""
    named = os.environ.get(SHAPES_ENV)
    if named:
        folder = pathlib.Path(named)
        return (folder if all((folder / f).is_file() for f in SHAPE_FILES) else None,
                f"{SHAPES_ENV}={named}")
    looked = []
    for parent in [ROOT, *ROOT.parents]:
        folder = parent / "shared" / "dcat-ap"
        looked.append(str(folder))
        if all((folder / f).is_file() for f in SHAPE_FILES):
            return folder, str(folder)
    return None, "shared/dcat-ap in the repository's ancestors"


_SHAPES: dict = {}


def shapes():
    """The shapes graph (both files), and the property shapes they name but
    do not define (they are in the EU vocabularies' shapes file, which is not
    among them): those references are dropped, reported by the tests."""
    import pytest
    import rdflib

    if "graph" in _SHAPES:
        return _SHAPES["graph"], _SHAPES["dangling"]
    folder, where = shapes_dir()
    if folder is None:
        message = (f"the DCAT-AP 3.0.1 SHACL shapes ({', '.join(SHAPE_FILES)}) are not in "
                   f"{where}: see the README, 'DCAT and schema.org'")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    graph = rdflib.Graph()
    for name in SHAPE_FILES:
        graph.parse(folder / name, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    dangling = []
    for shape, prop, target in list(graph.triples((None, sh.property, None))):
        if (target, None, None) not in graph:
            graph.remove((shape, prop, target))
            dangling.append(str(target))
    _SHAPES.update(graph=graph, dangling=sorted(dangling))
    return graph, _SHAPES["dangling"]
