"""Datasets and organizations for the pure tests (plain dicts, no CKAN)."""
from __future__ import annotations

import copy
from typing import Any

ORG_ID = "org-1"


def complete_dataset(**overrides: Any) -> dict[str, Any]:
    """A package_show-like dataset with all 14 DGA items given and valid,
    in the FY2565 basket under the "public-administration" focus area."""
    pkg: dict[str, Any] = {
        "id": "d1",
        "name": "dataset-1",
        "title": "แผนการดำเนินงานขับเคลื่อน Biz Portal",
        "state": "active",
        "private": False,
        "owner_org": ORG_ID,
        "data_type": "ข้อมูลระเบียน",
        "maintainer": "กองพัฒนาระบบราชการ",
        "maintainer_email": "policy@opdc.go.th",
        "tags": [{"name": "ข้อมูล"}, {"name": "สถิติ"},
                 {"name": "public-administration", "vocabulary_id": "vocab-uuid"}],
        "notes": "แผนการดำเนินงาน",
        "objective": ["พันธกิจหน่วยงาน"],
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "ประเทศ",
        "data_source": "สำนักงาน ก.พ.ร.",
        "data_format": ["PDF"],
        "data_category": "ข้อมูลความลับทางราชการ",
        "license_id": "License not specified",
        "focus_area": "public-administration",
        "kpi_years": [2565],
        "mission": "",
        "work_process": "",
        "resources": [],
    }
    pkg.update(copy.deepcopy(overrides))
    return pkg


def public_dataset(**overrides: Any) -> dict[str, Any]:
    """kpi-rules.md's check: public category, a CSV resource, monthly, per
    province, not declared single source of truth."""
    values = dict(
        data_category="ข้อมูลสาธารณะ",
        license_id="Creative Commons Attributions",
        data_format=["CSV"],
        update_frequency_unit="เดือน",
        geo_coverage="จังหวัด",
        single_source_of_truth="False",
        resources=[{"url": "https://data.example.go.th/x.csv", "format": "CSV"}],
    )
    values.update(overrides)
    return complete_dataset(**values)


def organization(**overrides: Any) -> dict[str, Any]:
    org = {"id": ORG_ID, "name": "opdc", "title": "สำนักงาน ก.พ.ร.",
           "focus_areas": ["public-administration"], "catalog_url": ""}
    org.update(overrides)
    return org
