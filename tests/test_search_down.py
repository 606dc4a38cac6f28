"""Solr down or unreachable: the extension's own pages and actions still answer
(they read the database, never the search index), and the harvest check,
which pages the search as the harvester does, says search is unavailable and
records nothing. Solr mode only: on the PostgreSQL search, search down is the
database down. What CKAN's own pages do then is listed in the README
("Running on Apache Solr")."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.lib.search.common import SolrConnectionError
from ckan.tests import factories, helpers

from tests.factories_dga import dga_dataset_dict
from tests.plugins import SOLR

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.skipif(not SOLR, reason="Solr down: Solr mode only")]


@pytest.fixture
def site_without_solr(cut_solr):
    """A catalog made while Solr answered; then Solr out of reach."""
    sysadmin = factories.SysadminWithToken()
    admin = factories.UserWithToken()
    assessor = factories.UserWithToken()
    org = factories.Organization(name="tourism-office", focus_areas=["tourism"],
                                 catalog_url="https://c.example.go.th",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="arrivals"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="hidden", private=True))
    helpers.call_action("opdc_kpi_assessor_create", {"user": sysadmin["name"]},
                        user=assessor["name"], parts=["basic_standard"])
    recorded = helpers.call_action("opdc_kpi_harvest_check", {"user": admin["name"]},
                                   id=org["id"])
    cut_solr()
    return {"org": org, "sysadmin": sysadmin, "admin": admin, "assessor": assessor,
            "recorded": recorded}


def _get(app, url, user):
    return app.get(url, headers={"Authorization": user["token"]})


def test_the_extensions_pages_and_actions_answer(app, site_without_solr):
    site = site_without_solr
    with pytest.raises(SolrConnectionError):            # search really is down
        helpers.call_action("package_search", {"ignore_auth": True})
    page = _get(app, "/organization/tourism-office/kpi?year=2565", site["admin"])
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    # the last recorded check, made while search answered
    summary = soup.select_one("#opdc-kpi-harvest .opdc-kpi-harvest-summary")
    assert summary["data-checked-at"] == site["recorded"]["checked_at"]
    assert "arrivals" in page.get_data(as_text=True)
    assert _get(app, "/organization/tourism-office/kpi?year=2565&format=csv",
                site["admin"]).status_code == 200
    assert _get(app, "/ckan-admin/opdc-kpi?year=2565", site["sysadmin"]).status_code == 200
    assert _get(app, "/organization/tourism-office/kpi/assessments",
                site["admin"]).status_code == 200

    context = {"user": site["sysadmin"]["name"], "ignore_auth": False}
    report = helpers.call_action("opdc_kpi_score", dict(context), id="tourism-office",
                                 fiscal_year=2565)
    assert report["parts"]["metadata"]["total"] == 2
    listed = helpers.call_action("opdc_kpi_score_list", dict(context), fiscal_year=2565)
    assert [r["organization"]["name"] for r in listed["organizations"]] == ["tourism-office"]
    # records: an assessor's confirmation is saved and listed
    response = app.post("/organization/tourism-office/kpi/assessment",
                        headers={"Authorization": site["assessor"]["token"]},
                        data={"fiscal_year": "2565", "criterion": "catalog",
                              "action": "confirm"}, follow_redirects=False)
    assert response.status_code == 302
    records = helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True},
                                  id="tourism-office")
    assert [(r["criterion"], r["action"]) for r in records] == [("catalog", "confirm")]


def test_the_harvest_check_says_search_is_unavailable_and_records_nothing(app,
                                                                        site_without_solr):
    site = site_without_solr
    headers = {"Authorization": site["admin"]["token"]}
    result = helpers.call_action("opdc_kpi_harvest_check", {"user": site["admin"]["name"]},
                                 id="tourism-office")
    assert result["search_unavailable"] is True and result["recorded"] is False
    assert result["seen"] == 0 and result["expected"] == 1

    page = app.get("/organization/tourism-office/harvest-check", headers=headers)
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    notice = soup.select_one("#opdc-kpi-harvest .opdc-kpi-harvest-search-unavailable")
    assert notice is not None and "Search is unavailable" in notice.get_text()
    assert "Broken" not in soup.select_one("#opdc-kpi-harvest dl").get_text()

    response = app.post("/organization/tourism-office/harvest-check", headers=headers,
                        follow_redirects=True)
    assert response.status_code == 200
    assert "the harvest check was not recorded" in response.get_data(as_text=True)
    thai = app.get("/th/organization/tourism-office/harvest-check", headers=headers)
    assert "ระบบค้นหาไม่พร้อมใช้งาน" in thai.get_data(as_text=True)
    last = helpers.call_action("opdc_kpi_harvest_check_last", {"user": site["admin"]["name"]},
                               id="tourism-office")
    assert last["checked_at"] == site["recorded"]["checked_at"]   # still the good one
