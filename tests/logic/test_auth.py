"""Who may call the KPI actions (CKAN's call_auth, real database)."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def people():
    org = factories.Organization()
    other_org = factories.Organization()
    users = {role: factories.User() for role in
             ("member", "editor", "admin", "other_admin", "stranger", "assessor")}
    for role in ("member", "editor", "admin"):
        helpers.call_action("organization_member_create", id=org["id"],
                            username=users[role]["name"], role=role)
    helpers.call_action("organization_member_create", id=other_org["id"],
                        username=users["other_admin"]["name"], role="admin")
    users["sysadmin"] = factories.Sysadmin()
    return org, users


def _allowed(auth, user, data):
    context = {"user": user["name"] if user else ""}
    try:
        helpers.call_auth(auth, context, **data)
        return True
    except tk.NotAuthorized:
        return False


EXPECTED_FULL = {"anonymous": False, "stranger": False, "other_admin": False, "member": True,
                 "editor": True, "admin": True, "sysadmin": True, "assessor": True}


@pytest.mark.ckan_config("ckanext.opdc_kpi.public_scores", "false")
def test_score_access_matrix_without_public_scores(people, ckan_config, monkeypatch):
    org, users = people
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.assessors", [users["assessor"]["name"]])
    for role, expected in EXPECTED_FULL.items():
        user = users.get(role)
        assert _allowed("opdc_kpi_score", user, {"id": org["id"]}) is expected, role
        assert _allowed("opdc_kpi_score_private", user, {"id": org["id"]}) is expected, role


@pytest.mark.ckan_config("ckanext.opdc_kpi.public_scores", "true")
def test_public_scores_admit_everyone_but_only_to_the_public_view(people, ckan_config, monkeypatch):
    org, users = people
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.assessors", [users["assessor"]["name"]])
    for role, full in EXPECTED_FULL.items():
        user = users.get(role)
        assert _allowed("opdc_kpi_score", user, {"id": org["id"]}) is True, role
        assert _allowed("opdc_kpi_score_private", user, {"id": org["id"]}) is full, role
    assert _allowed("opdc_kpi_score_list", None, {}) is True


@pytest.mark.ckan_config("ckanext.opdc_kpi.public_scores", "false")
def test_score_list_is_for_assessors_and_sysadmins(people, ckan_config, monkeypatch):
    org, users = people
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.assessors", [users["assessor"]["name"]])
    expected = {"anonymous": False, "stranger": False, "member": False, "admin": False,
                "sysadmin": True, "assessor": True}
    for role, allowed in expected.items():
        assert _allowed("opdc_kpi_score_list", users.get(role), {}) is allowed, role
