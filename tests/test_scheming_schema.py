"""The DGA dataset schema and the organization schema through CKAN's real
actions, pages and database (tier 2)."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.logic.dataset import vocabulary
from ckanext.opdc_kpi.scoring import standard
from tests.factories_dga import dga_dataset, dga_dataset_dict
from tests.legacy_support import LEGACY, store_behind_validation

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

MANDATORY = ["data_type", "title", "owner_org", "maintainer", "maintainer_email",
             "tag_string", "notes", "objective", "update_frequency_unit", "geo_coverage",
             "data_source", "data_format", "data_category", "license_id"]


def _call(action, **data):
    """The action as the site user (the activity plugin needs a real user)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return helpers.call_action(action, context={"user": site_user["name"]}, **data)


def _create(**overrides):
    if "owner_org" not in overrides:
        overrides["owner_org"] = factories.Organization()["id"]
    return _call("package_create", **dga_dataset_dict(**overrides))


def _errors(action="package_create", **data):
    with pytest.raises(tk.ValidationError) as err:
        _call(action, **data)
    return err.value.error_dict


def _create_errors(**overrides):
    if "owner_org" not in overrides:
        overrides["owner_org"] = factories.Organization()["id"]
    return _errors(**dga_dataset_dict(**overrides))


def _free_tags(pkg):
    return sorted(t["name"] for t in pkg["tags"] if not t.get("vocabulary_id"))


def _focus_tags(pkg):
    return sorted(t["name"] for t in pkg["tags"] if t.get("vocabulary_id"))


# the messages of a refused value, in the test site's language (English)
REQUIRED = {
    "data_type": "Data type is required", "title": "Title is required",
    "owner_org": "An organization must be provided", "maintainer": "Contact name is required",
    "maintainer_email": "Contact e-mail is required", "tag_string": "Add at least one keyword",
    "notes": "Description is required", "objective": "Objective is required",
    "update_frequency_unit": "Update frequency unit is required",
    "geo_coverage": "Geographic coverage is required", "data_source": "Data source is required",
    "data_format": "Data format is required",
    "data_category": "Data category (government data governance) is required",
    "license_id": "Licence is required",
}
NOT_ALLOWED = "{}: “{}” is not one of the allowed values"
BAD_URL = "{}: enter a full URL starting with http:// or https://"


# --- a complete dataset -------------------------------------------------------

def test_complete_dataset_is_saved_with_agency_values_and_shown_typed():
    pkg = _create(objective=["อื่นๆ", "พันธกิจหน่วยงาน"], objective_other="แผนของกรม",
                  kpi_years="2565, 2566", update_frequency_interval=" 10 ")
    assert pkg["data_type"] == "ข้อมูลสถิติ"
    # multiple choices: lists, in the list's order (as ckanext-scheming stores them)
    assert pkg["objective"] == ["พันธกิจหน่วยงาน", "อื่นๆ"]
    assert pkg["data_format"] == ["CSV"]
    assert pkg["kpi_years"] == [2565, 2566]
    assert pkg["update_frequency_interval"] == "10"
    assert pkg["focus_area"] == "tourism"
    assert pkg["allow_harvest"] == "True"
    assert _free_tags(pkg) == ["จังหวัด", "ท่องเที่ยว", "สถิติ"]
    assert _focus_tags(pkg) == ["tourism"]
    stored = model.Package.get(pkg["id"]).extras
    assert json.loads(stored["objective"]) == ["พันธกิจหน่วยงาน", "อื่นๆ"]
    assert "focus_area" not in stored          # a vocabulary tag, not an extra
    assert stored["allow_harvest"] == "True"


def test_thai_text_is_stored_with_the_joined_sara_am():
    split = "\u0e19\u0e49\u0e4d\u0e32"          # น้ำ with ำ as ํ + า
    pkg = _create(maintainer=f"  กองทรัพยากร{split}  ", tag_string=f"{split}, ข้อมูล",
                  geo_coverage="อ\u0e4d\u0e32เภอ")
    assert pkg["maintainer"] == "กองทรัพยากรน้ำ"
    assert pkg["geo_coverage"] == "อำเภอ"
    assert _free_tags(pkg) == ["ข้อมูล", "น้ำ"]


def test_dataset_page_and_edit_form_render(app):
    pkg = dga_dataset()
    sysadmin = factories.SysadminWithToken()
    page = app.get(tk.url_for("dataset.read", id=pkg["name"]))
    assert page.status_code == 200
    assert "ท่องเที่ยว" in page.body
    form = app.get(tk.url_for("dataset.edit", id=pkg["name"]),
                   headers={"Authorization": sysadmin["token"]})
    assert form.status_code == 200
    assert 'name="focus_area"' in form.body
    assert "ประเภทข้อมูล" in form.body or "Data type" in form.body


# --- each mandatory item ---------------------------------------------------------

@pytest.mark.parametrize("field", MANDATORY)
def test_each_mandatory_item_is_required_on_an_active_dataset(field):
    overrides = {field: None}
    if field == "owner_org":
        errors = _errors(**dga_dataset_dict(owner_org=None))
    else:
        errors = _create_errors(**overrides)
    # errors name what must be fixed, nothing else
    assert errors == {field: [REQUIRED[field]]}


BLANKS = [(f, "") for f in MANDATORY if f != "owner_org"] + \
    [(f, "   ") for f in ("title", "maintainer", "notes", "data_source", "tag_string",
                         "data_category")] + \
    [("objective", []), ("data_format", []), ("objective", [""]), ("tag_string", " , ")]


@pytest.mark.parametrize("field,blank", BLANKS)
def test_blank_counts_as_not_given(field, blank):
    assert _create_errors(**{field: blank}) == {field: [REQUIRED[field]]}


def test_focus_area_is_required_and_checked():
    assert _create_errors(focus_area=None) == {"focus_area": ["Focus area is required"]}
    assert _create_errors(focus_area="") == {"focus_area": ["Focus area is required"]}
    assert _create_errors(focus_area="tourism-and-sports") == {"focus_area": [
        "Focus area: “tourism-and-sports” is not one of the 10 focus areas"]}


def test_a_tags_list_without_tag_string_does_not_bypass_the_keyword_requirement():
    org = factories.Organization()
    data = dga_dataset_dict(owner_org=org["id"], tag_string=None)
    errors = _errors(**dict(data, tags=[]))
    assert "tag_string" in errors
    # a focus area tag is no keyword
    vocab_id = vocabulary.focus_vocabulary_id()
    errors = _errors(**dict(data, tags=[{"name": "tourism", "vocabulary_id": vocab_id}]))
    assert "tag_string" in errors
    pkg = _call("package_create", **dict(
        data, tags=[{"name": "ข้อมูล"}, {"name": "สถิติ"}, {"name": "น้ำ"}]))
    assert _free_tags(pkg) == ["ข้อมูล", "น้ำ", "สถิติ"]


@pytest.mark.parametrize("word", ["a,b", "ข้อมูล\x00", "tab\tword", "line\nbreak"])
def test_bad_keywords_in_a_tags_list_are_field_errors(word):
    org = factories.Organization()
    data = dga_dataset_dict(owner_org=org["id"], tag_string=None)
    errors = _errors(**dict(data, tags=[{"name": "สถิติ"}, {"name": word}]))
    assert "tags" in errors


@pytest.mark.parametrize("tag_string", ["สถิติ, ข้อมูล\x07", "ok, bad\x1bword"])
def test_control_characters_in_tag_string_are_field_errors(tag_string):
    assert "tag_string" in _create_errors(tag_string=tag_string)


# --- choices ----------------------------------------------------------------------

DATASET_CHOICE_FIELDS = [
    "data_type", "allow_harvest", "update_frequency_unit", "geo_coverage",
    "data_category", "data_classification", "license_id", "data_support", "data_collect",
    "unit_of_multiplier", "geographic_data_set", "equivalent_scale", "high_value_dataset",
    "reference_data", "official_statistics", "single_source_of_truth"]
DATASET_MULTI_FIELDS = ["objective", "data_format", "data_language", "disaggregate"]
RESOURCE_CHOICE_FIELDS = ["resource_data_collect", "resource_unit_of_multiplier",
                          "resource_geographic_data_set", "resource_equivalent_scale",
                          "resource_official_statistics"]


@pytest.mark.parametrize("field", DATASET_CHOICE_FIELDS)
def test_a_value_outside_a_choice_list_is_refused(field):
    errors = _create_errors(**{field: "ค่าที่ไม่มีในรายการ"})
    assert errors == {field: [NOT_ALLOWED.format(standard.FIELD_LABELS[field][1],
                                                 "ค่าที่ไม่มีในรายการ")]}


@pytest.mark.parametrize("field", DATASET_MULTI_FIELDS)
def test_a_value_outside_a_multiple_choice_list_is_refused(field):
    errors = _create_errors(**{field: ["CSV", "ไม่มีในรายการ"] if field == "data_format"
                               else ["ไม่มีในรายการ"]})
    assert field in errors


@pytest.mark.parametrize("field", RESOURCE_CHOICE_FIELDS + ["resource_disaggregate"])
def test_a_resource_value_outside_its_choice_list_is_refused(field):
    value = ["ไม่มีในรายการ"] if field == "resource_disaggregate" else "ไม่มีในรายการ"
    res = {"name": "r", "url": "https://example.go.th/a.csv", field: value}
    errors = _create_errors(resources=[res])
    assert field in errors["resources"][0]


def test_resource_choices_are_stored():
    pkg = _create(resources=[{"name": "r", "url": "https://example.go.th/a.csv",
                              "resource_data_collect": "บุคคล",
                              "resource_disaggregate": ["เพศ", "ไม่มี"],
                              "resource_created_date": "2565-01-15"}])
    res = pkg["resources"][0]
    assert res["resource_data_collect"] == "บุคคล"
    assert res["resource_disaggregate"] == ["ไม่มี", "เพศ"]
    assert res["resource_created_date"] == "2022-01-15"   # พ.ศ. input, stored CE


@pytest.mark.parametrize("overrides", [
    {"data_category": "ข้อมูลใช้ภายใน", "license_id": "License not specified"},
    {"data_classification": "เปิดเผย"},
    {"license_id": "Creative Commons Attribution Non-Commercial"},
    {"license_id": "Creative Commons Attribution Non-Commercial Share-Alike"},
    {"license_id": "Creative Commons Attribution Non-Commercial No-Derivs"},
    {"license_id": "Creative Commons Attribution No-Derivs"},
    {"license_id": "DGA Open Government License"},
    {"license_id": "License not specified"},
    {"data_category": "ข้อมูลส่วนบุคคล", "license_id": "License not specified",
     "data_classification": "ลับ"},
])
def test_the_2_2_4_additions_and_the_seed_licence_are_accepted(overrides):
    pkg = _create(**overrides)
    for key, value in overrides.items():
        assert pkg[key] == value


@pytest.mark.parametrize("category", ["ข้อมูลส่วนบุคคล", "ข้อมูลใช้ภายใน"])
@pytest.mark.parametrize("licence", sorted(standard.OPEN_LICENSES))
def test_no_open_licence_on_a_non_public_category(category, licence):
    errors = _create_errors(data_category=category, license_id=licence)
    assert set(errors) & {"license_id", "data_category"}


def test_public_category_goes_with_the_open_classification_only():
    errors = _create_errors(data_classification="ลับ")
    assert set(errors) & {"data_classification", "data_category"}


OTHER_PAIRS = [
    ("data_type", "ข้อมูลประเภทอื่นๆ"),
    ("objective", ["อื่นๆ"]),
    ("update_frequency_unit", "อื่นๆ"),
    ("geo_coverage", "อื่นๆ"),
    ("data_format", ["อื่นๆ"]),
    ("license_id", "อื่นๆ"),
]


@pytest.mark.parametrize("field,value", OTHER_PAIRS)
def test_other_needs_its_other_text(field, value):
    errors = _create_errors(**{field: value})
    assert set(errors) & {field, field + "_other"}, errors
    pkg = _create(**{field: value, field + "_other": "GeoJSON, WMS"})
    assert pkg[field + "_other"] == "GeoJSON, WMS"


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "1 2", True])
def test_update_frequency_interval_is_a_positive_integer(value):
    assert _create_errors(update_frequency_interval=value) == {"update_frequency_interval": [
        "Update frequency interval must be a positive whole number (e.g. 1, 2, 10) or blank"]}


@pytest.mark.parametrize("value,stored", [("", None), ("7", "7"), (3, "3"), ("๑๒", "12")])
def test_update_frequency_interval_may_be_blank(value, stored):
    pkg = _create(update_frequency_interval=value)
    assert pkg.get("update_frequency_interval") in ((stored,) if stored else (None, ""))


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "กอง@", "x y@agency.go.th"])
def test_maintainer_email_syntax(email):
    assert "maintainer_email" in _create_errors(maintainer_email=email)


# --- the OPDC fields ------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("2565, 2566", [2565, 2566]), ("2566,2565,2565", [2565, 2566]), (2565, [2565]),
    ("2565", [2565]), ([2565, "2566"], [2565, 2566]), ("", []), ([], [])])
def test_kpi_years_accept_ints_numeric_strings_and_lists(value, expected):
    pkg = _create(kpi_years=value)
    assert pkg.get("kpi_years", []) == expected


@pytest.mark.parametrize("value,shown", [("abc", "abc"), ("2565, x", "x"), (1.5, "1.5")])
def test_kpi_years_must_be_buddhist_era_fiscal_years(value, shown):
    assert _create_errors(kpi_years=value) == {"kpi_years": [
        f"KPI fiscal years: “{shown}” is not a fiscal year (Buddhist era, e.g. 2565)"]}


@pytest.mark.parametrize("value,year", [("2549", 2549), ([2565, 2500], 2500), ("9999", 9999)])
def test_kpi_years_must_be_plausible(value, year):
    from ckanext.opdc_kpi.logic.site import today
    last = standard.fiscal_year_of(today()) + 1
    assert _create_errors(kpi_years=value) == {"kpi_years": [
        f"KPI fiscal years: fiscal year {year} must be from 2550 to {last} (Buddhist era)"]}


def test_kpi_years_up_to_next_fiscal_year():
    from ckanext.opdc_kpi.logic.site import today
    next_year = standard.fiscal_year_of(today()) + 1
    assert _create(kpi_years=[next_year])["kpi_years"] == [next_year]
    assert "kpi_years" in _create_errors(kpi_years=[next_year + 1])


def test_allow_harvest_defaults_to_true_only_when_not_private():
    assert _create()["allow_harvest"] == "True"
    assert _create(allow_harvest="False")["allow_harvest"] == "False"
    assert not _create(private=True).get("allow_harvest")


def test_use_case_url_must_be_http():
    for url in ("ftp://example.go.th/x", "dashboard"):
        assert _create_errors(use_case_url=url) == {
            "use_case_url": [BAD_URL.format("Use case URL")]}
    pkg = _create(use_case_url="https://dashboard.example.go.th/tourism",
                  use_case_description="ลดเวลาให้บริการลง 30%", single_source_of_truth="True")
    assert pkg["use_case_url"] == "https://dashboard.example.go.th/tourism"
    assert pkg["single_source_of_truth"] == "True"


# --- the focus area vocabulary -------------------------------------------------

def test_vocabulary_comes_from_the_migration_and_saves_do_not_write_it():
    # clean_db re-ran the plugin's migrations: the vocabulary and its ten tags are there
    vocab_id = vocabulary.focus_vocabulary_id()
    assert vocab_id
    assert {t.name for t in model.Vocabulary.get(vocab_id).tags} == set(vocabulary.focus_codes())
    tags_before = model.Session.query(model.Tag).filter_by(vocabulary_id=vocab_id).count()
    first = _create()
    second = _create(focus_area="health")
    assert model.Session.query(model.Vocabulary).filter_by(
        name=vocabulary.FOCUS_VOCABULARY).count() == 1
    assert model.Session.query(model.Tag).filter_by(vocabulary_id=vocab_id).count() == tags_before
    assert first["focus_area"] == "tourism" and second["focus_area"] == "health"


def test_the_migration_freezes_the_same_ten_codes():
    import importlib

    migration = importlib.import_module(
        "ckanext.opdc_kpi.migration.opdc_kpi.versions.d5e6f7a80001_focus_area_vocabulary")
    assert migration.CODES == vocabulary.focus_codes()
    assert migration.VOCABULARY == vocabulary.FOCUS_VOCABULARY


def test_a_dry_run_validation_writes_no_vocabulary_or_tag_rows():
    org = factories.Organization()
    # a tag missing from the vocabulary is not made by validation (it was, once)
    vocab_id = vocabulary.focus_vocabulary_id()
    model.Session.query(model.Tag).filter_by(name="security", vocabulary_id=vocab_id).delete()
    model.repo.commit()
    counts = (model.Session.query(model.Vocabulary).count(), model.Session.query(model.Tag).count())
    data = dga_dataset_dict(owner_org=org["id"], tag_string="ใหม่เอี่ยม", type="dataset")
    context = {"user": factories.Sysadmin()["name"]}
    plugin = lib_plugins.lookup_package_plugin("dataset")
    _data, errors = lib_plugins.plugin_validate(
        plugin, dict(context, model=model, session=model.Session), data,
        plugin.create_package_schema(), "package_create")
    assert not errors
    model.Session.rollback()
    assert (model.Session.query(model.Vocabulary).count(),
            model.Session.query(model.Tag).count()) == counts


def test_without_the_vocabulary_a_save_is_a_clear_focus_area_error():
    vocab = model.Vocabulary.get(vocabulary.FOCUS_VOCABULARY)
    for tag in list(vocab.tags):
        model.Session.delete(tag)
    model.Session.delete(vocab)
    model.repo.commit()
    errors = _create_errors()
    assert "ckan db upgrade -p opdc_kpi" in " ".join(errors["focus_area"])
    assert model.Vocabulary.get(vocabulary.FOCUS_VOCABULARY) is None


def test_focus_area_survives_an_api_round_trip_without_becoming_a_keyword():
    pkg = _create()
    shown = _call("package_show", id=pkg["id"])
    updated = _call("package_update", **shown)
    assert updated["focus_area"] == "tourism"
    assert _focus_tags(updated) == ["tourism"]
    assert "tourism" not in _free_tags(updated)
    patched = _call("package_patch", id=pkg["id"], focus_area="health")
    assert patched["focus_area"] == "health"
    assert _focus_tags(patched) == ["health"]
    assert _free_tags(patched) == _free_tags(pkg)


def test_focus_area_survives_an_edit_form_round_trip(app):
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    pkg = dga_dataset(owner_org=org["id"], tag_string="สถิติ")
    headers = {"Authorization": user["token"]}
    form = app.get(tk.url_for("dataset.edit", id=pkg["name"]), headers=headers)
    value = _input_value(form.body, "field-tag_string")
    assert value == "สถิติ"                      # the focus area is not offered as a keyword
    assert _input_value(form.body, "field-kpi_years") == "2565"
    fields = _form_fields(pkg)
    fields["tag_string"] = value
    resp = app.post(tk.url_for("dataset.edit", id=pkg["name"]), data=fields,
                    headers=headers, follow_redirects=False)
    assert resp.status_code == 302, resp.body
    after = _call("package_show", id=pkg["id"])
    assert after["focus_area"] == "tourism"
    assert _free_tags(after) == ["สถิติ"]


def test_a_dataset_with_only_a_focus_tag_offers_no_keyword(app):
    pkg = dga_dataset()
    for package_tag in list(model.Package.get(pkg["id"]).package_tags):
        if not package_tag.tag.vocabulary_id:
            package_tag.state = "deleted"
    model.repo.commit()
    search.rebuild(pkg["id"])
    sysadmin = factories.SysadminWithToken()
    form = app.get(tk.url_for("dataset.edit", id=pkg["name"]),
                   headers={"Authorization": sysadmin["token"]})
    assert _input_value(form.body, "field-tag_string") == ""


def _input_value(html, element_id):
    import re
    match = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', html)
    assert match, element_id
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def _form_fields(pkg):
    """What the edit form posts for this dataset."""
    fields = {"pkg_name": pkg["id"], "save": ""}
    for key, value in pkg.items():
        if isinstance(value, list) and key not in ("tags", "resources", "groups",
                                                   "extras", "relationships_as_object",
                                                   "relationships_as_subject"):
            fields[key] = value if key != "kpi_years" else ", ".join(map(str, value))
        elif isinstance(value, str) and key not in ("id", "metadata_created",
                                                    "metadata_modified", "state", "type",
                                                    "creator_user_id", "num_resources",
                                                    "num_tags", "isopen", "license_title",
                                                    "license_url", "revision_id"):
            fields[key] = value
    fields.pop("tag_string", None)
    return fields


# --- drafts ---------------------------------------------------------------------

def test_a_draft_may_be_incomplete_and_is_checked_when_activated():
    org = factories.Organization()
    draft = _call("package_create", name="draft-1", owner_org=org["id"],
                                title="ร่างชุดข้อมูล", state="draft")
    assert draft["state"] == "draft"
    errors = _errors("package_patch", id=draft["id"], state="active")
    assert {"data_type", "maintainer", "tag_string", "focus_area"} <= set(errors)
    complete = dga_dataset_dict(owner_org=org["id"], name="draft-1")
    pkg = _call("package_patch", id=draft["id"], **dict(complete, state="active"))
    assert pkg["state"] == "active"


def test_a_draft_still_refuses_values_outside_the_lists():
    org = factories.Organization()
    errors = _errors(name="draft-2", owner_org=org["id"], state="draft",
                     data_category="ข้อมูลเปิด")
    assert set(errors) == {"data_category"}


def test_staged_create_in_the_browser(app):
    """The dataset form saves a draft, the resource form activates it."""
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    headers = {"Authorization": user["token"]}
    fields = {k: v for k, v in dga_dataset_dict(owner_org=org["id"], name="staged").items()
              if k != "resources"}
    fields.update({"_ckan_phase": "dataset_new_1", "save": "continue", "kpi_years": "2565"})
    resp = app.post(tk.url_for("dataset.new"), data=fields, headers=headers,
                    follow_redirects=False)
    assert resp.status_code == 302, resp.body
    assert _call("package_show", id="staged")["state"] == "draft"
    resp = app.post(tk.url_for("dataset_resource.new", id="staged"),
                    data={"name": "r", "url": "https://example.go.th/a.csv",
                          "save": "go-metadata", "id": ""},
                    headers=headers, follow_redirects=False)
    assert resp.status_code == 302, resp.body
    pkg = _call("package_show", id="staged")
    assert pkg["state"] == "active"
    assert pkg["focus_area"] == "tourism"


# --- legacy data ------------------------------------------------------------------

def test_legacy_dataset_stays_viewable(app):
    pkg = dga_dataset()
    store_behind_validation(pkg["id"], remove=["data_format", "data_source"], set_=LEGACY,
                             drop_focus_tag=True)
    shown = _call("package_show", id=pkg["id"])
    assert shown["data_category"] == "ข้อมูลเปิด"
    assert shown["objective"] == ["แผนงานเดิม"]
    assert shown["kpi_years"] == "ปีงบ 65"
    assert "focus_area" not in shown
    page = app.get(tk.url_for("dataset.read", id=pkg["name"]))
    assert page.status_code == 200
    # what is stored is shown, a choice outside the list marked as such
    assert pkg["title"] in page.body and "ปีงบ 65" in page.body
    assert "แผนงานเดิม (stored value, not in the list)" in page.body


def test_legacy_edit_of_one_field_keeps_every_untouched_field():
    pkg = dga_dataset(resources=[{"name": "r", "url": "https://example.go.th/a.csv",
                                  "resource_data_collect": "บุคคล"}])
    store_behind_validation(pkg["id"], remove=["data_format", "data_source"], set_=LEGACY,
                             drop_focus_tag=True)
    res = model.Resource.get(pkg["resources"][0]["id"])
    res.extras = dict(res.extras, resource_data_collect="หน่วยเดิม")
    model.repo.commit()
    search.rebuild(pkg["id"])
    before = _call("package_show", id=pkg["id"])

    after = _call("package_patch", id=pkg["id"], title="ชื่อใหม่")

    assert after["title"] == "ชื่อใหม่"
    ignore = {"title", "metadata_modified"}
    assert {k: v for k, v in after.items() if k not in ignore} == \
        {k: v for k, v in before.items() if k not in ignore}
    stored = model.Package.get(pkg["id"]).extras
    for key, value in LEGACY.items():
        assert stored[key] == value
    assert "data_format" not in stored and "data_source" not in stored
    assert after["resources"][0]["resource_data_collect"] == "หน่วยเดิม"


def test_legacy_edit_errors_name_only_what_the_edit_must_fix():
    pkg = dga_dataset()
    store_behind_validation(pkg["id"], remove=["data_format"], set_=LEGACY)
    errors = _errors("package_patch", id=pkg["id"], geo_coverage="ไม่อยู่ในรายการ")
    assert set(errors) == {"geo_coverage"}
    errors = _errors("package_patch", id=pkg["id"], data_type="ยังไม่อยู่ในรายการ")
    assert set(errors) == {"data_type"}
    # a new value breaking a rule with an untouched field: both are named
    errors = _errors("package_patch", id=pkg["id"], data_category="ข้อมูลส่วนบุคคล")
    assert set(errors) & {"data_category", "license_id"}
    # blanking an item that was given is reported; the legacy gaps are not
    errors = _errors("package_patch", id=pkg["id"], data_source="")
    assert set(errors) == {"data_source"}
    # a legacy gap stays allowed when the edit leaves it blank
    assert _call("package_patch", id=pkg["id"], data_format=[])["title"]
    # fixing one legacy value is allowed without fixing the others
    fixed = _call("package_patch", id=pkg["id"], data_category="ข้อมูลสาธารณะ")
    assert fixed["data_category"] == "ข้อมูลสาธารณะ"
    assert fixed["objective"] == ["แผนงานเดิม"]


def test_a_legacy_draft_gets_no_allowance_when_activated():
    pkg = dga_dataset()
    assert _call("package_patch", id=pkg["id"], state="draft")["state"] == "draft"
    store_behind_validation(pkg["id"], set_={"data_category": "ข้อมูลเปิด"})
    errors = _errors("package_patch", id=pkg["id"], state="active")
    assert "data_category" in errors


def test_a_resource_can_be_added_to_a_legacy_dataset():
    pkg = dga_dataset()
    store_behind_validation(pkg["id"], remove=["maintainer_email"], set_=LEGACY)
    _call("resource_create", package_id=pkg["id"], name="ใหม่",
          url="https://example.go.th/new.csv", resource_data_collect="บุคคล")
    after = _call("package_show", id=pkg["id"])
    assert len(after["resources"]) == 2
    assert after["data_category"] == "ข้อมูลเปิด"
    assert "maintainer_email" not in model.Package.get(pkg["id"]).extras
    errors = _errors("resource_create", package_id=pkg["id"], name="x",
                     url="https://example.go.th/x.csv", resource_data_collect="ไม่มีในรายการ")
    assert set(errors) == {"resource_data_collect"}    # resource_create shows the resource's


def test_legacy_problems_are_listed_for_the_dataset_page():
    pkg = dga_dataset()
    store_behind_validation(pkg["id"], remove=["data_source"], set_=LEGACY)
    shown = _call("package_show", id=pkg["id"])
    problems = tk.h.opdc_kpi_dataset_problems(shown)
    fields = {p["field"] for p in problems}
    assert {"data_source", "data_category", "update_frequency_interval", "kpi_years"} <= fields
    assert all(p["message"] and p["label"] for p in problems)


def test_agency_thai_tags_survive_an_edit():
    """CKAN's own tag validator refuses ข้อมูล: an edit sending the stored
    tags back must not fail on them."""
    pkg = dga_dataset(tag_string="ข้อมูล, น้ำ, สถิติ")
    after = _call("package_patch", id=pkg["id"], notes="ใหม่")
    assert _free_tags(after) == ["ข้อมูล", "น้ำ", "สถิติ"]


# --- messages -----------------------------------------------------------------

def test_field_errors_are_in_the_site_language(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.locale_default", "th")
    th = _create_errors(data_category="ไม่มีในรายการ")["data_category"][0]
    monkeypatch.setitem(ckan_config, "ckan.locale_default", "en")
    en = _create_errors(data_category="ไม่มีในรายการ")["data_category"][0]
    assert th != en
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in th.replace("ไม่มีในรายการ", ""))


# --- organization -----------------------------------------------------------------

def test_organization_template_1_fields():
    org = _call(
        "organization_create", name="opdc-org", title="สำนักงาน ก.พ.ร.",
        focus_areas=["public-administration", "economy"],
        focus_issue="การขับเคลื่อน e-Service ในภาครัฐ",
        data_use_goal="นำไปวางแผนการดำเนินงาน",
        expected_users="สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
        catalog_url="https://data.opdc.go.th")
    shown = _call("organization_show", id=org["id"])
    assert shown["focus_areas"] == ["economy", "public-administration"]
    assert shown["focus_issue"] == "การขับเคลื่อน e-Service ในภาครัฐ"
    assert shown["catalog_url"] == "https://data.opdc.go.th"
    _call("organization_patch", id=org["id"], catalog_url="http://catalog.opdc.go.th/",
          focus_areas="health")
    patched = _call("organization_show", id=org["id"])
    assert patched["catalog_url"] == "http://catalog.opdc.go.th/"
    assert patched["focus_areas"] == ["health"]
    assert patched["focus_issue"] == "การขับเคลื่อน e-Service ในภาครัฐ"


@pytest.mark.parametrize("field,value,message", [
    ("focus_areas", ["not-a-focus-area"], NOT_ALLOWED.format("Focus areas", "not-a-focus-area")),
    ("focus_areas", ["health", "สุขภาพ"], NOT_ALLOWED.format("Focus areas", "สุขภาพ")),
    ("catalog_url", "data.opdc.go.th", BAD_URL.format("Agency data catalog URL")),
    ("catalog_url", "ftp://data.opdc.go.th", BAD_URL.format("Agency data catalog URL"))])
def test_organization_values_are_checked(field, value, message):
    errors = _errors("organization_create", name="org-x", **{field: value})
    assert errors == {field: [message]}


def test_organization_catalog_url_is_optional():
    org = _call("organization_create", name="org-y", catalog_url="")
    assert not org.get("catalog_url")
