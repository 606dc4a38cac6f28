"""Who sees what, role by role: the full view (private datasets) only where
CKAN would let the caller read them, and for assessors of the organization;
every choice a page offers counts only what the viewer may see; the harvest
check for a scoped assessor covers the organizations it assesses only."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from .factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.opdc_kpi.public_scores", True)]

PRIVATE_ONLY_YEAR = 2563   # a basket of private datasets only
PUBLIC_YEAR = 2565


@pytest.fixture
def roles():
    users = {role: factories.UserWithToken() for role in
             ("member", "editor", "admin", "assessor", "other_assessor", "stranger")}
    users["sysadmin"] = factories.SysadminWithToken()
    org = factories.Organization(focus_areas=["tourism"], users=[
        {"name": users[r]["name"], "capacity": r} for r in ("member", "editor", "admin")])
    other = factories.Organization()
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="open-one",
                                         kpi_years=[PUBLIC_YEAR]))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="secret-one", private=True,
                                         kpi_years=[PRIVATE_ONLY_YEAR]))
    sysadmin = {"user": users["sysadmin"]["name"], "ignore_auth": False}
    helpers.call_action("opdc_kpi_assessor_create", sysadmin, user=users["assessor"]["name"],
                        organizations=[org["name"]])
    helpers.call_action("opdc_kpi_assessor_create", sysadmin,
                        user=users["other_assessor"]["name"], organizations=[other["name"]])
    users["anonymous"] = None
    return {"users": users, "org": org, "other": other}


FULL_VIEW = {"member": True, "editor": True, "admin": True, "assessor": True,
             "sysadmin": True, "other_assessor": False, "stranger": False, "anonymous": False}


def _context(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


@pytest.mark.parametrize("role", sorted(FULL_VIEW))
def test_the_score_report_is_full_only_where_the_caller_may_read_private_datasets(roles, role):
    report = helpers.call_action("opdc_kpi_score", _context(roles["users"][role]),
                                 id=roles["org"]["id"], fiscal_year=PRIVATE_ONLY_YEAR)
    assert report["public_only"] is (not FULL_VIEW[role])
    assert ("secret-one" in repr(report)) is FULL_VIEW[role]


def _year_options(app, roles, role):
    user = roles["users"][role]
    page = app.get(f"/organization/{roles['org']['name']}/kpi",
                   headers={"Authorization": user["token"]} if user else {})
    assert page.status_code == 200, (role, page.status_code)
    return {int(y) for y in re.findall(r'<option value="(\d{4})"', page.get_data(as_text=True))}


@pytest.mark.parametrize("role", sorted(FULL_VIEW))
def test_the_year_selector_counts_only_what_the_viewer_may_see(app, roles, role):
    options = _year_options(app, roles, role)
    assert PUBLIC_YEAR in options
    assert (PRIVATE_ONLY_YEAR in options) is FULL_VIEW[role], role


HARVEST = {  # role: (own organization, another organization, no id: theirs / the catalog)
    "sysadmin": (True, True, True), "assessor": (True, False, True),
    "other_assessor": (False, True, True), "admin": (True, False, False),
    "editor": (False, False, False), "member": (False, False, False),
    "stranger": (False, False, False), "anonymous": (False, False, False)}


@pytest.mark.parametrize("role", sorted(HARVEST))
def test_harvest_check_scoped_to_the_organizations_one_assesses_or_administers(roles, role):
    context = _context(roles["users"][role])
    for org_id, allowed in zip((roles["org"]["id"], roles["other"]["id"], None), HARVEST[role]):
        data = {"id": org_id} if org_id else {}
        if allowed:
            assert helpers.call_auth("opdc_kpi_harvest_check", dict(context), **data)
        else:
            with pytest.raises(tk.NotAuthorized):
                helpers.call_auth("opdc_kpi_harvest_check", dict(context), **data)


@pytest.mark.ckan_config("ckanext.opdc_kpi.assessors", "every_org_assessor")
def test_an_assessor_of_every_organization_checks_the_whole_catalog(roles):
    factories.User(name="every_org_assessor")
    assert helpers.call_auth("opdc_kpi_harvest_check", {"user": "every_org_assessor"})
    result = helpers.call_action("opdc_kpi_harvest_check", {"user": "every_org_assessor",
                                                            "ignore_auth": False}, record=False)
    assert result["organization"] is None


def test_a_scoped_assessor_runs_the_check_on_its_organization(roles):
    context = _context(roles["users"]["assessor"])
    result = helpers.call_action("opdc_kpi_harvest_check", context, id=roles["org"]["name"],
                                 record=False)
    assert result["organization"]["id"] == roles["org"]["id"]
    # without an id: the organizations it assesses, not the whole catalog
    theirs = helpers.call_action("opdc_kpi_harvest_check", _context(roles["users"]["assessor"]),
                                 record=False)
    assert theirs["organization"] is None
    assert [o["id"] for o in theirs["organizations"]] == [roles["org"]["id"]]
    assert theirs["seen"] == result["seen"] and theirs["expected"] == result["expected"]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("opdc_kpi_harvest_check", _context(roles["users"]["assessor"]),
                            id=roles["other"]["id"], record=False)
