"""The KPI pages explain themselves (issue 27b), through CKAN's app client in
Thai: the headline with the distance to the next level, "what to fix next"
grouped and folded, the failed basic level named, Bootstrap 5 markup, the
two-step ladder confirmation, the assessment form's value lists and where a
refused form lands, the assessors form, the harvest panel's wording and no
Gravatar request."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import ckan

from ckan.tests import factories, helpers

from .factories_dga import dga_dataset_dict
from .legacy_support import store_behind_validation

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")
PAGE = "/th/organization/interior/kpi?year=2565"


@pytest.fixture
def site():
    sysadmin = factories.SysadminWithToken()
    admin = factories.UserWithToken()
    org = factories.Organization(
        name="interior", title="กรมทดสอบ", focus_areas=["tourism"],
        catalog_url="https://catalog.example.go.th",
        users=[{"name": admin["name"], "capacity": "admin"}])
    # 6 basket datasets, internal category (no openness), 2 of them lacking
    # the same item: the seed's worked example, 70 points at the basic level
    for n in range(6):
        dataset = factories.Dataset(**dga_dataset_dict(
            owner_org=org["id"], name=f"d{n}", title=f"ชุดข้อมูล {n}",
            data_category="ข้อมูลใช้ภายใน", license_id="License not specified",
            mission="ภารกิจ" if n == 0 else None, work_process="กระบวนการ" if n == 0 else None))
        if n >= 4:
            store_behind_validation(dataset["id"], remove=["data_source"])
    failing = factories.Organization(name="no-focus", title="หน่วยงานไม่ผ่านขั้นต้น",
                                     catalog_url="https://other.example.go.th")
    assessor = factories.UserWithToken()
    helpers.call_action("opdc_kpi_assessor_create", {"user": sysadmin["name"]},
                        user=assessor["name"], parts=["basic_standard", "advanced"])
    return {"sysadmin": sysadmin, "admin": admin, "org": org, "failing": failing,
            "assessor": assessor}


def _soup(app, url, user, status=200):
    response = app.get(url, headers={"Authorization": user["token"]} if user else {})
    assert response.status_code == status
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def test_the_headline_gives_the_score_of_100_the_level_and_what_the_next_level_lacks(app, site):
    page = _soup(app, PAGE, site["admin"])
    total = page.select_one(".opdc-kpi-total")
    assert re.sub(r"\s+", " ", total.get_text("", strip=False)).strip() == (
        "70/100 — ขั้นต้น · ถึงขั้นมาตรฐาน: อีก 5 คะแนน — "
        "คำอธิบายข้อมูลครบ 14 รายการอีก 2 จาก 6 ชุด (+5)")
    assert "ชุดข้อมูลในตะกร้าปี 2565 จำนวน 6 ชุด" in _text(page.select_one(".opdc-kpi-summary"))


def test_what_to_fix_next_is_grouped_by_level_and_folds_the_same_fix(app, site):
    page = _soup(app, PAGE, site["admin"])
    groups = page.select(".opdc-kpi-fix-group")
    assert [g["data-level"] for g in groups] == ["standard", "advanced"]
    assert "opdc-kpi-fix-next" in groups[0]["class"]
    # the two datasets lacking the same item: one line, with its count
    (line,) = groups[0].select("li[data-code=fix_metadata]")
    assert line["data-count"] == "2"
    assert "+5" in _text(line) and "2 ชุดข้อมูล ชุดละ +2.50" in _text(line)
    assert {a.get_text(strip=True) for a in line.select("details a")} == {
        "ชุดข้อมูล 4", "ชุดข้อมูล 5"}
    # +5 for use evidence does not make the standard level: it is in the advanced
    # group, which says so
    assert groups[1].select_one("li[data-code=fix_use]")
    assert "จะถึงขั้นก้าวหน้าเมื่อถึงขั้นมาตรฐานแล้วเท่านั้น" in _text(groups[1])


def test_the_ladder_colours_passed_failed_and_not_counted_parts(app, site):
    page = _soup(app, PAGE, site["admin"])
    rows = {tr["data-part"]: tr for tr in page.select(".opdc-kpi-ladder tbody tr")}
    assert "table-success" in rows["basic"]["class"] and "table-success" in rows["catalog"]["class"]
    assert "table-warning" in rows["metadata"]["class"]
    failing = _soup(app, "/th/organization/no-focus/kpi?year=2565", site["sysadmin"])
    rows = {tr["data-part"]: tr for tr in failing.select(".opdc-kpi-ladder tbody tr")}
    assert rows["basic"]["data-state"] == "failed" and "table-warning" in rows["basic"]["class"]
    # the catalog URL is there, but nothing counts before the basic level passes
    assert rows["catalog"]["data-state"] == "not-counted"
    assert "table-secondary" in rows["catalog"]["class"]
    assert "นับเมื่อผ่านขั้นต้นแล้ว" in _text(rows["catalog"])
    assert failing.select_one(".opdc-kpi-total").get_text("", strip=True).startswith(
        "0/100—ไม่ผ่านขั้นต้น·ถึงขั้นต้น:")


def test_the_admin_page_names_a_failed_basic_level_and_draws_its_parts_as_not_counted(
        app, site):
    page = _soup(app, "/th/ckan-admin/opdc-kpi?year=2565", site["sysadmin"])
    row = next(tr for tr in page.select("table.opdc-kpi-organizations tbody tr")
               if "หน่วยงานไม่ผ่านขั้นต้น" in tr.get_text())
    assert row.select_one("td[data-level]").get_text(strip=True) == "ไม่ผ่านขั้นต้น"
    chart = page.select_one(".opdc-kpi-stacked li[data-organization=no-focus]")
    assert "opdc-kpi-failed" in chart["class"]
    assert chart.select_one(".opdc-kpi-name").get_text(strip=True) == "หน่วยงานไม่ผ่านขั้นต้น"
    segments = chart.select(".opdc-kpi-track > span")
    assert segments and all(s["class"] == ["opdc-kpi-uncounted"] for s in segments)
    passing = page.select_one(".opdc-kpi-stacked li[data-organization=interior]")
    assert passing.select_one(".opdc-kpi-name").get_text(strip=True) == "กรมทดสอบ"
    # Thai part names in the legend, not the codes
    legend = _text(page.select_one(".opdc-kpi-legend"))
    assert "คำอธิบายข้อมูล (15)" in legend and "metadata" not in legend


def test_the_pages_use_bootstrap_5_classes_only(app, site):
    helpers.call_action("opdc_kpi_confirmation_create", {"user": site["assessor"]["name"]},
                        id="interior", fiscal_year=2565, criterion="catalog", action="confirm")
    old = {"btn-default", "btn-xs", "form-inline", "alert-error", "error-block", "label",
           "label-default", "label-warning", "label-success", "control-medium", "success",
           "warning", "form-group"}
    for url, user in ((PAGE, site["assessor"]), ("/th/ckan-admin/opdc-kpi", site["sysadmin"]),
                      ("/th/ckan-admin/opdc-kpi/assessors", site["sysadmin"]),
                      ("/th/organization/interior/kpi/assessments", site["assessor"]),
                      ("/th/organization/interior/harvest-check", site["sysadmin"])):
        page = _soup(app, url, user)
        # CKAN 2.11's own organization header writes its "Manage" link with
        # btn-default (its CSS styles it as btn-light); the extension's markup
        # is checked, not CKAN's
        core = {id(node) for node in page.select(
            ".content_action a[href*='/organization/edit/']")
            if ckan.__version__.startswith("2.11")}
        used = {c for node in page.select(".primary [class]") if id(node) not in core
                for c in node["class"]}
        assert not used & old, (url, used & old)
    page = _soup(app, PAGE, site["assessor"])
    assert "form-select" in page.select_one("#opdc-kpi-year")["class"]
    show = page.select_one("form.opdc-kpi-year button")
    assert {"btn", "btn-outline-secondary"} <= set(show["class"])
    assert all("form-select" in s["class"] for s in page.select(".primary select"))


def test_the_ladder_confirm_asks_first_and_takes_a_note(app, site):
    page = _soup(app, PAGE, site["assessor"])
    step = page.select_one(".opdc-kpi-ladder tr[data-part=catalog] details.opdc-kpi-confirm-step")
    # the visible "ยืนยัน…" opens the form; it submits nothing
    assert step.select_one("summary").get_text(strip=True) == "ยืนยัน…"
    form = step.select_one("form.opdc-kpi-quick-confirm")
    assert form.select_one("textarea[name=note]") is not None
    assert form["action"].endswith("#opdc-kpi-assessment-form")
    response = app.post("/organization/interior/kpi/assessment",
                        headers={"Authorization": site["assessor"]["token"]},
                        data={"fiscal_year": "2565", "criterion": "catalog", "action": "confirm",
                              "note": "เปิดดู URL แล้ว"}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("#top")
    (record,) = helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True},
                                    id="interior")
    assert (record["action"], record["note"]) == ("confirm", "เปิดดู URL แล้ว")


def test_the_value_lists_follow_the_criterion_and_errors_speak_their_labels(app, site):
    page = _soup(app, PAGE, site["assessor"])
    form = page.select_one("form#opdc-kpi-assessment-form")
    assert form["action"].endswith("#opdc-kpi-assessment-form")
    kinds = {o["value"]: o["data-kind"] for o in form.select("select[name=criterion] option")}
    assert kinds["complete"] == "bool" and kinds["access"] == "tier"
    assert [o.get_text(strip=True) for o in form.select("select[name=value_bool] option")] == [
        "—", "ผ่าน", "ไม่ผ่าน"]
    assert [o["value"] for o in form.select("select[name=value_tier] option")] == [
        "", "0", "1", "2", "3"]
    # a tier chosen for a pass/fail criterion: refused, in the lists' words
    response = app.post("/th/organization/interior/kpi/assessment",
                        headers={"Authorization": site["assessor"]["token"]},
                        data={"fiscal_year": "2565", "criterion": "complete", "dataset": "d4",
                              "action": "override", "value_tier": "2", "note": "ตรวจแล้ว"})
    assert response.status_code == 400
    refused = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        "form#opdc-kpi-assessment-form")
    error = refused.select_one("#field-assessment-value-error").get_text(strip=True)
    assert "“ผ่าน” หรือ “ไม่ผ่าน”" in error and "true" not in error and "false" not in error
    assert "alert-danger" in refused.select_one(".opdc-kpi-error-summary")["class"]
    assert refused.select_one("select[name=value_tier] option[selected]")["value"] == "2"
    # the pass/fail list records a pass/fail value
    response = app.post("/organization/interior/kpi/assessment",
                        headers={"Authorization": site["assessor"]["token"]},
                        data={"fiscal_year": "2565", "criterion": "complete", "dataset": "d4",
                              "action": "override", "value_bool": "true", "value_tier": "",
                              "note": "ผู้ประเมินตรวจแล้ว"}, follow_redirects=False)
    assert response.status_code == 302
    (record,) = helpers.call_action("opdc_kpi_confirmation_list", {"ignore_auth": True},
                                    id="interior")
    assert (record["criterion"], record["value"]) == ("complete", True)


def test_the_assessors_form_ticks_organizations_and_names_an_unknown_user(app, site):
    headers = {"Authorization": site["sysadmin"]["token"]}
    page = _soup(app, "/th/ckan-admin/opdc-kpi/assessors", site["sysadmin"])
    assert page.select_one("select[multiple]") is None
    assert len(page.select("input[type=checkbox][name=organizations]")) == 2
    user = page.select_one("input[name=user]")
    assert user["data-module"] == "autocomplete"
    response = app.post("/th/ckan-admin/opdc-kpi/assessors", headers=headers,
                        data={"user": "nobody-here", "parts": ["advanced"], "scope": "all"})
    assert response.status_code == 400
    refused = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "is-invalid" in refused.select_one("input[name=user]")["class"]
    assert "ไม่พบผู้ใช้ “nobody-here”" in refused.select_one("#field-user-error").get_text()
    # what was ticked is kept: advanced only
    assert [i["value"] for i in refused.select("input[name=parts][checked]")] == ["advanced"]
    # "only these organizations" with none ticked is refused, not "every organization"
    someone = factories.User()
    response = app.post("/th/ckan-admin/opdc-kpi/assessors", headers=headers,
                        data={"user": someone["name"], "parts": ["advanced"], "scope": "some"})
    assert response.status_code == 400
    assert not [a for a in helpers.call_action("opdc_kpi_assessor_list",
                                               {"user": site["sysadmin"]["name"]})
                if a["user"] == someone["name"]]
    response = app.post("/th/ckan-admin/opdc-kpi/assessors", headers=headers,
                        data={"user": someone["name"], "parts": ["advanced"], "scope": "some",
                              "organizations": ["interior"]}, follow_redirects=False)
    assert response.status_code == 302
    (saved,) = [a for a in helpers.call_action("opdc_kpi_assessor_list",
                                               {"user": site["sysadmin"]["name"]})
                if a["user"] == someone["name"]]
    assert saved["organizations"] == ["interior"] and saved["parts"] == ["advanced"]


def test_the_harvest_panel_says_again_only_after_a_check(app, site):
    page = _soup(app, PAGE, site["admin"])
    button = page.select_one("#opdc-kpi-harvest button").get_text(strip=True)
    assert button == "ตรวจการเก็บเกี่ยวข้อมูลครั้งแรก"
    helpers.call_action("opdc_kpi_harvest_check", {"user": site["admin"]["name"]},
                        id="interior")
    page = _soup(app, PAGE, site["admin"])
    assert page.select_one("#opdc-kpi-harvest button").get_text(strip=True) == (
        "ตรวจการเก็บเกี่ยวข้อมูลอีกครั้ง")


def test_no_gravatar_is_requested_on_a_closed_network(app, site, ckan_config):
    assert ckan_config["ckan.gravatar_default"] == "disabled"
    html = app.get(PAGE, headers={"Authorization": site["admin"]["token"]}).get_data(
        as_text=True)
    assert "gravatar.com" not in html
