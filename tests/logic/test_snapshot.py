"""Frozen results: opdc_kpi_snapshot_create, and opdc_kpi_score reading them."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def org_with_basket():
    admin = factories.User()
    org = factories.Organization(focus_areas=["tourism"], catalog_url="https://c.example.go.th",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    kept = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], mission="ภารกิจ",
                                                work_process="กระบวนการ"))
    leaving = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], geo_coverage="ประเทศ"))
    return org, admin, kept, leaving


def _ctx(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


def test_only_assessors_and_sysadmins_freeze(org_with_basket, ckan_config, monkeypatch):
    org, admin, _, _ = org_with_basket
    assessor = factories.User()
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.assessors", [assessor["name"]])
    for user in (admin, factories.User(), None):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("opdc_kpi_snapshot_create", _ctx(user), id=org["id"],
                                fiscal_year=2565)
    done = helpers.call_action("opdc_kpi_snapshot_create", _ctx(assessor), id=org["id"],
                               fiscal_year=2565)
    assert [s["organization"]["name"] for s in done["snapshots"]] == [org["name"]]


def test_a_frozen_year_reads_frozen_and_live_is_a_flag_away(org_with_basket):
    org, admin, _, leaving = org_with_basket
    sysadmin = factories.Sysadmin()
    frozen = helpers.call_action("opdc_kpi_snapshot_create", _ctx(sysadmin), id=org["id"],
                                 fiscal_year=2565)["snapshots"][0]
    helpers.call_action("package_patch", _ctx(sysadmin), id=leaving["id"], kpi_years=[2566])
    report = helpers.call_action("opdc_kpi_score", _ctx(admin), id=org["id"], fiscal_year=2565)
    assert report["score"] == frozen["score"]
    assert report["basket"] == 2
    assert report["snapshot"]["creator"] == sysadmin["name"]
    assert report["snapshot"]["declaration"]["focus_areas"] == ["tourism"]
    live = helpers.call_action("opdc_kpi_score", _ctx(admin), id=org["id"], fiscal_year=2565,
                               live=True)
    assert live["basket"] == 1 and "snapshot" not in live
    assert report["snapshot"]["differs"] is True
    assert report["snapshot"]["live_score"] == live["score"]


def test_the_public_view_never_reads_a_snapshot(org_with_basket, ckan_config, monkeypatch):
    org, _, _, _ = org_with_basket
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], private=True, name="hidden-x"))
    helpers.call_action("opdc_kpi_snapshot_create", _ctx(factories.Sysadmin()), id=org["id"],
                        fiscal_year=2565)
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.public_scores", True)
    public = helpers.call_action("opdc_kpi_score", _ctx(None), id=org["id"], fiscal_year=2565)
    assert "snapshot" not in public and "hidden-x" not in str(public)


def test_freezing_every_organization_keeps_history(org_with_basket):
    org, _, _, _ = org_with_basket
    factories.Organization()
    sysadmin = factories.Sysadmin()
    first = helpers.call_action("opdc_kpi_snapshot_create", _ctx(sysadmin), fiscal_year=2565)
    second = helpers.call_action("opdc_kpi_snapshot_create", _ctx(sysadmin), fiscal_year=2565)
    assert len(first["snapshots"]) == len(second["snapshots"]) == 2
    from ckanext.opdc_kpi.model import snapshot

    assert snapshot.latest(org["id"], 2565)["id"] == second["snapshots"][
        [s["organization"]["id"] for s in second["snapshots"]].index(org["id"])]["id"]


def test_bad_input(org_with_basket):
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_snapshot_create", _ctx(sysadmin))
    assert "fiscal_year" in error.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("opdc_kpi_snapshot_create", _ctx(sysadmin), id="nope",
                            fiscal_year=2565)


def test_cli_freezes_at_the_deadline(cli, org_with_basket):
    org, _, _, _ = org_with_basket
    result = cli.invoke(ckan, ["opdc-kpi", "freeze", "--year", "2565"])
    assert result.exit_code == 0, result.output
    assert f"{org['name']}:" in result.output and "1 organizations frozen" in result.output


def test_organization_page_shows_the_frozen_result_and_links_the_live_one(app, org_with_basket):
    org, _, _, leaving = org_with_basket
    sysadmin = factories.SysadminWithToken()
    helpers.call_action("opdc_kpi_snapshot_create", _ctx(sysadmin), id=org["id"],
                        fiscal_year=2565)
    helpers.call_action("package_patch", _ctx(sysadmin), id=leaving["id"], kpi_years=[2566])
    headers = {"Authorization": sysadmin["token"]}
    page = app.get(f"/organization/{org['name']}/kpi?year=2565", headers=headers)
    text = page.get_data(as_text=True)
    assert "opdc-kpi-frozen" in text and "live=1" in text
    live = app.get(f"/organization/{org['name']}/kpi?year=2565&live=1", headers=headers)
    assert "opdc-kpi-frozen" not in live.get_data(as_text=True)
