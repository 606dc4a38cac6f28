"""opdc_kpi_dataset_completeness: the dataset form's KPI line, through the real stack."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _typed(org, **overrides):
    pkg = dga_dataset_dict(owner_org=org["id"], **overrides)
    pkg.pop("resources")
    pkg["kpi_years"] = "2565, 2566"
    return pkg


def test_counts_missing_items_and_the_basket():
    org = factories.Organization(focus_areas=["tourism"])
    typed = _typed(org, geo_coverage="", maintainer_email="")
    result = helpers.call_action("opdc_kpi_dataset_completeness", dataset=typed,
                                 fiscal_year=2565, lang="en")
    assert (result["complete"], result["total"]) == (12, 14)
    assert [m["field"] for m in result["missing"]] == ["maintainer_email", "geo_coverage"]
    assert result["missing"][1]["labels"]["th"] == "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"
    assert result["in_basket"] is True
    result = helpers.call_action("opdc_kpi_dataset_completeness", dataset=typed,
                                 fiscal_year=2564, lang="th")
    assert result["in_basket"] is False
    assert "2564" in result["basket_reason"]["message"]


def test_focus_area_the_organization_did_not_declare_is_not_in_the_basket():
    org = factories.Organization(focus_areas=["health"])
    result = helpers.call_action("opdc_kpi_dataset_completeness",
                                 dataset=_typed(org), fiscal_year=2565)
    assert result["is_complete"] and not result["in_basket"]
    assert result["basket_reason"]["code"] == "basket_focus_area"


@pytest.mark.parametrize("bad", [
    {"dataset": "not an object"},
    {"dataset": {"title": {"nested": "object"}}},
    {"dataset": {"title": "x"}, "fiscal_year": "abc"},
    {"dataset": {"title": "x"}, "lang": "fr"},
    {"dataset": {"title": "x"}, "unknown": "1"},
    {},
])
def test_bad_input_is_a_validation_error(bad):
    with pytest.raises(tk.ValidationError):
        helpers.call_action("opdc_kpi_dataset_completeness", **bad)


def test_bad_input_over_http_is_409_not_500(app):
    user = factories.UserWithToken()
    factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    response = app.post("/api/3/action/opdc_kpi_dataset_completeness",
                        json={"dataset": ["a", "list"]},
                        headers={"Authorization": user["token"]}, status=409)
    assert "dataset" in response.json["error"]


def test_who_may_ask():
    editor, outsider = factories.User(), factories.User()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    data = {"dataset": {"owner_org": org["id"]}}
    assert helpers.call_auth("opdc_kpi_dataset_completeness", {"user": editor["name"]}, **data)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("opdc_kpi_dataset_completeness", {"user": outsider["name"]}, **data)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("opdc_kpi_dataset_completeness", {"user": ""}, **data)
    pkg = factories.Dataset(**dga_dataset_dict(owner_org=org["id"]))
    assert helpers.call_auth("opdc_kpi_dataset_completeness", {"user": editor["name"]},
                             id=pkg["id"], dataset={})
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("opdc_kpi_dataset_completeness", {"user": outsider["name"]},
                          id=pkg["id"], dataset={})
