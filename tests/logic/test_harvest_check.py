"""``opdc_kpi_harvest_check`` through the real stack: CKAN's package_search
(the PostgreSQL search or Solr, as the run's mode), the DGA schema, real
permissions."""
from __future__ import annotations

import pytest

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.factories_dga import dga_dataset
from tests.plugins import SOLR, plugins

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

BROKEN_PAGING = plugins("opdc_kpi_test_broken_paging")
NO_INCREMENTAL = plugins("opdc_kpi_test_no_incremental")
OWN_LABELS = plugins("opdc_kpi_test_labels")


def check(**data):
    """The check as the site user (a sysadmin: reads every dataset)."""
    site_user = helpers.call_action("get_site_user")["name"]
    return helpers.call_action("opdc_kpi_harvest_check", context={"user": site_user}, **data)


def by_name(items):
    return {item["name"]: item for item in items}


def codes(item):
    return sorted(issue["code"] for issue in item["issues"])


def sysadmin_context():
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def act(action, **data):
    """An action as the site user (the activity plugin needs a real user)."""
    site_user = helpers.call_action("get_site_user")["name"]
    return helpers.call_action(action, context={"user": site_user}, **data)


def raw_update(pkg_id, tags=None, resources=None, **fields):
    """Store legacy values the schema would refuse (straight into the
    database, then reindexed), as old agency catalogs hold them."""
    from ckan.lib import search

    pkg = model.Package.get(pkg_id)
    extras = dict(pkg.extras)
    for key, value in fields.items():
        if key in ("notes", "title"):
            setattr(pkg, key, value)
        else:
            extras[key] = value
    pkg.extras = extras
    if tags is not None:
        for package_tag in list(pkg.package_tags):
            if package_tag.tag.vocabulary_id is None:
                model.Session.delete(package_tag)
        for name in tags:
            pkg.add_tag_by_name(name, autoflush=False)
    for resource, changes in zip(pkg.resources, resources or []):
        for key, value in changes.items():
            setattr(resource, key, value)
    model.Session.commit()
    search.rebuild(pkg_id)


# --- a good catalog -------------------------------------------------------------

def test_a_good_catalog_is_seen_whole_and_once():
    org = factories.Organization()
    made = [dga_dataset(owner_org=org["id"]) for _ in range(3)]
    other = dga_dataset()
    result = check(id=org["name"])
    assert result["seen"] == result["expected"] == 3
    assert result["paging_ok"] is True
    assert result["paging"]["issues"] == [] and result["paging"]["stopped"] == "empty_page"
    assert result["incremental"]["ok"] and result["incremental"]["since_from"] == "sample"
    assert result["incremental"]["fq"].startswith(f"organization:{org['name']} metadata_modified:[")
    assert result["problems"] == [] and result["hidden"] == [] and result["gone"] == []
    assert result["organization"]["name"] == org["name"] and result["viewer"] is None
    whole = check()
    assert whole["seen"] == 4 and whole["paging_ok"] and whole["organization"] is None


# --- each problem kind ----------------------------------------------------------

def test_each_problem_kind_is_reported_in_thai_and_english():
    org = factories.Organization()
    good = dga_dataset(owner_org=org["id"])
    no_consent = dga_dataset(owner_org=org["id"], allow_harvest="False")
    hidden = dga_dataset(owner_org=org["id"], private=True, allow_harvest="False")
    consented = dga_dataset(owner_org=org["id"], private=True, allow_harvest="True",
                            data_category="ข้อมูลส่วนบุคคล", license_id="License not specified")
    copy = dga_dataset(owner_org=org["id"], reference_url_catalog="https://other.go.th/d/1")
    no_format = dga_dataset(owner_org=org["id"])
    legacy = dga_dataset(owner_org=org["id"])
    act("resource_create", package_id=no_format["id"], name="ว่าง",
        url="https://x.go.th/b", format="CSV")
    raw_update(no_format["id"], resources=[{"format": ""}, {"url": ""}])
    raw_update(legacy["id"], data_type="ข้อมูลสถิติ ", notes="", tags=["สถิติ/รายปี"])

    result = check(id=org["id"])
    problems = by_name(result["problems"])
    assert good["name"] not in problems
    assert codes(problems[no_consent["name"]]) == ["harvest_no_consent"]
    assert set(codes(problems[no_format["name"]])) == {"harvest_resource_no_format",
                                                        "harvest_resource_no_url"}
    assert set(codes(problems[legacy["name"]])) == {
        "harvest_not_canonical", "keyword_invalid_char", "required"}
    issue = problems[no_consent["name"]]["issues"][0]
    assert issue["field"] == "allow_harvest"
    assert "GD-Catalog" in issue["messages"]["th"] and "consent" in issue["messages"]["en"]
    assert issue["message"] == issue["messages"]["en"]        # test.ini: locale en

    assert [d["name"] for d in result["no_consent"]] == [no_consent["name"]]
    assert [(d["name"], d["url"]) for d in result["copies"]] == [
        (copy["name"], "https://other.go.th/d/1")]
    hidden_by_name = by_name(result["hidden"])
    assert codes(hidden_by_name[hidden["name"]]) == [
        "harvest_private_no_consent", "harvest_public_category_private"]
    assert codes(hidden_by_name[consented["name"]]) == ["harvest_private_with_consent"]
    assert result["seen"] == result["expected"] == 5 and result["paging_ok"]


def test_keywords_are_read_from_tags_and_focus_area_is_not_one():
    org = factories.Organization()
    pkg = dga_dataset(owner_org=org["id"])
    raw_update(pkg["id"], tags=[])
    result = check(id=org["id"])
    assert "keyword_required" in codes(by_name(result["problems"])[pkg["name"]])


def test_as_a_user_private_datasets_are_received():
    org = factories.Organization()
    member = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=member["name"],
                        role="member")
    private = dga_dataset(owner_org=org["id"], private=True, allow_harvest="False")
    dga_dataset(owner_org=org["id"])
    anonymous = check(id=org["id"], record=False)
    assert anonymous["seen"] == 1
    as_member = check(id=org["id"], as_user=member["name"], record=False)
    assert as_member["viewer"] == member["name"] and as_member["seen"] == 2
    assert as_member["paging_ok"] and as_member["hidden"] == []
    assert codes(by_name(as_member["problems"])[private["name"]]) == [
        "harvest_public_category_private"]


# --- paging that does not work ------------------------------------------------------

@pytest.mark.ckan_config("ckan.plugins", BROKEN_PAGING)
def test_a_catalog_whose_paging_repeats_pages_is_detected():
    org = factories.Organization()
    for _ in range(5):
        dga_dataset(owner_org=org["id"])
    result = check(id=org["id"])
    assert result["paging_ok"] is False
    assert result["seen"] == 3 and result["expected"] == 5
    paging = result["paging"]
    assert paging["stopped"] == "no_new_id" and paging["requests"] == 2
    assert {i["code"] for i in paging["issues"]} == {
        "harvest_paging_repeated_page", "harvest_paging_repeated", "harvest_paging_skipped"}
    assert len(paging["skipped"]) == 2 and len(paging["repeated"]) == 3
    message = next(i for i in paging["issues"] if i["code"] == "harvest_paging_repeated_page")
    assert "start=100" in message["messages"]["en"] and "start=100" in message["messages"]["th"]


@pytest.mark.ckan_config("ckan.plugins", OWN_LABELS)
def test_a_site_with_its_own_permission_labels_is_checked_as_its_search_answers():
    """Both sides of the check come from the site's IPermissionLabels plugin:
    the datasets' labels (indexing) and the viewer's, anonymous included."""
    org = factories.Organization()
    plain = dga_dataset(owner_org=org["id"], title="Plain data")
    restricted = dga_dataset(owner_org=org["id"], title="Restricted data")
    guests = dga_dataset(owner_org=org["id"], title="Guests data")
    anonymous = check(id=org["id"], record=False)
    assert anonymous["seen"] == anonymous["expected"] == 2
    assert anonymous["paging_ok"] and anonymous["paging"]["unexpected"] == []
    assert restricted["name"] not in repr(anonymous["hidden"])
    factories.User(name="insider_a")
    insider = check(id=org["id"], as_user="insider_a", record=False)
    assert insider["seen"] == insider["expected"] == 2 and insider["paging_ok"]
    outsider = factories.User()
    other = check(id=org["id"], as_user=outsider["name"], record=False)
    assert other["seen"] == other["expected"] == 1 and other["paging_ok"]
    assert {plain["name"], guests["name"]} <= {d["name"] for d in helpers.call_action(
        "package_search", context={"user": ""}, fq=f"owner_org:{org['id']}")["results"]}


@pytest.mark.ckan_config("ckan.search.rows_max", "2")
def test_rows_max_below_the_harvesters_page_loses_datasets():
    org = factories.Organization()
    for _ in range(3):
        dga_dataset(owner_org=org["id"])
    result = check(id=org["id"])
    assert not result["paging_ok"] and result["seen"] == 2
    assert [i["code"] for i in result["paging"]["issues"]] == ["harvest_paging_skipped"]


@pytest.mark.ckan_config("ckan.plugins", NO_INCREMENTAL)
def test_a_catalog_refusing_the_incremental_query_is_detected():
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    result = check(id=org["id"], since="2000-01-01T00:00:00")
    assert result["paging"]["ok"] and result["seen"] == 1
    incremental = result["incremental"]
    assert not incremental["ok"] and not result["paging_ok"]
    assert incremental["received"] == 0 and incremental["expected"] == 1
    assert incremental["stopped"] == "error"
    assert [i["code"] for i in incremental["issues"]] == [
        "harvest_search_error", "harvest_paging_skipped"]
    assert "Range queries are not supported" in incremental["issues"][0]["messages"]["en"]


@pytest.mark.ckan_config("ckanext.opdc_kpi.assessors", "assessor_y")
def test_a_private_dataset_leaking_from_the_index_is_unexpected():
    """A stale index row showing a private dataset as public: the anonymous
    harvester receives it and the check says so, naming it to the
    organization's assessors (the contract's assessor exception) and not to
    an admin of another organization it has moved to."""
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    # indexed public, then made private in the database behind the index's back
    leak = dga_dataset(owner_org=org["id"], title="ชุดข้อมูลรั่ว")
    model.Session.execute(sa.text("UPDATE package SET private = true WHERE id = :id"),
                          {"id": leak["id"]})
    model.Session.commit()
    result = check(id=org["id"], record=False)
    assert result["seen"] == 2 and result["expected"] == 1 and not result["paging_ok"]
    assert [d["title"] for d in result["paging"]["unexpected"]] == ["ชุดข้อมูลรั่ว"]
    assert "harvest_paging_unexpected" in {i["code"] for i in result["paging"]["issues"]}
    factories.User(name="assessor_y")
    as_assessor = helpers.call_action("opdc_kpi_harvest_check", id=org["id"], record=False,
                                      context={"user": "assessor_y", "ignore_auth": False})
    assert [d["title"] for d in as_assessor["paging"]["unexpected"]] == ["ชุดข้อมูลรั่ว"]
    assert as_assessor["withheld"] == 0


def test_incremental_window_from_the_previous_check():
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    first = check(id=org["id"])
    assert first["previous_check"] is None and first["recorded"]
    second = check(id=org["id"])
    assert second["previous_check"] == first["checked_at"]
    assert second["incremental"]["since_from"] == "previous_check"
    assert second["incremental"]["ok"] and second["incremental"]["expected"] == 1
    assert second["incremental"]["received"] == 1


def test_explicit_window_bad_value_is_a_field_error():
    with pytest.raises(tk.ValidationError) as err:
        check(since="yesterday")
    assert "since" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        check(nonsense=1)
    assert "nonsense" in err.value.error_dict


def test_explicit_window_in_the_future_expects_nothing():
    dga_dataset()
    result = check(since="2999-01-01T00:00:00")
    assert result["incremental"]["since_from"] == "parameter"
    assert result["incremental"]["expected"] == result["incremental"]["received"] == 0
    assert result["incremental"]["ok"]


# --- gone between two checks -------------------------------------------------------

def test_datasets_made_private_or_deleted_between_two_checks_are_gone():
    org = factories.Organization()
    stays = dga_dataset(owner_org=org["id"])
    hidden = dga_dataset(owner_org=org["id"])
    deleted = dga_dataset(owner_org=org["id"])
    purged = dga_dataset(owner_org=org["id"])
    first = check(id=org["id"])
    assert first["seen"] == 4 and first["gone"] == []
    act("package_patch", id=hidden["id"], private=True)
    act("package_delete", id=deleted["id"])
    act("dataset_purge", id=purged["id"])
    second = check(id=org["id"])
    assert second["seen"] == 1 and second["paging_ok"]
    gone = by_name(second["gone"])
    assert set(gone) == {hidden["name"], deleted["name"], purged["name"]}
    assert codes(gone[hidden["name"]]) == ["harvest_gone_private"]
    assert codes(gone[deleted["name"]]) == ["harvest_gone_deleted"]
    assert codes(gone[purged["name"]]) == ["harvest_gone_purged"]
    assert stays["name"] not in gone
    third = check(id=org["id"])
    assert third["gone"] == []            # reported once: the record moved on


def test_a_check_not_recorded_leaves_the_baseline():
    org = factories.Organization()
    pkg = dga_dataset(owner_org=org["id"])
    check(id=org["id"])
    act("package_delete", id=pkg["id"])
    assert len(check(id=org["id"], record=False)["gone"]) == 1
    assert len(check(id=org["id"])["gone"]) == 1


# --- who may run it, and what they see ------------------------------------------------

def test_access():
    org = factories.Organization()
    admin, editor, stranger = factories.User(), factories.User(), factories.User()
    for user, role in ((admin, "admin"), (editor, "editor")):
        helpers.call_action("organization_member_create", id=org["id"],
                            username=user["name"], role=role)

    def allowed(user, **data):
        try:
            helpers.call_auth("opdc_kpi_harvest_check",
                              {"user": user, "model": model}, **data)
            return True
        except tk.NotAuthorized:
            return False

    assert allowed(admin["name"], id=org["id"])
    assert not allowed(admin["name"])                       # whole catalog
    assert not allowed(editor["name"], id=org["id"])
    assert not allowed(stranger["name"], id=org["id"])
    assert not allowed("", id=org["id"])
    assert not allowed(admin["name"], id=org["id"], as_user=editor["name"])
    assert allowed(admin["name"], id=org["id"], as_user=admin["name"])


@pytest.mark.ckan_config("ckanext.opdc_kpi.assessors", "assessor_x")
def test_assessors_see_the_private_titles_of_the_organizations_they_assess():
    """spec/api.md: an assessor gets the full view of the organizations it
    assesses, private datasets included (here: every organization)."""
    factories.User(name="assessor_x")
    org = factories.Organization()
    secret = dga_dataset(owner_org=org["id"], private=True, allow_harvest="False",
                         title="ชื่อลับมาก")
    dga_dataset(owner_org=org["id"])
    result = helpers.call_action("opdc_kpi_harvest_check", context={"user": "assessor_x",
                                                                    "ignore_auth": False})
    assert [(d["name"], d["title"], d["private"]) for d in result["hidden"]] == [
        (secret["name"], "ชื่อลับมาก", True)]
    assert result["withheld"] == 0
    full = helpers.call_action("opdc_kpi_harvest_check", context=sysadmin_context())
    assert [d["title"] for d in full["hidden"]] == ["ชื่อลับมาก"] and full["withheld"] == 0


def test_a_scoped_assessor_sees_its_organizations_private_titles_and_no_others():
    """An assessor named for one organization: without an id the check
    covers that organization only (as the harvester checks one), with its
    private datasets named; another organization's stay out of it."""
    sysadmin = sysadmin_context()
    mine, theirs = factories.Organization(), factories.Organization()
    secret = dga_dataset(owner_org=mine["id"], private=True, allow_harvest="False",
                         title="ชื่อลับของเรา")
    public = dga_dataset(owner_org=mine["id"])
    dga_dataset(owner_org=theirs["id"], private=True, allow_harvest="False", title="ของคนอื่น")
    dga_dataset(owner_org=theirs["id"], title="สาธารณะของคนอื่น")
    user = factories.User()
    helpers.call_action("opdc_kpi_assessor_create", dict(sysadmin), user=user["name"],
                        organizations=[mine["name"]])
    context = {"user": user["name"], "ignore_auth": False}
    result = helpers.call_action("opdc_kpi_harvest_check", dict(context), record=False)
    assert result["organization"] is None
    assert [o["id"] for o in result["organizations"]] == [mine["id"]]
    assert result["seen"] == result["expected"] == 1 and result["paging_ok"]
    assert [d["name"] for d in result["hidden"]] == [secret["name"]]
    assert result["hidden"][0]["title"] == "ชื่อลับของเรา" and result["withheld"] == 0
    assert "ของคนอื่น" not in repr(result)
    one = helpers.call_action("opdc_kpi_harvest_check", dict(context), id=mine["id"],
                              record=False)
    assert one["organization"]["id"] == mine["id"] and one["seen"] == 1
    assert [d["name"] for d in one["hidden"]] == [secret["name"]]
    assert public["name"] not in {d["name"] for d in one["hidden"]}
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("opdc_kpi_harvest_check", dict(context), id=theirs["id"])
    with pytest.raises(tk.NotAuthorized):   # the whole catalog's record is not theirs
        helpers.call_action("opdc_kpi_harvest_check_last", dict(context))


def test_titles_are_withheld_where_the_caller_may_not_read_them():
    """An organization's admin checks it; a dataset moved since to another
    organization and made private there is gone, but its name and title are
    not the admin's to read: counted in ``withheld`` only."""
    org, elsewhere = factories.Organization(), factories.Organization()
    admin = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=admin["name"],
                        role="admin")
    moved = dga_dataset(owner_org=org["id"], title="ย้ายไปแล้ว")
    dga_dataset(owner_org=org["id"])
    context = {"user": admin["name"], "ignore_auth": False}
    first = helpers.call_action("opdc_kpi_harvest_check", dict(context), id=org["id"])
    assert first["seen"] == 2 and first["withheld"] == 0
    act("package_patch", id=moved["id"], owner_org=elsewhere["id"], private=True)
    second = helpers.call_action("opdc_kpi_harvest_check", dict(context), id=org["id"],
                                 record=False)
    assert second["seen"] == 1 and second["gone"] == [] and second["withheld"] == 1
    assert "ย้ายไปแล้ว" not in repr(second) and moved["name"] not in repr(second)
    full = check(id=org["id"], record=False)
    assert [d["name"] for d in full["gone"]] == [moved["name"]]


def test_unknown_organization_and_user():
    with pytest.raises(tk.ObjectNotFound):
        check(id="no-such-org")
    with pytest.raises(tk.ValidationError) as err:
        check(as_user="no-such-user")
    assert "as_user" in err.value.error_dict


def test_over_http_post_only_and_statuses(app):
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    sysadmin = factories.SysadminWithToken()
    user = factories.UserWithToken()
    url = "/api/3/action/opdc_kpi_harvest_check"
    ok = app.post(url, json={"id": org["name"]}, headers={"Authorization": sysadmin["token"]})
    assert ok.json["result"]["seen"] == 1
    app.post(url, json={"id": org["name"]}, headers={"Authorization": user["token"]},
             status=403)
    app.post(url, json={"id": "nope"}, headers={"Authorization": sysadmin["token"]},
             status=404)
    app.post(url, json={"since": "x"}, headers={"Authorization": sysadmin["token"]},
             status=409)


def test_the_emulation_receives_what_http_gives(app):
    """The same walk over real HTTP requests gives the same datasets, in the
    same order, as the check's walk through the action."""
    from ckanext.opdc_kpi.scoring import harvest

    org = factories.Organization()
    made = [dga_dataset(owner_org=org["id"], private=(n == 0)) for n in range(4)]
    public = sorted(d["id"] for d in made if not d["private"])

    def over_http(params):
        response = app.get("/api/3/action/package_search", query_string=params, status=200)
        return response.json["result"]

    got = harvest.walk(over_http, [harvest.organization_filter([org["name"]])])
    result = check(id=org["id"], record=False)
    assert got.ids == public and result["seen"] == result["expected"] == 3
    assert harvest.paging_problems(got, public).ok and result["paging_ok"]


# --- the search backend down ------------------------------------------------------

@pytest.mark.skipif(not SOLR, reason="Solr down: Solr mode only")
def test_solr_down_the_check_says_the_search_failed_and_scores_still_answer(cut_solr):
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    cut_solr()
    result = check(id=org["id"], record=False)
    assert result["seen"] == 0 and result["expected"] == 1 and not result["paging_ok"]
    assert result["paging"]["stopped"] == "error"
    issue = result["paging"]["issues"][0]
    assert issue["code"] == "harvest_search_error" and "failed" in issue["messages"]["en"]
    site_user = helpers.call_action("get_site_user")["name"]
    report = helpers.call_action("opdc_kpi_score", context={"user": site_user}, id=org["id"])
    assert "score" in report and "parts" in report
