"""The national GD Catalog reads this site through CKAN's API: ``package_show``
and ``package_search`` answer exactly the same with ckanext-dcat's ``dcat``
and ``structured_data`` plugins loaded as without them (issue 29, item 5),
on the search backend of the run, the index rebuilt without them.

ckanext-dcat hooks both: ``after_dataset_show`` (it renames keys of a
dataset without a scheming schema) and ``before_dataset_index`` (it flattens
repeating subfields): neither may touch this schema's datasets.
"""
from __future__ import annotations

import json

import pytest

import ckan.plugins as p
from ckan.lib import search
from ckan.tests import factories

from tests.dcat.support import DATA_TYPES, complete_dataset_dict
from tests.factories_dga import dga_dataset
from tests.legacy_support import NEW_ITEMS, store_behind_validation

pytestmark = pytest.mark.usefixtures("with_plugins", "dcat_db")

DCAT_PLUGINS = ("structured_data", "dcat")


def _api(app, action: str, **params) -> dict:
    response = app.get(f"/api/3/action/{action}", query_string=params, status=200)
    return response.json["result"]


def _answers(app, ids: list[str]) -> str:
    shown = [_api(app, "package_show", id=pkg_id) for pkg_id in ids]
    found = _api(app, "package_search", q="*:*", rows=100, sort="name asc",
                 **{"facet.field": json.dumps(["organization", "tags", "res_format"])})
    return json.dumps({"show": shown, "search": found}, ensure_ascii=False, sort_keys=True)


def test_package_show_and_package_search_are_the_same_without_the_dcat_plugins(app):
    assert all(p.plugin_loaded(name) for name in DCAT_PLUGINS)
    org = factories.Organization(title="กรมการท่องเที่ยว")
    ids = [factories.Dataset(**complete_dataset_dict(data_type, org["id"],
                                                     name=f"gd-view-{n}"))["id"]
           for n, data_type in enumerate(DATA_TYPES)]
    legacy = dga_dataset(owner_org=org["id"], name="gd-view-legacy")
    store_behind_validation(legacy["id"], remove=NEW_ITEMS, drop_focus_tag=True, set_={
        "objective": '["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]', "allow_harvest": "True"})
    ids.append(legacy["id"])
    for pkg_id in ids:
        search.rebuild(pkg_id)
    with_dcat = _answers(app, ids)
    assert '"count": 6' in with_dcat
    p.unload(*DCAT_PLUGINS)
    try:
        for pkg_id in ids:
            search.rebuild(pkg_id)
        without = _answers(app, ids)
    finally:
        p.load(*reversed(DCAT_PLUGINS))
    assert without == with_dcat
