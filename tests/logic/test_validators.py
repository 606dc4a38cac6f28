"""The field validators of the DGA schema, one by one, with Thai inputs and
the quirks of real agency data; then fuzzed with arbitrary Unicode."""
from __future__ import annotations

import json
import unicodedata

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckanext.scheming import helpers as scheming_helpers
from ckanext.scheming.plugins import SchemingDatasetsPlugin
from ckanext.scheming.validation import validators_from_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.opdc_kpi.logic.dataset import output, validators
from ckanext.opdc_kpi.logic.site import today
from ckanext.opdc_kpi.scoring import standard

# validators need the plugins, not the database (the whole-schema fuzz asks for it)
pytestmark = pytest.mark.usefixtures("with_plugins")

SPLIT_AM = "\u0e4d\u0e32"            # ำ typed as nikhahit + sara aa
WATER_SPLIT = "\u0e19\u0e49" + SPLIT_AM  # น้ำ as some agency data holds it


def _schema():
    return scheming_helpers.scheming_get_dataset_schema("dataset")


def _field(name, resource=False):
    fields = _schema()["resource_fields" if resource else "dataset_fields"]
    return next(f for f in fields if f["field_name"] == name)


def _validate(name, value, resource=False, **other):
    """Run one field's YAML validators through navl: (data, error dict)."""
    field = _field(name, resource)
    chain = validators_from_string(field["validators"], field, _schema())
    data = dict(other, **{name: value})
    schema = {name: chain}
    schema.update({k: [tk.get_validator("ignore_missing")] for k in other})
    return tk.navl_validate(data, schema, {"model": model, "session": model.Session})


def _check(name, value, resource=False, **other):
    """(value, the field's errors)."""
    converted, errors = _validate(name, value, resource, **other)
    return converted.get(name, tk.missing), errors.get(name, [])


def _errors(name, value, resource=False):
    """The whole error dict: a refused value names its field and only it."""
    return _validate(name, value, resource)[1]


def _keyword_error(word):
    with pytest.raises(tk.Invalid) as err:
        validators.opdc_kpi_keyword(word, {})
    return err.value.error


NOT_ALLOWED = "“{}” is not one of the allowed values"
BAD_CHAR = ("Keyword “{}” contains “{}”, which is not allowed (letters, digits, space, - _ . "
            "only; separate keywords with commas)")


# --- text -------------------------------------------------------------------

@pytest.mark.parametrize("raw,stored", [
    ("  กองสถิติ  ", "กองสถิติ"),
    (f"กรมทรัพยากร{WATER_SPLIT}", "กรมทรัพยากรน้ำ"),
    (unicodedata.normalize("NFD", "e\u0301tude"), "\u00e9tude"),
    (2565, "2565"),
])
def test_text_is_trimmed_and_normalised(raw, stored):
    assert _check("maintainer", raw) == (stored, [])


@pytest.mark.parametrize("raw", [None, tk.missing])
def test_no_text_is_no_error(raw):
    data, errors = {("maintainer",): raw}, {("maintainer",): []}
    validators.opdc_kpi_text(("maintainer",), data, errors, {})
    assert (data, errors) == ({("maintainer",): raw}, {("maintainer",): []})


def test_text_refuses_structures():
    assert _errors("maintainer", {"th": "กอง"}) == {"maintainer": ["Contact name must be text"]}


# --- keywords -----------------------------------------------------------------

@pytest.mark.parametrize("word", ["ข้อมูล", "สถิติ", "น้ำ", "ภาษีเงินได้", "GDP 2565",
                                  "e-Service", "ค่าใช้จ่าย_รายปี"])
def test_thai_keywords_with_vowel_and_tone_marks_are_valid(word):
    assert validators.opdc_kpi_keyword(word, {}) == word


def test_the_split_sara_am_is_joined_in_keywords():
    assert validators.opdc_kpi_keyword(WATER_SPLIT, {}) == "น้ำ"


@pytest.mark.parametrize("word,char", [
    ("ข้อมูล,สถิติ", ","), ("a\x00b", "U+0000"), ("tab\there", "U+0009"),
    ("new\nline", "U+000A"), ("\x1b[31m", "U+001B"), ("bell\x07", "U+0007")])
def test_commas_and_control_characters_are_not_keywords(word, char):
    assert _keyword_error(word) == BAD_CHAR.format(word, char)


def test_an_empty_keyword_is_too_short():
    assert _keyword_error("") == "Keyword “” is too short (at least 2 characters)"


def test_ckan_tag_name_validator_is_the_thai_aware_one():
    assert tk.get_validator("tag_name_validator") is validators.opdc_kpi_keyword
    assert tk.get_validator("tag_name_validator")("ข้อมูล", {}) == "ข้อมูล"


@pytest.mark.parametrize("raw,tags", [
    ("ข้อมูล, สถิติ,น้ำ", ["ข้อมูล", "สถิติ", "น้ำ"]),
    (f" {WATER_SPLIT} ,, ข้อมูล ", ["น้ำ", "ข้อมูล"]),
    (["ข้อมูล", "สถิติ"], ["ข้อมูล", "สถิติ"]),
    ("ข้อมูล, ข้อมูล", ["ข้อมูล"]),
])
def test_tag_string_becomes_tags(raw, tags):
    data = {("tag_string",): raw}
    errors = {("tag_string",): []}
    validators.opdc_kpi_tag_string(("tag_string",), data, errors, {})
    assert errors[("tag_string",)] == []
    assert [data[k] for k in sorted(k for k in data if k[0] == "tags")] == tags


@pytest.mark.parametrize("raw,message", [
    ("ข้อมูล, bad\x00", BAD_CHAR.format("bad\x00", "U+0000")),
    ({"a": 1}, "Keywords must be text"),
    (["ok", 5.5], "A keyword must be text"),
])
def test_bad_tag_string_is_a_field_error(raw, message):
    data = {("tag_string",): raw}
    errors = {("tag_string",): []}
    with pytest.raises(tk.StopOnError):
        validators.opdc_kpi_tag_string(("tag_string",), data, errors, {})
    assert errors == {("tag_string",): [message]}


def test_tag_string_keywords_are_the_first_tags_when_none_is_given():
    data = {("tag_string",): ["ข้อมูล", "สถิติ"]}
    errors = {("tag_string",): []}
    validators.opdc_kpi_tag_string(("tag_string",), data, errors, {})
    assert data == {("tag_string",): "ข้อมูล, สถิติ", ("tags", 0, "name"): "ข้อมูล",
                    ("tags", 1, "name"): "สถิติ"}


def test_tag_string_keywords_follow_the_tags_already_given():
    data = {("tag_string",): "ข้อมูล, สถิติ", ("tags", 0, "name"): "เดิม",
            ("tags", 1, "name"): "health", ("tags", 1, "vocabulary_id"): "v1",
            ("resources", 4, "name"): "r"}         # other lists do not count
    errors = {("tag_string",): []}
    validators.opdc_kpi_tag_string(("tag_string",), data, errors, {})
    assert errors == {("tag_string",): []}
    assert data == {("tag_string",): "ข้อมูล, สถิติ", ("tags", 0, "name"): "เดิม",
                    ("tags", 1, "name"): "health", ("tags", 1, "vocabulary_id"): "v1",
                    ("resources", 4, "name"): "r",
                    ("tags", 2, "name"): "ข้อมูล", ("tags", 3, "name"): "สถิติ"}


def test_every_bad_keyword_of_a_tag_string_is_reported():
    data = {("tag_string",): "a!b, ข้อมูล, x;y"}
    errors = {("tag_string",): []}
    with pytest.raises(tk.StopOnError):
        validators.opdc_kpi_tag_string(("tag_string",), data, errors, {})
    assert errors == {("tag_string",): [BAD_CHAR.format("a!b", "!"), BAD_CHAR.format("x;y", ";")]}


@pytest.mark.parametrize("raw", [None, tk.missing])
def test_no_tag_string_leaves_the_tags_alone(raw):
    data = {("tag_string",): raw, ("tags", 0, "name"): "ข้อมูล"}
    errors = {("tag_string",): []}
    validators.opdc_kpi_tag_string(("tag_string",), data, errors, {})
    assert errors == {("tag_string",): []}
    assert data == {("tag_string",): raw, ("tags", 0, "name"): "ข้อมูล"}


# --- choices -------------------------------------------------------------------

def test_every_choice_field_takes_its_list_from_the_standard():
    for group in ("dataset_fields", "resource_fields"):
        for field in _schema()[group]:
            if "opdc_kpi_choices" != field.get("choices_helper"):
                continue
            values = [c["value"] for c in scheming_helpers.scheming_field_choices(field)]
            assert values, field["field_name"]
            assert all(isinstance(v, str) for v in values)


@pytest.mark.parametrize("name,raw,stored", [
    ("data_type", "ข้อมูลสถิติ", "ข้อมูลสถิติ"),
    ("data_type", "  ข้อมูลระเบียน ", "ข้อมูลระเบียน"),
    ("geo_coverage", f"อ{SPLIT_AM}เภอ", "อำเภอ"),
    ("update_frequency_unit", "ไม่ทราบ", "ไม่ทราบ"),
    ("data_category", "ข้อมูลใช้ภายใน", "ข้อมูลใช้ภายใน"),
    ("license_id", "DGA Open Government License", "DGA Open Government License"),
    ("allow_harvest", "False", "False"),
    ("high_value_dataset", "True", "True"),
    ("data_classification", "ลับที่สุด", "ลับที่สุด"),
    ("equivalent_scale", "1:4,000", "1:4,000"),
    ("data_type", "", ""),
    ("allow_harvest", True, "True"),                   # a JSON boolean from an API client
    ("official_statistics", False, "False"),
])
def test_choices_are_compared_after_normalisation(name, raw, stored):
    assert _check(name, raw) == (stored, [])


@pytest.mark.parametrize("name,raw,message", [
    ("data_type", "ข้อมูลเปิด", "Data type: " + NOT_ALLOWED.format("ข้อมูลเปิด")),
    ("data_category", "public",
     "Data category (government data governance): " + NOT_ALLOWED.format("public")),
    ("license_id", "cc-by", "Licence: " + NOT_ALLOWED.format("cc-by")),
    ("license_id", "Other (Attribution)",
     "Licence: " + NOT_ALLOWED.format("Other (Attribution)")),
    ("allow_harvest", "yes",
     "Allow the GD Catalog to list this dataset: " + NOT_ALLOWED.format("yes")),
    ("allow_harvest", 1, "Allow the GD Catalog to list this dataset: " + NOT_ALLOWED.format(1)),
    ("geo_coverage", ["จังหวัด"],
     "Geographic coverage: " + NOT_ALLOWED.format('["จังหวัด"]')),
    ("data_type", {"value": "ข้อมูลสถิติ"},
     "Data type: " + NOT_ALLOWED.format('{"value": "ข้อมูลสถิติ"}')),
])
def test_values_outside_a_list_are_field_errors(name, raw, message):
    assert _errors(name, raw) == {name: [message]}


def _label_cases():
    """Every choice of every list given by its Thai label (the agency
    extension's display label) and by its English label, where that label
    names only this choice."""
    for name, choices in standard.CHOICES.items():
        values = {c.value for c in choices}
        for c in choices:
            for label in {c.th, c.en} - {c.value}:
                others = [o for o in choices if o is not c and label in (o.th, o.en)]
                if label not in values and not others:
                    yield name, label, c.value


def _field_of_list(list_name):
    for group, resource in (("dataset_fields", False), ("resource_fields", True)):
        for field in _schema()[group]:
            if (field.get("choices_helper") == "opdc_kpi_choices"
                    and (field.get("choices_list") or field["field_name"]) == list_name):
                return field["field_name"], resource
    return None, None


def test_a_choice_given_by_its_label_is_stored_as_its_value():
    cases = list(_label_cases())
    assert len(cases) > 200          # every list, Thai and English labels
    for list_name, label, value in cases:
        name, resource = _field_of_list(list_name)
        assert name, list_name
        if name in standard.MULTI_CHOICE_FIELDS:
            assert _check(name, [label], resource) == (json.dumps([value]), []), label
        else:
            assert _check(name, label, resource) == (value, []), label


def test_the_real_data_case_xls_xlsx_is_xls():
    assert _check("data_format", ["XLS/XLSX", "CSV"]) == (json.dumps(["CSV", "XLS"]), [])
    assert _check("data_format", "XLS/XLSX") == (json.dumps(["XLS"]), [])


def test_a_resource_choice_uses_the_named_list():
    assert _check("resource_data_collect", "ครัวเรือน/ครอบครัว", resource=True) == \
        ("ครัวเรือน/ครอบครัว", [])
    assert _errors("resource_data_collect", "ไม่มีในรายการ", resource=True) == {
        "resource_data_collect": [
            "Smallest unit of collection: " + NOT_ALLOWED.format("ไม่มีในรายการ")]}


@pytest.mark.parametrize("raw,stored", [
    (["CSV", "XLS"], ["CSV", "XLS"]),
    (["XLS", "CSV", "CSV"], ["CSV", "XLS"]),           # the list's order, once each
    ("CSV", ["CSV"]),
    ('["PDF", "CSV"]', ["CSV", "PDF"]),
    ([" CSV "], ["CSV"]),
    ([], []),
    ("", []),
])
def test_multiple_choices_are_stored_as_scheming_stores_them(raw, stored):
    value, errors = _check("data_format", raw)
    assert errors == []
    assert value == json.dumps(stored)                    # json.dumps as scheming does


@pytest.mark.parametrize("raw,messages", [
    (["CSV", "SPSS"], ["Data format: " + NOT_ALLOWED.format("SPSS")]),
    ("SPSS", ["Data format: " + NOT_ALLOWED.format("SPSS")]),
    ({"CSV": 1}, ["Data format must be a list of values"]),
    (5, ["Data format must be a list of values"]),
    # each unknown item once, as shown (None as blank)
    (["CSV", None, 1, 1], ["Data format: " + NOT_ALLOWED.format(""),
                           "Data format: " + NOT_ALLOWED.format(1)]),
])
def test_multiple_choice_refuses_unknown_values(raw, messages):
    assert _errors("data_format", raw) == {"data_format": messages}


def test_multiple_choice_output_keeps_legacy_text():
    assert output.opdc_kpi_multiple_choice_output('["CSV"]') == ["CSV"]
    assert output.opdc_kpi_multiple_choice_output("CSV, XLS") == ["CSV, XLS"]
    assert output.opdc_kpi_multiple_choice_output("") == []
    assert output.opdc_kpi_multiple_choice_output("5") == ["5"]


# --- numbers, e-mail, dates, URLs ----------------------------------------------------

@pytest.mark.parametrize("raw,stored", [("1", "1"), (" 10 ", "10"), (3, "3"), ("", "")])
def test_update_frequency_interval_positive_integer_or_blank(raw, stored):
    assert _check("update_frequency_interval", raw) == (stored, [])


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "abc", "สอง", True, 0, [1]])
def test_update_frequency_interval_refuses_others(raw):
    assert _errors("update_frequency_interval", raw) == {"update_frequency_interval": [
        "Update frequency interval must be a positive whole number (e.g. 1, 2, 10) or blank"]}


@pytest.mark.parametrize("raw", ["stat@nso.go.th", " policy@mots.go.th "])
def test_email(raw):
    assert _check("maintainer_email", raw) == (raw.strip(), [])


@pytest.mark.parametrize("raw", ["stat@", "@nso.go.th", "stat nso.go.th", "สถิติ", 5])
def test_email_syntax_errors(raw):
    assert _errors("maintainer_email", raw) == {"maintainer_email": [
        f"Contact e-mail: “{raw}” is not a valid e-mail address"]}


@pytest.mark.parametrize("raw,stored", [
    ("2565-01-15", "2022-01-15"),          # Buddhist era, as Template 3 asks
    ("2022-01-15", "2022-01-15"),
    ("2022-1-5", "2022-01-05"),
    ("2022-01-15T10:00:00", "2022-01-15"),
    ("2022-01-15T10:00:00+07:00", "2022-01-15"),
])
def test_dates_are_stored_iso_in_the_christian_era(raw, stored):
    assert _check("created_date", raw) == (stored, [])


@pytest.mark.parametrize("raw", ["31 ธันวาคม 2566", "15/01/2565", "2565-02-30", "yesterday", 2565])
def test_bad_dates_are_field_errors(raw):
    assert _errors("created_date", raw) == {
        "created_date": ["Created is not a valid date (YYYY-MM-DD)"]}


@pytest.mark.parametrize("raw", ["https://dashboard.example.go.th/x", "http://a.go.th"])
def test_http_urls(raw):
    assert _check("use_case_url", raw) == (raw, [])


@pytest.mark.parametrize("raw", ["ftp://a.go.th", "www.a.go.th", "javascript:alert(1)", "https://"])
def test_non_http_urls_are_field_errors(raw):
    assert _errors("use_case_url", raw) == {
        "use_case_url": ["Use case URL: enter a full URL starting with http:// or https://"]}


# --- OPDC KPI fields ---------------------------------------------------------------

@pytest.mark.parametrize("raw,years", [
    ("2565, 2566", [2565, 2566]), (2565, [2565]), ("2565", [2565]),
    (["2566", 2565], [2565, 2566]), ("[2565]", [2565]), ("", []), ([], [])])
def test_kpi_years(raw, years):
    value, errors = _check("kpi_years", raw)
    assert errors == []
    assert json.loads(value) == years
    assert output.opdc_kpi_kpi_years_output(value) == years


@pytest.mark.parametrize("raw,shown", [("๒๕๖๕x", "๒๕๖๕x"), ("2565; 2566", "2565; 2566"),
                                       ([2565, None], ""), (True, "True"), (1.5, "1.5")])
def test_kpi_years_errors(raw, shown):
    assert _errors("kpi_years", raw) == {"kpi_years": [
        f"KPI fiscal years: “{shown}” is not a fiscal year (Buddhist era, e.g. 2565)"]}


@pytest.mark.parametrize("raw,year", [("2549", 2549), ("65", 65), ("2565, 2549", 2549)])
def test_kpi_years_out_of_range(raw, year):
    last = standard.fiscal_year_of(today()) + 1        # up to the next fiscal year
    assert _errors("kpi_years", raw) == {"kpi_years": [
        f"KPI fiscal years: fiscal year {year} must be from 2550 to {last} (Buddhist era)"]}


def test_kpi_years_output_shows_unparsable_legacy_text_as_stored():
    assert output.opdc_kpi_kpi_years_output("ปีงบ 65") == "ปีงบ 65"
    assert output.opdc_kpi_kpi_years_output("[2565, 2566]") == [2565, 2566]


@pytest.mark.parametrize("raw,stored", [("tourism", "tourism"), (" Health ", "health"),
                                        ("", "")])
def test_focus_area_codes(raw, stored):
    assert _check("focus_area", raw) == (stored, [])


@pytest.mark.parametrize("raw,shown", [("ด้านการท่องเที่ยว", "ด้านการท่องเที่ยว"),
                                       ("tourism,health", "tourism,health"),
                                       (["health"], '["health"]'), (3, "3")])
def test_focus_area_must_be_one_of_the_codes(raw, shown):
    assert _errors("focus_area", raw) == {
        "focus_area": [f"Focus area: “{shown}” is not one of the 10 focus areas"]}


@pytest.mark.parametrize("private,raw,stored", [
    (False, None, "True"), (False, "", "True"), (False, "False", "False"),
    (True, None, tk.missing), (True, "True", "True")])
def test_allow_harvest_defaults_to_true_for_public_datasets(private, raw, stored):
    value, errors = _check("allow_harvest", raw, private=private)
    assert errors == []
    assert value == stored


def test_every_choice_list_has_thai_and_english_labels():
    for group in ("dataset_fields", "resource_fields"):
        for field in _schema()[group]:
            if field.get("choices_helper") != "opdc_kpi_choices":
                continue
            for choice in scheming_helpers.scheming_field_choices(field):
                assert choice["label"]["th"] and choice["label"]["en"], (field, choice)


def test_every_field_has_thai_and_english_labels():
    schema = _schema()
    for field in schema["dataset_fields"] + schema["resource_fields"]:
        assert field["label"]["th"] and field["label"]["en"], field["field_name"]


def test_yaml_labels_agree_with_the_standard():
    """The YAML's labels are the form's copy of scoring.standard.FIELD_LABELS."""
    for field in _schema()["dataset_fields"]:
        labels = standard.FIELD_LABELS.get(field["field_name"])
        if labels:
            assert (field["label"]["th"], field["label"]["en"]) == tuple(labels), \
                field["field_name"]


# --- fuzzing ------------------------------------------------------------------

ANY_SCALAR = st.one_of(st.text(), st.none(), st.booleans(), st.integers(),
                       st.floats(allow_nan=True), st.text(alphabet=st.characters(
                           min_codepoint=0x0E00, max_codepoint=0x0E7F)))
ANY_VALUE = st.one_of(ANY_SCALAR, st.lists(ANY_SCALAR, max_size=4),
                      st.dictionaries(st.text(max_size=5), ANY_SCALAR, max_size=3))


def _all_field_names(group):
    return [f["field_name"] for f in _schema()[group]
            if f["field_name"] not in ("name", "owner_org", "url")]


def _is_error_dict(errors):
    if isinstance(errors, dict):
        return all(isinstance(k, str) and _is_error_dict(v) for k, v in errors.items())
    if isinstance(errors, list):
        return all(isinstance(e, str) or _is_error_dict(e) for e in errors)
    return False


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_each_field_validator_gives_field_errors_only(data):
    group = data.draw(st.sampled_from(["dataset_fields", "resource_fields"]))
    name = data.draw(st.sampled_from(_all_field_names(group)))
    value = data.draw(ANY_VALUE)
    try:
        _, errors = _check(name, value, resource=group == "resource_fields")
    finally:
        model.Session.rollback()
    assert isinstance(errors, list) and all(isinstance(e, str) for e in errors)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.usefixtures("clean_db")
def test_the_whole_schema_gives_field_errors_only(data):
    """Every dataset field (and a resource, and tags) at once, through the
    scheming plugin's own validate, as package_create would run it."""
    names = data.draw(st.lists(st.sampled_from(_all_field_names("dataset_fields")),
                               unique=True, max_size=12))
    pkg = {name: data.draw(ANY_VALUE) for name in names}
    pkg["type"] = "dataset"
    pkg["state"] = data.draw(st.sampled_from(["active", "draft"]))
    pkg["tags"] = [{"name": t} for t in data.draw(st.lists(st.text(), max_size=3))]
    res_names = data.draw(st.lists(st.sampled_from(_all_field_names("resource_fields")),
                                   unique=True, max_size=6))
    pkg["resources"] = [{name: data.draw(ANY_VALUE) for name in res_names}]
    plugin = SchemingDatasetsPlugin.instance
    context = {"model": model, "session": model.Session, "user": "", "ignore_auth": True}
    try:
        _, errors = plugin.validate(context, pkg, plugin.create_package_schema(),
                                    "package_create")
    finally:
        model.Session.rollback()
    assert _is_error_dict(errors), errors


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.usefixtures("clean_db")
def test_an_update_of_a_stored_dataset_gives_field_errors_only(data):
    """The same, as package_update of an active dataset: the legacy
    comparison with the stored dataset is exercised too."""
    from tests.factories_dga import dga_dataset

    if not model.Session.query(model.Package).filter_by(name="fuzz-stored").count():
        dga_dataset(name="fuzz-stored")
    stored = tk.get_action("package_show")({"ignore_auth": True}, {"id": "fuzz-stored"})
    names = data.draw(st.lists(st.sampled_from(_all_field_names("dataset_fields")),
                               unique=True, max_size=6))
    pkg = dict(stored, **{name: data.draw(ANY_VALUE) for name in names})
    plugin = SchemingDatasetsPlugin.instance
    context = {"model": model, "session": model.Session, "user": "", "ignore_auth": True,
               "package": model.Package.get(stored["id"])}
    try:
        _, errors = plugin.validate(context, pkg, plugin.update_package_schema(),
                                    "package_update")
    finally:
        model.Session.rollback()
    assert _is_error_dict(errors), errors
