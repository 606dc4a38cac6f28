"""The KPI actions through the real stack: CKAN, the DGA schema, PostgreSQL."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.logic import score as action
from ckanext.opdc_kpi.logic import site as rules
from ckanext.opdc_kpi.logic.score import reader

from ..factories_dga import dga_dataset_dict
from ..legacy_support import store_behind_validation

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

def _org(**extra):
    data = {"focus_areas": ["tourism", "public-administration"],
            "catalog_url": "https://catalog.example.go.th"}
    data.update(extra)
    return factories.Organization(**data)


def _dataset(org, **overrides):
    return factories.Dataset(**dga_dataset_dict(owner_org=org["id"], **overrides))


def _make_legacy(name: str, *fields: str) -> None:
    """Blank items behind validation's back, as datasets made before the
    schema are, and reindex."""
    store_behind_validation(model.Package.get(name).id, remove=fields)


def _sysadmin_context():
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def test_the_seed_worked_example_scores_70():
    """Six basket datasets, four complete, one with 13 items, one with 12;
    none public-category: metadata 15 × 4/6 = 10.00, score 70.00, basic."""
    org = _org()
    for n in range(6):
        _dataset(org, name=f"worked-{n}", data_category="ข้อมูลส่วนบุคคล",
                 license_id="License not specified", mission="ภารกิจ", work_process="กระบวนการ")
    _make_legacy("worked-4", "geo_coverage")
    _make_legacy("worked-5", "data_source", "maintainer_email")

    report = helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["name"],
                                 fiscal_year=2565)

    assert report["score"] == 70.0
    assert report["level"] == "basic"
    assert report["parts"]["basic"]["passed"] is True
    assert report["parts"]["metadata"] == {**report["parts"]["metadata"], "points": 10.0,
                                           "complete": 4, "total": 6, "max": 15}
    assert report["parts"]["catalog"]["points"] == 10
    assert report["parts"]["openness"]["points"] == 0
    missing = {d["name"]: d["missing"] for d in report["datasets"]}
    assert missing["worked-4"] == ["geo_coverage"]
    assert sorted(missing["worked-5"]) == ["data_source", "maintainer_email"]
    assert not missing["worked-0"]


def test_basket_is_the_year_and_the_declared_focus_areas():
    org = _org(focus_areas=["tourism"])
    _dataset(org, name="in-basket", kpi_years=[2565, 2566])
    _dataset(org, name="other-year", kpi_years=[2566])
    _dataset(org, name="other-focus", focus_area="health")
    report = helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["id"],
                                 fiscal_year=2565)
    assert [d["name"] for d in report["datasets"]] == ["in-basket"]
    assert report["organization"] == {"id": org["id"], "name": org["name"],
                                       "title": org["title"]}
    assert report["fiscal_year"] == 2565


def _varied_catalog():
    """Datasets of every kind the fast path must read like package_show."""
    org = _org()
    other = _org()
    _dataset(org, name="complete-open", mission="ภารกิจ", work_process="กระบวนการ",
             single_source_of_truth="True",
             use_case_url="https://report.example.go.th/1", use_case_description="ใช้จริง")
    _dataset(org, name="legacy-incomplete")
    _make_legacy("legacy-incomplete", "objective", "data_format", "maintainer")
    _dataset(org, name="private-one", private=True)
    _dataset(org, name="public-no-resources", resources=[])
    _dataset(org, name="public-xls", resources=[
        {"name": "xls", "url": "https://data.example.go.th/a.xls", "format": "XLS"},
        {"name": "pdf", "url": "https://data.example.go.th/a.pdf", "format": "PDF"}])
    _dataset(org, name="draft-one", state="draft")
    deleted = _dataset(org, name="deleted-one")
    helpers.call_action("package_delete", _sysadmin_context(), id=deleted["id"])
    _dataset(org, name="other-year", kpi_years=[2566])
    _dataset(org, name="other-focus", focus_area="health")
    _dataset(org, name="secret-category", data_category="ข้อมูลความลับทางราชการ",
             license_id="License not specified")
    _dataset(other, name="other-org")
    return org, other


@pytest.mark.parametrize("public_only", [False, True])
def test_fast_path_equals_scoring_package_show_dicts(public_only):
    org, other = _varied_catalog()
    settings = dict(fiscal_year=2565, today=rules.today(), rules=rules.from_config(),
                    catalog_url=rules.fallback_catalog_url(), lang=rules.request_language(),
                    public_only=public_only)
    context = {"ignore_auth": True, "user": ""}
    for owner in (org, other):
        fast = action.score_organizations(reader.organizations([owner["id"]]),
                                          fiscal_year=2565, public_only=public_only)[0]
        shown_org = helpers.call_action("organization_show", context, id=owner["id"])
        ids = [p.id for p in model.Session.query(model.Package.id).filter_by(owner_org=owner["id"])]
        shown = [helpers.call_action("package_show", context, id=i) for i in ids]
        shown = sorted((p for p in shown if p["state"] == "active"), key=lambda p: p["name"])
        # the full view carries the (here: no) assessors' records
        slow = scoring.score_organization(shown_org, shown, **settings,
                                          assessments=None if public_only else [])
        assert fast == slow
    report = action.score_organizations(
        reader.organizations([org["id"]]), fiscal_year=2565, public_only=public_only)[0]
    names = {d["name"] for d in report["datasets"]}
    assert "draft-one" not in names and "deleted-one" not in names
    assert ("private-one" in names) is (not public_only)


def test_member_sees_private_datasets_outsiders_never_do(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.public_scores", True)
    org = _org()
    _dataset(org, name="open-one", title="ชุดข้อมูลเปิด")
    secret = _dataset(org, name="hidden-one", title="ชุดข้อมูลลับเฉพาะภายใน", private=True)
    member = factories.User()
    helpers.call_action("organization_member_create", id=org["id"],
                        username=member["name"], role="member")
    stranger = factories.User()
    other_admin = factories.User()
    factories.Organization(users=[{"name": other_admin["name"], "capacity": "admin"}])

    full = helpers.call_action("opdc_kpi_score", {"user": member["name"], "ignore_auth": False},
                               id=org["id"], fiscal_year=2565)
    assert full["public_only"] is False
    assert "hidden-one" in {d["name"] for d in full["datasets"]}

    for user in ("", stranger["name"], other_admin["name"]):
        for name, params in (("opdc_kpi_score", {"id": org["id"]}),
                             ("opdc_kpi_score_list", {})):
            out = helpers.call_action(name, {"user": user, "ignore_auth": False},
                                      fiscal_year=2565, **params)
            text = json.dumps(out, ensure_ascii=False)
            assert out["public_only"] is True
            for secret_value in (secret["id"], secret["name"], secret["title"]):
                assert secret_value not in text, (user, name)
    # asking for the full view does not lift the public view
    out = helpers.call_action("opdc_kpi_score", {"user": stranger["name"], "ignore_auth": False},
                              id=org["id"], fiscal_year=2565, public_only=False)
    assert out["public_only"] is True


def test_public_only_flag_narrows_a_members_report():
    org = _org()
    _dataset(org, name="open-one")
    _dataset(org, name="hidden-one", private=True)
    context = _sysadmin_context()
    full = helpers.call_action("opdc_kpi_score", context, id=org["id"], fiscal_year=2565)
    public = helpers.call_action("opdc_kpi_score", context, id=org["id"], fiscal_year=2565,
                                 public_only=True)
    assert full["parts"]["metadata"]["total"] == 2
    assert public["parts"]["metadata"]["total"] == 1
    assert [d["name"] for d in public["datasets"]] == ["open-one"]


def test_not_allowed_without_public_scores():
    org = _org()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("opdc_kpi_score", {"user": factories.User()["name"],
                                               "ignore_auth": False}, id=org["id"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("opdc_kpi_score_list", {"user": "", "ignore_auth": False})


def test_unknown_organization_is_not_found():
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("opdc_kpi_score", _sysadmin_context(), id="no-such-org")


@pytest.mark.parametrize("year", ["abc", 2400, 1999, 2549, 9999, True, "2565.5", ""])
def test_implausible_fiscal_year_is_a_field_error(year):
    org = _org()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["id"],
                            fiscal_year=year)
    assert "fiscal_year" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_score_list", _sysadmin_context(), fiscal_year=year)
    assert "fiscal_year" in error.value.error_dict


def test_fiscal_year_accepts_numeric_strings_and_defaults_to_the_current_year():
    org = _org()
    context = _sysadmin_context()
    assert helpers.call_action("opdc_kpi_score", context, id=org["id"],
                               fiscal_year=" 2565 ")["fiscal_year"] == 2565
    assert helpers.call_action("opdc_kpi_score", context,
                               id=org["id"])["fiscal_year"] == rules.current_fiscal_year()


def test_unknown_keys_are_rejected():
    org = _org()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["id"], year=2565)
    assert list(error.value.error_dict) == ["year"]
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_score_list", _sysadmin_context(), org="x")
    assert list(error.value.error_dict) == ["org"]


def test_missing_id_is_a_field_error():
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("opdc_kpi_score", _sysadmin_context())
    assert "id" in error.value.error_dict


def test_score_list_has_a_row_per_organization():
    first = _org()
    second = _org(focus_areas=[])
    _dataset(first, mission="ภารกิจ", work_process="กระบวนการ")
    _dataset(second)
    out = helpers.call_action("opdc_kpi_score_list", _sysadmin_context(), fiscal_year=2565)
    rows = {row["organization"]["name"]: row for row in out["organizations"]}
    assert set(rows) == {first["name"], second["name"]}
    assert rows[first["name"]]["level"] == "standard"
    assert rows[first["name"]]["score"] == pytest.approx(75.0 + rows[first["name"]]["parts"]["openness"]
                                                         + rows[first["name"]]["parts"]["use"])
    assert rows[second["name"]] == {**rows[second["name"]], "score": 0.0, "level": None,
                                    "basket": 0}
    single = helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=first["id"],
                                 fiscal_year=2565)
    assert rows[first["name"]] == scoring.score_row(single)


def test_the_score_follows_live_edits():
    org = _org()
    dataset = _dataset(org, mission="ภารกิจ", work_process="กระบวนการ")
    context = _sysadmin_context()
    before = helpers.call_action("opdc_kpi_score", context, id=org["id"], fiscal_year=2565)
    helpers.call_action("package_patch", context, id=dataset["id"], kpi_years=[2566])
    after = helpers.call_action("opdc_kpi_score", context, id=org["id"], fiscal_year=2565)
    assert before["parts"]["basic"]["passed"] is True
    assert after["parts"]["basic"]["passed"] is False
    assert after["score"] == 0.0 and after["level"] is None


def test_http_api_answers_with_ckan_status_codes(app):
    org = _org()
    sysadmin = factories.SysadminWithToken()
    headers = {"Authorization": sysadmin["token"]}
    ok = app.post("/api/3/action/opdc_kpi_score", json={"id": org["name"], "fiscal_year": 2565},
                  headers=headers)
    assert ok.status_code == 200 and ok.json["result"]["organization"]["name"] == org["name"]
    missing = app.post("/api/3/action/opdc_kpi_score", json={"id": "nope"}, headers=headers)
    assert missing.status_code == 404
    bad = app.post("/api/3/action/opdc_kpi_score", json={"id": org["name"], "fiscal_year": "x"},
                   headers=headers)
    assert bad.status_code == 409 and "fiscal_year" in bad.json["error"]
    anonymous = app.get("/api/3/action/opdc_kpi_score", query_string={"id": org["name"]})
    assert anonymous.status_code == 403


@pytest.mark.parametrize("stored", ["๒๕๖๕", "2564, 2565", "[2565]", "2565", "[\"2566\", \"๒๕๖๕\"]"])
def test_legacy_kpi_years_spellings_put_the_dataset_in_the_basket(stored):
    """The SQL read narrows to the year's candidates; every spelling the core
    accepts must survive it."""
    org = _org()
    dataset = _dataset(org, name="legacy-years", mission="ภารกิจ", work_process="กระบวนการ")
    pkg = model.Package.get(dataset["id"])
    pkg.extras = dict(pkg.extras, kpi_years=stored)
    model.repo.commit()
    report = helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["id"],
                                 fiscal_year=2565)
    assert [d["name"] for d in report["datasets"]] == ["legacy-years"]
    other = helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["id"],
                                fiscal_year=2563)
    assert other["datasets"] == []


@pytest.mark.ckan_config("ckanext.opdc_kpi.openness_scope", "catalog")
def test_catalog_openness_scope_reads_datasets_outside_the_basket():
    org = _org()
    _dataset(org, name="in-basket", mission="ภารกิจ", work_process="กระบวนการ",
             resources=[{"name": "pdf", "url": "https://x.example.go.th/a.pdf", "format": "PDF"}])
    _dataset(org, name="other-year", kpi_years=[2566])
    fast = helpers.call_action("opdc_kpi_score", _sysadmin_context(), id=org["id"],
                               fiscal_year=2565)
    assert fast["parts"]["openness"]["public"] == 2
    assert [d["name"] for d in fast["datasets"]] == ["in-basket"]


@pytest.mark.parametrize("public_only", [False, True])
def test_list_rows_are_the_rows_of_the_full_reports(public_only):
    """The list computes figures only; each row equals the full report's row,
    overrides included in the full view."""
    org, other = _varied_catalog()
    helpers.call_action("opdc_kpi_confirmation_create", _sysadmin_context(), id=org["id"],
                        fiscal_year=2565, criterion="catalog", value=False, note="ตรวจแล้ว")
    orgs = reader.organizations([org["id"], other["id"]])
    reports = action.score_organizations(orgs, fiscal_year=2565, public_only=public_only)
    rows = action.score_rows(orgs, fiscal_year=2565, public_only=public_only)
    assert rows == [scoring.score_row(report) for report in reports]
    assert (rows[[o["id"] for o in orgs].index(org["id"])]["parts"]["catalog"] == 0.0) is (
        not public_only)


def test_paused_gc_resumes_only_what_it_paused():
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with reader.paused_gc():
            assert not gc.isenabled()
            with reader.paused_gc():
                assert not gc.isenabled()
            assert not gc.isenabled()      # the inner one did not resume it
            raise RuntimeError("a failed read")
    assert gc.isenabled()
