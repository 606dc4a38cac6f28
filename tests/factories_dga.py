"""Complete, valid DGA datasets for tests (the schema requires the 14 items
and a focus area on every active dataset).

    from tests.factories_dga import dga_dataset_dict, dga_dataset

    dga_dataset_dict(owner_org=org["id"], title="...")   # a dict, no database
    dga_dataset(title="...")     # package_create through ckan.tests.factories;
                                 # makes an organization when owner_org is not given

Keyword arguments replace fields; a value of ``None`` removes the field.
No module-level CKAN import: the pure tests may import this module too.
"""
from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count(1)


def dga_dataset_dict(**overrides: Any) -> dict[str, Any]:
    """Every mandatory item given and valid, with Thai values as agencies
    store them; public category, open licence, focus area "tourism", in the
    fiscal year 2565 basket."""
    n = next(_counter)
    pkg = {
        "name": f"dga-dataset-{n}",
        "title": f"สถิติจำนวนนักท่องเที่ยวรายจังหวัด {n}",
        "owner_org": None,
        "data_type": "ข้อมูลสถิติ",
        "maintainer": "กองสถิติการท่องเที่ยว",
        "maintainer_email": "stat@mots.go.th",
        "tag_string": "ท่องเที่ยว, สถิติ, จังหวัด",
        "notes": "จำนวนนักท่องเที่ยวชาวไทยและชาวต่างชาติ จำแนกรายจังหวัด",
        "objective": ["พันธกิจหน่วยงาน"],
        "update_frequency_unit": "เดือน",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": "สำนักงานปลัดกระทรวงการท่องเที่ยวและกีฬา",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Creative Commons Attributions",
        "focus_area": "tourism",
        "kpi_years": [2565],
        "mission": "ภารกิจด้านการท่องเที่ยว",
        "work_process": "จัดทำสถิตินักท่องเที่ยว",
        "resources": [{"name": "รายเดือน (CSV)", "url": "https://data.example.go.th/tourism.csv",
                       "format": "CSV"}],
    }
    for key, value in overrides.items():
        if value is None:
            pkg.pop(key, None)
        else:
            pkg[key] = value
    return pkg


def dga_dataset(**overrides: Any) -> dict[str, Any]:
    """Create the dataset (``ckan.tests.factories.Dataset``); returns package_show's dict."""
    from ckan.tests import factories

    if "owner_org" not in overrides:
        overrides["owner_org"] = factories.Organization()["id"]
    return factories.Dataset(**dga_dataset_dict(**overrides))
