"""Assessors managed by sysadmins: per part, per organization."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.logic import access as assessor

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _ctx(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


def test_only_sysadmins_manage_assessors():
    user = factories.User()
    for caller in (user, None):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("opdc_kpi_assessor_create", _ctx(caller), user=user["name"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("opdc_kpi_assessor_list", _ctx(caller))


def test_an_assessor_of_some_organizations_sees_only_those():
    sysadmin = factories.Sysadmin()
    nso = factories.User()
    mine = factories.Organization()
    other = factories.Organization()
    helpers.call_action("opdc_kpi_assessor_create", _ctx(sysadmin), user=nso["name"],
                        parts=["basic_standard"], organizations=[mine["name"]])
    assert assessor.assesses(nso["name"], mine["id"])
    assert assessor.assesses(nso["name"], mine["id"], "basic_standard")
    assert not assessor.assesses(nso["name"], mine["id"], "advanced")
    assert not assessor.assesses(nso["name"], other["id"])
    helpers.call_auth("opdc_kpi_score_private", _ctx(nso), id=mine["id"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("opdc_kpi_score_private", _ctx(nso), id=other["id"])
    with pytest.raises(tk.NotAuthorized):  # the list is for assessors of every organization
        helpers.call_auth("opdc_kpi_score_list", _ctx(nso))
    report = helpers.call_action("opdc_kpi_score", _ctx(nso), id=mine["id"], fiscal_year=2565)
    assert report["public_only"] is False


def test_an_assessor_of_everything_lists_and_freezes_then_is_removed():
    sysadmin = factories.Sysadmin()
    opdc = factories.User()
    org = factories.Organization()
    helpers.call_action("opdc_kpi_assessor_create", _ctx(sysadmin), user=opdc["name"])
    helpers.call_auth("opdc_kpi_score_list", _ctx(opdc))
    helpers.call_action("opdc_kpi_snapshot_create", _ctx(opdc), id=org["id"], fiscal_year=2565)
    listed = helpers.call_action("opdc_kpi_assessor_list", _ctx(sysadmin))
    assert [(a["user"], a["parts"], a["organizations"]) for a in listed] == [
        (opdc["name"], ["basic_standard", "advanced"], None)]
    helpers.call_action("opdc_kpi_assessor_delete", _ctx(sysadmin), user=opdc["name"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("opdc_kpi_score_list", _ctx(opdc))


def test_bad_input_is_a_field_error():
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_assessor_create", _ctx(sysadmin), user="nobody-here")
    assert "user" in error.value.error_dict
    user = factories.User()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_assessor_create", _ctx(sysadmin), user=user["name"],
                            parts=["everything"])
    assert "parts" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_assessor_create", _ctx(sysadmin), user=user["name"],
                            organizations=["no-such-org"])
    assert "organizations" in error.value.error_dict


def test_admin_page_adds_and_removes_assessors(app):
    sysadmin = factories.SysadminWithToken()
    user = factories.User()
    org = factories.Organization()
    headers = {"Authorization": sysadmin["token"]}
    page = app.get("/ckan-admin/opdc-kpi/assessors", headers=headers)
    assert page.status_code == 200
    app.post("/ckan-admin/opdc-kpi/assessors", headers=headers,
             data={"user": user["name"], "parts": ["advanced"], "organizations": [org["name"]]})
    assert assessor.assesses(user["name"], org["id"], "advanced")
    app.post("/ckan-admin/opdc-kpi/assessors", headers=headers, data={"remove": user["name"]})
    assert not assessor.assesses(user["name"], org["id"])
    stranger = factories.UserWithToken()
    assert app.get("/ckan-admin/opdc-kpi/assessors",
                   headers={"Authorization": stranger["token"]}).status_code == 403
