"""Assessors' confirmations and overrides through the real stack: every role
and part, the history, opdc_kpi_score applying them (full view only), bad input."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _ctx(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


@pytest.fixture
def catalog():
    """An organization with one public-category basket dataset (CSV, monthly,
    per province, not declared single source of truth: tier 1, 6 points)
    and assessors for each part: NSO (basic/standard), DGA (advanced), OPDC (all)."""
    sysadmin = factories.Sysadmin()
    admin, editor, member = factories.User(), factories.User(), factories.User()
    org = factories.Organization(
        focus_areas=["tourism"], catalog_url="https://catalog.example.go.th",
        users=[{"name": admin["name"], "capacity": "admin"},
               {"name": editor["name"], "capacity": "editor"},
               {"name": member["name"], "capacity": "member"}])
    dataset = factories.Dataset(**dga_dataset_dict(owner_org=org["id"]))
    people = {"sysadmin": sysadmin, "admin": admin, "editor": editor, "member": member,
              "stranger": factories.User(), "anonymous": None}
    for name, parts, orgs in (("nso", ["basic_standard"], None), ("dga", ["advanced"], None),
                              ("opdc", ["basic_standard", "advanced"], None),
                              ("elsewhere", ["basic_standard", "advanced"],
                               [factories.Organization()["name"]])):
        people[name] = factories.User()
        helpers.call_action("opdc_kpi_assessor_create", _ctx(sysadmin),
                            user=people[name]["name"], parts=parts,
                            **({"organizations": orgs} if orgs else {}))
    return org, dataset, people


def _override(user, org, **data):
    values = dict(id=org["name"], fiscal_year=2565, action="override", note="หนังสือยืนยัน")
    values.update(data)
    return helpers.call_action("opdc_kpi_confirmation_create", _ctx(user), **values)


@pytest.mark.parametrize("who,criterion,allowed", [
    ("sysadmin", "access", True), ("sysadmin", "catalog", True),
    ("opdc", "access", True), ("opdc", "complete", True),
    ("nso", "complete", True), ("nso", "catalog", True), ("nso", "basic", True),
    ("nso", "access", False), ("nso", "use", False), ("nso", "single_source_of_truth", False),
    ("dga", "access", True), ("dga", "use", True), ("dga", "searchable_text", True),
    ("dga", "complete", False), ("dga", "catalog", False),
    ("elsewhere", "access", False), ("elsewhere", "complete", False),
    ("admin", "access", False), ("admin", "complete", False), ("editor", "complete", False),
    ("member", "catalog", False), ("stranger", "access", False), ("anonymous", "catalog", False),
])
def test_who_may_confirm_or_override_each_part(catalog, who, criterion, allowed):
    org, _, people = catalog
    data = {"id": org["id"], "criterion": criterion}
    if allowed:
        assert helpers.call_auth("opdc_kpi_confirmation_create", _ctx(people[who]), **data)
    else:
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("opdc_kpi_confirmation_create", _ctx(people[who]), **data)


def test_the_config_list_assessor_assesses_every_part(catalog, ckan_config, monkeypatch):
    org, dataset, _ = catalog
    listed = factories.User()
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.assessors", [listed["name"]])
    _override(listed, org, dataset=dataset["name"], criterion="access", value=3)
    _override(listed, org, criterion="catalog", value=False)


def test_an_override_is_applied_in_the_full_view_beside_the_computed_value(catalog, ckan_config,
                                                                           monkeypatch):
    org, dataset, people = catalog
    before = helpers.call_action("opdc_kpi_score", _ctx(people["admin"]), id=org["id"],
                                 fiscal_year=2565)
    assert before["parts"]["openness"]["points"] == 6.0 and before["assessments"] == []
    record = _override(people["dga"], org, dataset=dataset["name"],
                       criterion="single_source_of_truth", value="true",
                       note="ประกาศกรมฯ ให้ชุดข้อมูลนี้เป็นแหล่งข้อมูลต้นทาง")
    assert record["user"] == people["dga"]["name"] and record["current"] is True
    assert record["dataset"] == dataset["name"] and record["part"] == "advanced"
    report = helpers.call_action("opdc_kpi_score", _ctx(people["member"]), id=org["id"],
                                 fiscal_year=2565)
    assert report["parts"]["openness"]["points"] == 12.0
    assert report["computed"]["parts"]["openness"] == 6.0
    assert report["score"] == report["computed"]["score"] + 6.0
    item = report["datasets"][0]["assessments"]["single_source_of_truth"]
    assert (item["value"], item["computed"]) == (True, False)
    assert item["user"] == people["dga"]["name"] and item["created"]
    assert item["note"] == "ประกาศกรมฯ ให้ชุดข้อมูลนี้เป็นแหล่งข้อมูลต้นทาง"
    # the public view ignores it: what any outside client can reproduce
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.public_scores", True)
    for user, extra in ((None, {}), (people["admin"], {"public_only": True})):
        public = helpers.call_action("opdc_kpi_score", _ctx(user), id=org["id"],
                                     fiscal_year=2565, **extra)
        assert public["parts"]["openness"]["points"] == 6.0
        assert "assessments" not in public and "computed" not in public
    listed = helpers.call_action("opdc_kpi_score_list", _ctx(people["opdc"]), fiscal_year=2565)
    row = next(r for r in listed["organizations"] if r["organization"]["id"] == org["id"])
    assert row["parts"]["openness"] == 12.0


def test_history_is_kept_and_deleting_brings_back_the_previous_record(catalog):
    org, _, people = catalog
    first = _override(people["nso"], org, criterion="catalog", value=False,
                      note="URL เข้าไม่ได้ในวันตรวจ")
    second = _override(people["opdc"], org, criterion="catalog", value=True,
                       note="ตรวจซ้ำ เข้าได้แล้ว")
    score = lambda: helpers.call_action(  # noqa: E731
        "opdc_kpi_score", _ctx(people["admin"]), id=org["id"], fiscal_year=2565)
    assert score()["parts"]["catalog"]["assessment"]["id"] == second["id"]
    history = helpers.call_action("opdc_kpi_confirmation_list", _ctx(people["admin"]),
                                  id=org["name"])
    assert [(r["id"], r["current"]) for r in history] == [(second["id"], True),
                                                          (first["id"], False)]
    with pytest.raises(tk.NotAuthorized):   # an advanced-only assessor cannot withdraw it
        helpers.call_action("opdc_kpi_confirmation_delete", _ctx(people["dga"]),
                            id=second["id"])
    deleted = helpers.call_action("opdc_kpi_confirmation_delete", _ctx(people["nso"]),
                                  id=second["id"])
    assert deleted["deleted"] and deleted["deleted_by"] == people["nso"]["name"]
    report = score()
    assert report["parts"]["catalog"]["points"] == 0.0
    assert report["parts"]["catalog"]["assessment"]["id"] == first["id"]
    history = helpers.call_action("opdc_kpi_confirmation_list", _ctx(people["member"]),
                                  id=org["id"], fiscal_year=2565)
    assert [(r["id"], r["current"], bool(r["deleted"])) for r in history] == [
        (second["id"], False, True), (first["id"], True, False)]
    current = helpers.call_action("opdc_kpi_confirmation_list", _ctx(people["member"]),
                                  id=org["id"], current_only=True)
    assert [r["id"] for r in current] == [first["id"]]


def test_a_confirmation_keeps_the_value_it_agreed_with(catalog):
    org, dataset, people = catalog
    confirmed = helpers.call_action(
        "opdc_kpi_confirmation_create", _ctx(people["nso"]), id=org["id"], fiscal_year=2565,
        dataset=dataset["id"], criterion="complete")
    assert (confirmed["action"], confirmed["value"]) == ("confirm", True)
    confirmed = helpers.call_action(
        "opdc_kpi_confirmation_create", _ctx(people["dga"]), id=org["id"], fiscal_year=2565,
        dataset=dataset["id"], criterion="single_source_of_truth", note="ไม่ใช่แหล่งต้นทาง")
    assert (confirmed["action"], confirmed["value"]) == ("confirm", False)
    report = helpers.call_action("opdc_kpi_score", _ctx(people["admin"]), id=org["id"],
                                 fiscal_year=2565)
    assert report["score"] == report["computed"]["score"]
    items = report["datasets"][0]["assessments"]
    assert items["complete"]["changed"] is False
    assert items["single_source_of_truth"]["changed"] is False
    # the steward changes the dataset after the confirmation: flagged, not hidden
    helpers.call_action("package_patch", _ctx(people["sysadmin"]), id=dataset["id"],
                        single_source_of_truth="True")
    report = helpers.call_action("opdc_kpi_score", _ctx(people["admin"]), id=org["id"],
                                 fiscal_year=2565)
    item = report["datasets"][0]["assessments"]["single_source_of_truth"]
    assert item["changed"] is True and item["computed"] is True and item["value"] is False
    assert report["parts"]["openness"]["points"] == 12.0    # a confirmation overrides nothing


def test_a_snapshot_freezes_the_result_with_the_overrides(catalog):
    org, dataset, people = catalog
    _override(people["dga"], org, dataset=dataset["id"], criterion="use_evidence", value=True)
    frozen = helpers.call_action("opdc_kpi_snapshot_create", _ctx(people["opdc"]),
                                 id=org["id"], fiscal_year=2565)["snapshots"][0]
    report = helpers.call_action("opdc_kpi_score", _ctx(people["admin"]), id=org["id"],
                                 fiscal_year=2565)
    assert report["snapshot"]["id"] == frozen["id"]
    assert report["parts"]["use"]["points"] == 5.0
    assert report["assessments"][0]["criterion"] == "use_evidence"


def test_who_may_read_the_records(catalog):
    org, _, people = catalog
    _override(people["nso"], org, criterion="basic", value=True)
    for who in ("member", "editor", "admin", "nso", "dga", "sysadmin"):
        assert helpers.call_action("opdc_kpi_confirmation_list", _ctx(people[who]),
                                   id=org["id"])
    for who in ("stranger", "anonymous", "elsewhere"):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("opdc_kpi_confirmation_list", _ctx(people[who]), id=org["id"])


def test_bad_input_gets_a_field_error(catalog):
    org, dataset, people = catalog
    other = factories.Organization(focus_areas=["tourism"])
    foreign = factories.Dataset(**dga_dataset_dict(owner_org=other["id"]))
    outside = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], kpi_years=[2566]))
    pdf = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], data_format=["PDF"],
                                               resources=[{"url": "https://x.go.th/a.pdf",
                                                           "format": "PDF"}]))
    opdc = people["opdc"]
    cases = [
        (dict(criterion="everything", value=True), "criterion"),
        (dict(criterion="access", value=2), "dataset"),
        (dict(criterion="access", value=2, dataset=foreign["name"]), "dataset"),
        (dict(criterion="access", value=2, dataset="no-such-dataset"), "dataset"),
        (dict(criterion="access", value=2, dataset=outside["name"]), "dataset"),
        (dict(criterion="granularity", value=2, dataset=pdf["name"]), "dataset"),
        (dict(criterion="catalog", value=True, dataset=dataset["name"]), "dataset"),
        (dict(criterion="access", value=7, dataset=dataset["name"]), "value"),
        (dict(criterion="complete", value="maybe", dataset=dataset["name"]), "value"),
        (dict(criterion="catalog"), "value"),
        (dict(criterion="catalog", value=True, note=""), "note"),
        (dict(criterion="catalog", value=True, fiscal_year=1999), "fiscal_year"),
        (dict(criterion="catalog", value=True, colour="red"), "colour"),
        (dict(criterion="catalog", value=True, action="approve"), "action"),
    ]
    for data, field in cases:
        with pytest.raises(tk.ValidationError) as error:
            _override(opdc, org, **data)
        assert field in error.value.error_dict, (data, error.value.error_dict)
    with pytest.raises(tk.ObjectNotFound):
        _override(opdc, {"name": "no-such-org"}, criterion="catalog", value=True)
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("opdc_kpi_confirmation_delete", _ctx(opdc), id="no-such-record")
    assert helpers.call_action("opdc_kpi_confirmation_list", _ctx(opdc), id=org["id"]) == []

