"""Stored KPI figures kept current on every path that can move them, each
checked against a full live recompute right after the change (no read in
between heals them)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchIndexError
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.logic.score import figures
from ckanext.opdc_kpi.model import figures as store

from ..factories_dga import dga_dataset_dict
from .support import assert_current, live_rows, stored_rows

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _org(**extra):
    data = {"focus_areas": ["tourism"], "catalog_url": "https://catalog.example.go.th"}
    data.update(extra)
    return factories.Organization(**data)


def _dataset(org, **overrides):
    overrides.setdefault("mission", "ภารกิจ")
    overrides.setdefault("work_process", "กระบวนการ")
    return factories.Dataset(**dga_dataset_dict(owner_org=org["id"], **overrides))


def _sysadmin():
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def _act(action, **data):
    """The action as a sysadmin (the activity plugin wants a real user)."""
    return helpers.call_action(action, _sysadmin(), **data)


def _row(org, year=2565, public_only=False):
    return next(r for r in stored_rows(year, public_only)
                if r["organization"]["id"] == org["id"])


def test_create_update_patch_delete():
    org = _org()
    pkg = _dataset(org)
    assert_current()
    assert _row(org)["basket"] == 1 and _row(org)["score"] > 0
    pkg = _act("package_show", id=pkg["id"])
    pkg["kpi_years"] = [2565, 2566]
    pkg["data_category"] = "ข้อมูลส่วนบุคคล"
    pkg["license_id"] = "License not specified"
    _act("package_update", **pkg)
    assert_current()
    assert _row(org, 2566)["basket"] == 1
    _act("package_patch", id=pkg["id"], private=True)
    assert_current()
    assert _row(org, public_only=True)["basket"] == 0
    _act("package_patch", id=pkg["id"], focus_area="health")
    assert_current()
    assert _row(org)["basket"] == 0
    _act("package_delete", id=pkg["id"])
    assert_current()


def test_resources_licence_and_years():
    org = _org()
    pkg = _dataset(org, resources=[])
    before = _row(org)["parts"]["openness"]
    resource = _act("resource_create", package_id=pkg["id"],
                                   url="https://x.example.go.th/a.csv", format="CSV")
    assert_current()
    assert _row(org)["parts"]["openness"] > before
    _act("resource_patch", id=resource["id"], format="PDF")
    assert_current()
    _act("resource_delete", id=resource["id"])
    assert_current()
    _act("package_patch", id=pkg["id"], license_id="License not specified",
                        kpi_years="2564,2565")
    assert_current()


def test_purge():
    org = _org()
    pkg = _dataset(org)
    _dataset(org)
    _act("dataset_purge", id=pkg["id"])
    assert_current()
    assert _row(org)["basket"] == 1


def test_move_between_organizations():
    first, second = _org(), _org()
    pkg = _dataset(first)
    _act("package_owner_org_update", id=pkg["id"], organization_id=second["id"])
    assert_current()
    assert _row(first)["basket"] == 0 and _row(second)["basket"] == 1


def test_organization_fields_delete_and_purge():
    org = _org()
    pkg = _dataset(org)
    _act("organization_patch", id=org["id"], catalog_url="")
    assert_current()
    _act("organization_patch", id=org["id"], focus_areas=["health"])
    assert_current()
    assert _row(org)["basket"] == 0
    _act("organization_patch", id=org["id"], focus_areas=["tourism"],
                        title="New title")
    assert_current()
    assert _row(org)["organization"]["title"] == "New title"
    _act("dataset_purge", id=pkg["id"])
    _act("organization_delete", id=org["id"])
    assert_current()
    other = _org()
    _act("organization_purge", id=other["id"])
    assert_current()


@pytest.mark.parametrize("action,field,value", [
    ("bulk_update_private", "private", True),
    ("bulk_update_public", "private", False),
    ("bulk_update_delete", "state", "deleted"),
])
def test_bulk_actions(action, field, value):
    org = _org()
    datasets = [_dataset(org, private=not value if field == "private" else False)
                for _ in range(2)]
    try:
        helpers.call_action(action, _sysadmin(), datasets=[d["id"] for d in datasets],
                            org_id=org["id"])
    except SearchIndexError:
        # CKAN 2.11 commits the bulk UPDATE, then indexes through Solr's own
        # classes, which the PostgreSQL search does not replace
        assert not tk.check_ckan_version(min_version="2.12")
    assert model.Session.execute(sa.text(f"SELECT {field} FROM package WHERE id = :id"),
                                 {"id": datasets[0]["id"]}).scalar() == value
    assert_current()


def test_confirmations_overrides_and_snapshots():
    org = _org()
    pkg = _dataset(org)
    sysadmin = _sysadmin()
    record = helpers.call_action("opdc_kpi_confirmation_create", sysadmin, id=org["id"],
                                 fiscal_year=2565, criterion="catalog", action="override",
                                 value=False, note="checked")
    assert_current()
    assert _row(org)["parts"]["catalog"] == 0 and _row(org, public_only=True)["parts"][
        "catalog"] == 10
    helpers.call_action("opdc_kpi_confirmation_create", sysadmin, id=org["id"],
                        fiscal_year=2565, dataset=pkg["id"], criterion="complete",
                        action="override", value=False, note="checked")
    assert_current()
    helpers.call_action("opdc_kpi_confirmation_delete", sysadmin, id=record["id"])
    assert_current()
    helpers.call_action("opdc_kpi_snapshot_create", sysadmin, id=org["id"], fiscal_year=2565)
    assert_current()


def test_a_failed_recompute_loses_no_change_and_reads_right(monkeypatch):
    org = _org()
    pkg = _dataset(org)

    def broken(*args, **kwargs):
        raise RuntimeError("figures down")
    monkeypatch.setattr(figures.contributions, "compute", broken)
    _act("package_patch", id=pkg["id"], private=True)
    assert _act("package_show", id=pkg["id"])["private"] is True
    model.Session.remove()
    assert all(r.stale for r in store.rows_for(model.Session, 2565, True)[org["id"]].values())
    monkeypatch.undo()
    listed = helpers.call_action("opdc_kpi_score_list", fiscal_year=2565, public_only=True)
    assert listed["organizations"] == live_rows(2565, True)
    assert_current()


def test_the_change_commits_without_the_figures_table(monkeypatch):
    org = _org()
    pkg = _dataset(org)
    monkeypatch.setattr(store.figures_table, "name", "opdc_kpi_no_such_table")
    _act("package_patch", id=pkg["id"], title="Still saved")
    monkeypatch.undo()
    assert _act("package_show", id=pkg["id"])["title"] == "Still saved"


def test_other_settings_are_recomputed_on_read(ckan_config, monkeypatch):
    org = _org(catalog_url="")
    _dataset(org)
    assert_current()
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.catalog_url", "ftp://not.http")
    listed = helpers.call_action("opdc_kpi_score_list", fiscal_year=2565)
    assert listed["organizations"] == live_rows(2565, False)
    assert listed["organizations"][0]["parts"]["catalog"] == 0
    assert_current()


def test_list_and_report_agree():
    org = _org()
    _dataset(org)
    _dataset(org, private=True, data_category="ข้อมูลส่วนบุคคล",
             license_id="License not specified")
    for public_only in (False, True):
        listed = helpers.call_action("opdc_kpi_score_list", fiscal_year=2565,
                                     public_only=public_only)["organizations"][0]
        report = helpers.call_action("opdc_kpi_score", id=org["id"], fiscal_year=2565,
                                     public_only=public_only)
        assert listed["score"] == report["score"] and listed["level"] == report["level"]
        assert listed["parts"] == {k: v["points"] for k, v in report["parts"].items()}
        assert listed["basket"] == report["basket"]


def test_figures_off_lists_live(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.stored_figures", False)
    org = _org()
    _dataset(org)
    model.Session.remove()
    assert store.stored_organizations(model.Session) == []
    listed = helpers.call_action("opdc_kpi_score_list", fiscal_year=2565)
    assert listed["organizations"] == live_rows(2565, False)
    assert tk.asbool(ckan_config["ckanext.opdc_kpi.stored_figures"]) is False


def test_a_dataset_change_applies_its_contribution_only(monkeypatch):
    """One dataset's change rewrites its contribution and sums the rows
    again: the organization is not recomputed whole, nor its other datasets
    read; a change to the organization is recomputed whole."""
    org = _org()
    ids = [_dataset(org)["id"] for _ in range(3)]
    assert_current()
    whole, read = [], []
    real_refresh, real_compute = figures.refresh, figures.contributions.compute

    def refresh(org_ids, progress=None):
        whole.append(sorted(org_ids))
        return real_refresh(org_ids, progress)

    def compute(session, org_ids, dataset_ids=None):
        read.append(dataset_ids)
        return real_compute(session, org_ids, dataset_ids)
    monkeypatch.setattr(figures, "refresh", refresh)
    monkeypatch.setattr(figures.contributions, "compute", compute)
    _act("package_patch", id=ids[0], single_source_of_truth="True", private=True)
    _act("resource_create", package_id=ids[1], url="https://data.example.go.th/x.csv",
         format="CSV")
    _act("package_delete", id=ids[2])
    assert whole == [] and read == [[ids[0]], [ids[1]], [ids[2]]]
    assert_current()
    _act("organization_patch", id=org["id"], catalog_url="")
    assert whole == [[org["id"]]]
    assert_current()


def test_changes_noted_but_not_applied_are_applied_by_the_next_change(monkeypatch):
    """A process that died between its commit and its apply left its
    changes noted: the next change of the organization applies them too."""
    org = _org()
    ids = [_dataset(org)["id"] for _ in range(2)]
    monkeypatch.setattr(figures, "apply", lambda org_ids: None)
    _act("package_patch", id=ids[0], private=True)
    monkeypatch.undo()
    model.Session.remove()
    assert all(r.stale for r in store.rows_for(model.Session, 2565, False)[org["id"]].values())
    _act("package_patch", id=ids[1], title="Another change")
    assert_current()


@pytest.mark.ckan_config("ckanext.opdc_kpi.openness_scope", "catalog")
def test_openness_over_the_whole_catalog_from_contributions():
    """With openness over every active dataset (not only the basket), the
    summed contributions still give the live figures, in both views."""
    org = _org()
    outside = _dataset(org, kpi_years=[2566])
    inside = _dataset(org)
    _act("package_patch", id=outside["id"], single_source_of_truth="True")
    _act("package_patch", id=inside["id"], private=True)
    _act("resource_create", package_id=outside["id"], url="https://data.example.go.th/a",
         format="API")
    assert_current()
    assert _row(org, 2565, True)["parts"]["openness"] > 0


def test_basket_years_from_the_sums_only_while_they_are_current():
    """The admin page's year selector reads the sums when every
    organization's figures are current, and the datasets otherwise."""
    from ckanext.opdc_kpi.model import contributions as contribution_store
    org = _org()
    _dataset(org, kpi_years=[2564, 2566])
    other = _org()
    _dataset(other, kpi_years=[2567], private=True)
    fp = figures.fingerprint()
    assert contribution_store.basket_years(model.Session, fp) == [2567, 2566, 2564]
    assert figures.basket_years() == [2567, 2566, 2564]
    # a change noted but not applied: the sums may lag, the datasets answer
    figures.mark_stale([other["id"]])
    model.Session.remove()
    assert contribution_store.basket_years(model.Session, fp) is None
    assert figures.basket_years() == [2567, 2566, 2564]
    # an organization without figures (made while they were off) likewise
    figures.refresh([other["id"]])
    assert contribution_store.basket_years(model.Session, fp) == [2567, 2566, 2564]
    model.Session.execute(sa.delete(store.figures_table)
                          .where(store.figures_table.c.organization_id == org["id"]))
    model.Session.commit()
    assert contribution_store.basket_years(model.Session, fp) is None
    assert contribution_store.basket_years(model.Session, "another fingerprint") is None
    assert figures.basket_years() == [2567, 2566, 2564]
