"""The assessors' forms on the organization's KPI page, through CKAN's app
client: who sees them, what a save does, a failed save keeping what was
typed, withdrawing, the history page and the exports."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from .export_support import read_csv
from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def catalog():
    sysadmin = factories.Sysadmin()
    member = factories.UserWithToken()
    org = factories.Organization(
        name="tourism-office", focus_areas=["tourism"], catalog_url="https://c.example.go.th",
        users=[{"name": member["name"], "capacity": "member"}])
    dataset = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="arrivals",
                                                   title="สถิตินักท่องเที่ยว"))
    dga = factories.UserWithToken()
    nso = factories.UserWithToken()
    for user, parts in ((dga, ["advanced"]), (nso, ["basic_standard"])):
        helpers.call_action("opdc_kpi_assessor_create", {"user": sysadmin["name"]},
                            user=user["name"], parts=parts)
    return {"org": org, "dataset": dataset, "dga": dga, "nso": nso, "member": member}


def _headers(user):
    return {"Authorization": user["token"]} if user else {}


def _page(app, user, url="/organization/tourism-office/kpi?year=2565"):
    response = app.get(url, headers=_headers(user))
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _post(app, user, **data):
    values = {"fiscal_year": "2565", "action": "override"}
    values.update(data)
    return app.post("/organization/tourism-office/kpi/assessment", headers=_headers(user),
                    data=values, follow_redirects=False)


def test_an_assessor_overrides_and_sees_it_beside_the_computed_value(app, catalog):
    page = _page(app, catalog["dga"])
    form = page.select_one("form.opdc-kpi-assessment-form")
    assert form["method"] == "post" and form.select_one("input[name=_csrf_token]")
    offered = {o["value"] for o in form.select("select[name=criterion] option")}
    assert "access" in offered and "use" in offered
    assert "complete" not in offered and "catalog" not in offered   # NSO's part
    response = _post(app, catalog["dga"], criterion="single_source_of_truth",
                     dataset=catalog["dataset"]["id"], value="true",
                     note="ประกาศกรมฯ ฉบับที่ 3/2565")
    assert response.status_code == 302
    page = _page(app, catalog["member"])
    row = page.select_one("table.opdc-kpi-assessment-records tr[data-criterion=single_source_of_truth]")
    text = row.get_text(" ", strip=True)
    assert "ประกาศกรมฯ ฉบับที่ 3/2565" in text and catalog["dga"]["name"] in text
    assert "สถิตินักท่องเที่ยว" in text
    assert page.select_one(".opdc-kpi-computed-score")          # computed score beside
    assert page.select_one(".opdc-kpi-ladder .opdc-kpi-computed")
    # a member reads the records but gets no form and cannot post
    assert page.select_one("form.opdc-kpi-assessment-form") is None
    assert _post(app, catalog["member"], criterion="catalog", value="false",
                 note="x").status_code == 403


def test_a_failed_save_keeps_what_was_typed_with_a_field_error(app, catalog):
    response = _post(app, catalog["nso"], criterion="complete",
                     dataset=catalog["dataset"]["id"], value="false", note="")
    assert response.status_code == 400   # the form again, with the field error
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    form = page.select_one("form.opdc-kpi-assessment-form")
    assert form.select_one("select[name=criterion] option[selected]")["value"] == "complete"
    # the value is shown again in the pass/fail list ("complete" is passed or not)
    assert form.select_one("select[name=value_bool] option[selected]")["value"] == "false"
    assert (form.select_one("select[name=dataset] option[selected]")["value"]
            == catalog["dataset"]["id"])
    note = form.select_one("textarea[name=note]")
    assert "is-invalid" in note["class"]
    assert form.select_one(f"#{note['aria-describedby']}.opdc-kpi-error").get_text(strip=True)
    assert helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True},
                               id="tourism-office") == []


def test_quick_confirm_withdraw_and_history(app, catalog):
    page = _page(app, catalog["nso"])
    quick = page.select("form.opdc-kpi-quick-confirm")
    assert {f.select_one("input[name=criterion]")["value"] for f in quick} == {"basic", "catalog"}
    assert _post(app, catalog["nso"], criterion="catalog", action="confirm").status_code == 302
    record = helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True},
                                 id="tourism-office")[0]
    assert (record["action"], record["value"], record["user"]) == (
        "confirm", True, catalog["nso"]["name"])
    assert app.post(f"/organization/tourism-office/kpi/assessment/{record['id']}/delete",
                    headers=_headers(catalog["dga"])).status_code == 403   # not DGA's part
    response = app.post(f"/organization/tourism-office/kpi/assessment/{record['id']}/delete",
                        headers=_headers(catalog["nso"]), follow_redirects=False)
    assert response.status_code == 302
    history = _page(app, catalog["member"], "/organization/tourism-office/kpi/assessments")
    text = history.select_one("table.opdc-kpi-assessment-history").get_text(" ", strip=True)
    assert catalog["nso"]["name"] in text
    status = history.select("table.opdc-kpi-assessment-history tbody tr")[0].select("td")[-1]
    assert catalog["nso"]["name"] in status.get_text()    # withdrawn by whom, kept
    stranger = factories.UserWithToken()
    assert app.get("/organization/tourism-office/kpi/assessments",
                   headers=_headers(stranger)).status_code == 403


def test_exports_carry_the_assessments(app, catalog):
    _post(app, catalog["dga"], criterion="access", dataset=catalog["dataset"]["id"], value="3",
          note="API ภายนอก")
    _post(app, catalog["nso"], criterion="catalog", value="false", note="URL เข้าไม่ได้")
    response = app.get("/organization/tourism-office/kpi?year=2565&format=csv",
                       headers=_headers(catalog["member"]))
    summary, rows = read_csv(response.data)
    dataset_row = next(r for r in rows if r["URL name"] == "arrivals")
    assert "API ภายนอก" in dataset_row["Assessors' records"]
    assert any("URL เข้าไม่ได้" in cell for cell in summary)
    assert "Score computed without the assessors' overrides" in summary


def test_the_admin_page_and_its_export_show_the_computed_score_beside(app, catalog):
    _post(app, catalog["nso"], criterion="catalog", value="false", note="URL เข้าไม่ได้")
    sysadmin = factories.SysadminWithToken()
    page = BeautifulSoup(app.get("/ckan-admin/opdc-kpi?year=2565",
                                 headers=_headers(sysadmin)).get_data(as_text=True),
                         "html.parser")
    assert page.select_one("td.opdc-kpi-score .opdc-kpi-computed")
    response = app.get("/ckan-admin/opdc-kpi?year=2565&format=csv", headers=_headers(sysadmin))
    row = next(r for r in read_csv(response.data)[1] if r["URL name"] == "tourism-office")
    assert float(row["Score computed without the assessors' overrides"]) == float(
        row["Score (of 100)"]) + 10
    listed = helpers.call_action("opdc_kpi_score_list", {"user": sysadmin["name"]},
                                 fiscal_year=2565)["organizations"]
    assert listed[0]["computed_score"] == listed[0]["score"] + 10


def test_the_dataset_panel_lists_the_records_that_count(app, catalog):
    _post(app, catalog["dga"], criterion="access", dataset=catalog["dataset"]["id"], value="3",
          note="มี API ภายนอก")
    sysadmin = factories.SysadminWithToken()
    page = BeautifulSoup(app.get("/dataset/arrivals", headers=_headers(sysadmin))
                         .get_data(as_text=True), "html.parser")
    item = page.select_one(".opdc-kpi-panel-assessments li[data-criterion=access]")
    assert "มี API ภายนอก" in item.get_text() and catalog["dga"]["name"] in item.get_text()


def test_a_dataset_moved_away_and_made_private_shows_only_its_id_in_the_history(app, catalog):
    """Issue 26, item 5: a record keeps its dataset's id; its name and title
    are read now, and are shown only to whoever may read the dataset now."""
    _post(app, catalog["dga"], criterion="access", dataset=catalog["dataset"]["id"], value="3",
          note="บันทึกก่อนย้าย")
    elsewhere = factories.Organization()
    sysadmin = factories.SysadminWithToken()
    helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=catalog["dataset"]["id"],
                        owner_org=elsewhere["id"], private=True, name="moved-secret-name",
                        title="moved-secret-title")
    dataset_id = catalog["dataset"]["id"]
    for user in (catalog["member"], catalog["dga"]):
        response = app.get("/organization/tourism-office/kpi/assessments",
                           headers=_headers(user))
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "moved-secret-name" not in body and "moved-secret-title" not in body
        assert "บันทึกก่อนย้าย" in body                 # the record stays in the history
        assert dataset_id in body
        records = helpers.call_action("opdc_kpi_confirmation_list",
                                      {"user": user["name"], "ignore_auth": False},
                                      id="tourism-office")
        assert [(r["dataset_id"], r["dataset"], r["dataset_title"]) for r in records] == [
            (dataset_id, None, None)]
    # whoever may read it now sees its name and title
    body = app.get("/organization/tourism-office/kpi/assessments",
                   headers=_headers(sysadmin)).get_data(as_text=True)
    assert "moved-secret-title" in body
    records = helpers.call_action("opdc_kpi_confirmation_list",
                                  {"user": sysadmin["name"], "ignore_auth": False},
                                  id="tourism-office")
    assert records[0]["dataset"] == "moved-secret-name"
    # a name is no key to the records of a dataset the caller may not read
    assert helpers.call_action("opdc_kpi_confirmation_list",
                               {"user": catalog["member"]["name"], "ignore_auth": False},
                               id="tourism-office", dataset="moved-secret-name") == []
    assert len(helpers.call_action("opdc_kpi_confirmation_list",
                                   {"user": catalog["member"]["name"], "ignore_auth": False},
                                   id="tourism-office", dataset=dataset_id)) == 1
