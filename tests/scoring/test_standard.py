"""The DGA standard as data, text rules and the dataset checks (pure)."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from ckanext.opdc_kpi.scoring import fiscal, messages, standard
from ckanext.opdc_kpi.scoring.standard import (
    CHOICES, Problem, as_list, dataset_problems, fiscal_year_of, is_blank, keyword_problem,
    mandatory_problems, normalize_text, parse_kpi_years, plausible_fiscal_year)
from tests.scoring._data import complete_dataset

TODAY = date(2022, 3, 1)   # FY2565
NIKHAHIT, SARA_AA, SARA_AM, MAI_THO = "\u0e4d", "\u0e32", "\u0e33", "\u0e49"


def codes(problems, field=None):
    return [p.code for p in problems if field is None or p.field == field]


# --- normalisation ------------------------------------------------------------

def test_normalize_nfc_and_trim():
    assert normalize_text("  cafe\u0301 \n") == "café"
    assert normalize_text(None) == ""
    assert normalize_text("\u00a0ข้อมูล\t") == "ข้อมูล"


def test_normalize_joins_split_sara_am():
    assert normalize_text("น" + NIKHAHIT + SARA_AA) == "น" + SARA_AM


def test_normalize_keeps_a_tone_mark_before_the_joined_vowel():
    split = "น" + MAI_THO + NIKHAHIT + SARA_AA          # น้ํา as some catalogs store it
    assert normalize_text(split) == "น" + MAI_THO + SARA_AM == "น้ำ"
    typed_other_way = "น" + NIKHAHIT + MAI_THO + SARA_AA
    assert normalize_text(typed_other_way) == "น้ำ"


def test_nfkc_would_not_do_it():
    # the reason for the explicit replacement: NFKC splits ำ
    assert unicodedata.normalize("NFKC", SARA_AM) == NIKHAHIT + SARA_AA
    assert normalize_text(unicodedata.normalize("NFKC", "น้ำ")) == "น้ำ"


@pytest.mark.parametrize("value", ["", "   ", "\n\t", None, [], ["", "  "], [None], (), {}, [[""]]])
def test_blank_forms(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", ["x", [" ", "x"], 0, False, {"a": 1}, "อื่นๆ"])
def test_not_blank(value):
    assert not is_blank(value)


@pytest.mark.parametrize("value, expected", [
    (["CSV", "XML"], ["CSV", "XML"]),
    ('["CSV","XML"]', ["CSV", "XML"]),
    ('["CSV", ""]', ["CSV"]),
    ("CSV, XML", ["CSV", "XML"]),
    ("CSV,,XML,", ["CSV", "XML"]),
    ("{CSV,XML}", ["CSV", "XML"]),
    ("CSV", ["CSV"]),
    ("  ", []),
    (None, []),
    ([], []),
    ("[]", []),
    (["  CSV "], ["CSV"]),
    ("1:10,000", ["1:10,000"]),                   # a choice value holding a comma
    (["แหล่งน" + MAI_THO + NIKHAHIT + SARA_AA], ["แหล่งน้ำ"]),
    ([["CSV"], "XML"], ["CSV", "XML"]),
    ([2565], ["2565"]),
])
def test_as_list_shapes(value, expected):
    assert as_list(value) == expected


# --- keywords -----------------------------------------------------------------

@pytest.mark.parametrize("tag", ["ข้อมูล", "สถิติ", "น้ำ", "น" + MAI_THO + NIKHAHIT + SARA_AA,
                                 "open-data", "data_set", "v1.0", "COVID 19", "อื่นๆ", "ปี ๒๕๖๕"])
def test_thai_and_plain_keywords_are_valid(tag):
    assert keyword_problem(tag) is None


@pytest.mark.parametrize("tag, code", [
    ("ข้อมูล,สถิติ", "keyword_invalid_char"),
    ("a,b", "keyword_invalid_char"),
    ("x\ty", "keyword_invalid_char"),
    ("x\ny", "keyword_invalid_char"),
    ("x\x00y", "keyword_invalid_char"),
    ("x\u200by", "keyword_invalid_char"),
    ("a!b", "keyword_invalid_char"),
    ("a;b", "keyword_invalid_char"),
    ("a/b", "keyword_invalid_char"),
    ("a", "keyword_too_short"),
    (" ", "keyword_too_short"),
    ("ก" * 101, "keyword_too_long"),
    (5, "keyword_not_text"),
    (None, "keyword_not_text"),
])
def test_bad_keywords(tag, code):
    assert keyword_problem(tag) == code


def test_keyword_length_limits_inclusive():
    assert keyword_problem("ab") is None
    assert keyword_problem("ก" * 100) is None


# --- fiscal years ---------------------------------------------------------------

@pytest.mark.parametrize("day, year", [
    (date(2021, 9, 30), 2564), (date(2021, 10, 1), 2565),
    (date(2022, 9, 30), 2565), (date(2022, 10, 1), 2566), (date(2024, 1, 1), 2567),
])
def test_fiscal_year_turns_on_1_october(day, year):
    assert fiscal_year_of(day) == year


def test_plausible_fiscal_years():
    assert plausible_fiscal_year(2550, TODAY)
    assert plausible_fiscal_year(2566, TODAY)          # current + 1
    assert not plausible_fiscal_year(2567, TODAY)
    assert not plausible_fiscal_year(2549, TODAY)
    assert not plausible_fiscal_year(2022, TODAY)      # CE, not พ.ศ.
    assert not plausible_fiscal_year("2565", TODAY)
    assert not plausible_fiscal_year(True, TODAY)


@pytest.mark.parametrize("value, years", [
    (2565, [2565]), ("2565", [2565]), ([2566, "2565", 2565], [2565, 2566]),
    ("2565, 2566", [2565, 2566]), ('["2565", 2564]', [2564, 2565]), ("", []), (None, []),
    ([], []), (" 2565 ", [2565]), ("๒๕๖๕", [2565]),
    (["2565, 2566"], [2565, 2566]), ([[2565]], [2565]),
])
def test_parse_kpi_years(value, years):
    assert parse_kpi_years(value, today=TODAY) == (years, [])


@pytest.mark.parametrize("value", ["abc", "2565.5", [True], [{"y": 1}], "2565;2566", [[[2565]]]])
def test_unparsable_kpi_years(value):
    _, problems = parse_kpi_years(value, today=TODAY)
    assert problems and {p.code for p in problems} == {"invalid_kpi_year"}
    assert all(p.field == "kpi_years" for p in problems)


def test_implausible_kpi_years_only_checked_with_today():
    years, problems = parse_kpi_years([2565, 2567, 2022], today=TODAY)
    assert years == [2565]
    assert [p.params["year"] for p in problems] == [2567, 2022]
    assert {p.code for p in problems} == {"implausible_kpi_year"}
    assert parse_kpi_years([2567], today=None) == ([2567], [])


# --- the 14 items ----------------------------------------------------------------

def test_complete_dataset_has_no_problem():
    assert mandatory_problems(complete_dataset()) == []
    assert dataset_problems(complete_dataset(), today=TODAY) == []


MANDATORY = ["data_type", "title", "owner_org", "maintainer", "maintainer_email", "notes",
             "objective", "update_frequency_unit", "geo_coverage", "data_source", "data_format",
             "data_category", "license_id"]


@pytest.mark.parametrize("field", MANDATORY)
@pytest.mark.parametrize("blank", ["absent", "", "  ", None, []])
def test_each_missing_item_is_its_own_problem(field, blank):
    pkg = complete_dataset()
    if blank == "absent":
        del pkg[field]
    else:
        pkg[field] = blank
    problems = mandatory_problems(pkg)
    assert problems == [Problem(field, "required", {"field": field})]
    assert standard.is_not_given(problems[0])


def test_missing_keywords_is_item_6():
    pkg = complete_dataset(tags=[])
    assert codes(mandatory_problems(pkg)) == ["keyword_required"]
    assert mandatory_problems(pkg)[0].field == "tag_string"


def test_the_focus_area_vocabulary_tag_is_no_keyword():
    pkg = complete_dataset(tags=[{"name": "health", "vocabulary_id": "v1"}])
    assert codes(mandatory_problems(pkg), "tag_string") == ["keyword_required"]


def test_tag_string_wins_over_tags():
    assert codes(mandatory_problems(complete_dataset(tag_string=""))) == ["keyword_required"]
    assert mandatory_problems(complete_dataset(tags=[], tag_string="น้ำ, สถิติ")) == []
    assert mandatory_problems(complete_dataset(tags=[], tag_string=["น้ำ"])) == []


def test_an_invalid_keyword_makes_item_6_invalid():
    problems = mandatory_problems(complete_dataset(tag_string="ข้อมูล, a!b"))
    assert codes(problems) == ["keyword_invalid_char"]
    assert problems[0].params["keyword"] == "a!b" and problems[0].params["char"] == "!"


def test_update_frequency_interval_is_optional_but_positive():
    for ok in ("1", "10", 3, "", None, " 2 "):
        assert mandatory_problems(complete_dataset(update_frequency_interval=ok)) == [], ok
    pkg = complete_dataset()
    del pkg["update_frequency_interval"]
    assert mandatory_problems(pkg) == []
    for bad in ("0", 0, "-1", "1.5", "abc", True, 1.0, "9" * 30, ["1"]):
        problems = mandatory_problems(complete_dataset(update_frequency_interval=bad))
        assert codes(problems) == ["not_positive_int"], bad


@pytest.mark.parametrize("field, other", [
    ("data_type", "ข้อมูลประเภทอื่นๆ"), ("objective", ["อื่นๆ"]),
    ("update_frequency_unit", "อื่นๆ"), ("geo_coverage", "อื่นๆ"),
    ("data_format", ["CSV", "อื่นๆ"]), ("license_id", "อื่นๆ"),
])
def test_other_needs_its_text(field, other):
    problems = mandatory_problems(complete_dataset(**{field: other}))
    assert problems == [Problem(f"{field}_other", "other_required",
                                {"field": f"{field}_other", "choice_field": field,
                                 "choice": "ข้อมูลประเภทอื่นๆ" if field == "data_type"
                                 else "อื่นๆ"})]
    assert standard.is_not_given(problems[0])
    assert mandatory_problems(complete_dataset(**{field: other, f"{field}_other": " "})) == problems
    assert mandatory_problems(complete_dataset(**{field: other,
                                                  f"{field}_other": "GeoJSON, WMS"})) == []


def test_data_type_other_is_not_the_plain_other():
    problems = mandatory_problems(complete_dataset(data_type="อื่นๆ"))
    assert codes(problems) == ["invalid_choice"]


@pytest.mark.parametrize("email", ["policy", "policy@", "@opdc.go.th", "a b@opdc.go.th",
                                   "policy@opdc", "a@@opdc.go.th", "policy@opdc.go.th, x@y.th",
                                   "policy@-opdc.go.th"])
def test_bad_email(email):
    problems = mandatory_problems(complete_dataset(maintainer_email=email))
    assert codes(problems) == ["invalid_email"]


@pytest.mark.parametrize("email", ["policy@opdc.go.th", "slaborfs@nso.go.th",
                                   "first.last+kpi@data.go.th", " a_b@x-y.co.th "])
def test_good_email(email):
    assert mandatory_problems(complete_dataset(maintainer_email=email)) == []


@pytest.mark.parametrize("category", ["ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง",
                                      "ข้อมูลความลับทางราชการ", "ข้อมูลใช้ภายใน"])
@pytest.mark.parametrize("licence", sorted(standard.OPEN_LICENSES))
def test_no_open_licence_on_a_non_public_category(category, licence):
    problems = mandatory_problems(complete_dataset(data_category=category, license_id=licence))
    assert codes(problems) == ["open_license_not_public"]
    assert problems[0].field == "license_id"


@pytest.mark.parametrize("licence", [c.value for c in CHOICES["license_id"] if c.value != "อื่นๆ"])
def test_any_licence_on_public_data(licence):
    pkg = complete_dataset(data_category="ข้อมูลสาธารณะ", license_id=licence)
    assert mandatory_problems(pkg) == []


def test_closed_licence_on_a_non_public_category_is_fine():
    pkg = complete_dataset(data_category="ข้อมูลส่วนบุคคล",
                           license_id="Creative Commons Attribution Non-Commercial")
    assert mandatory_problems(pkg) == []


def test_a_13_item_dataset_is_incomplete():
    pkg = complete_dataset(data_source="")
    assert len(mandatory_problems(pkg)) == 1


def test_unknown_counts_as_given():
    pkg = complete_dataset(objective=["ไม่ทราบ"], update_frequency_unit="ไม่ทราบ",
                           geo_coverage="ไม่ทราบ", data_format=["ไม่ทราบ"])
    assert mandatory_problems(pkg) == []


def test_added_values_are_accepted():
    assert mandatory_problems(complete_dataset(data_category="ข้อมูลใช้ภายใน")) == []
    for licence in ("Creative Commons Attribution Non-Commercial",
                    "Creative Commons Attribution Non-Commercial Share-Alike",
                    "Creative Commons Attribution Non-Commercial No-Derivs",
                    "Creative Commons Attribution No-Derivs"):
        assert mandatory_problems(complete_dataset(license_id=licence)) == [], licence
    pkg = complete_dataset(data_category="ข้อมูลสาธารณะ", license_id="DGA Open Government License")
    assert mandatory_problems(pkg) == []


def test_split_sara_am_in_a_choice_still_matches():
    split = "วันท" + NIKHAHIT + SARA_AA + "การ"
    assert mandatory_problems(complete_dataset(update_frequency_unit=split)) == []


def test_legacy_json_list_string_multi_choice():
    pkg = complete_dataset(data_format='["CSV","XML"]', objective="ยุทธศาสตร์ชาติ")
    assert mandatory_problems(pkg) == []


@pytest.mark.parametrize("field", ["data_type", "update_frequency_unit", "geo_coverage",
                                   "data_category", "license_id"])
@pytest.mark.parametrize("value", ["nonsense", "csv", "Other (Attribution)", {"a": 1},
                                   ["ปี", "เดือน"], 42])
def test_single_choice_outside_its_list(field, value):
    problems = mandatory_problems(complete_dataset(**{field: value}))
    assert codes(problems, field) == ["invalid_choice"]


@pytest.mark.parametrize("field", ["objective", "data_format"])
def test_every_element_of_a_multi_choice_is_checked(field):
    good = CHOICES[field][0].value
    problems = mandatory_problems(complete_dataset(**{field: [good, "nonsense", "junk"]}))
    assert codes(problems) == ["invalid_choice", "invalid_choice"]
    assert [p.params["value"] for p in problems] == ["nonsense", "junk"]


@pytest.mark.parametrize("field", ["title", "maintainer", "notes", "data_source", "owner_org"])
def test_text_items_must_be_text(field):
    assert codes(mandatory_problems(complete_dataset(**{field: {"th": "x"}}))) == ["not_text"]


# --- the other checks ----------------------------------------------------------

@pytest.mark.parametrize("field", standard.OPTIONAL_CHOICE_FIELDS)
def test_other_choice_fields_checked_when_given(field):
    assert dataset_problems(complete_dataset(**{field: ""}), today=TODAY) == []
    value = CHOICES[field][0].value
    if field == "data_classification":
        value = "ลับ"
    given = [value] if field in standard.MULTI_CHOICE_FIELDS else value
    assert dataset_problems(complete_dataset(**{field: given}), today=TODAY) == []
    problems = dataset_problems(complete_dataset(**{field: "nonsense"}), today=TODAY)
    assert codes(problems) == ["invalid_choice"] and problems[0].field == field
    assert mandatory_problems(complete_dataset(**{field: "nonsense"})) == []


@pytest.mark.parametrize("field", ["allow_harvest", "single_source_of_truth",
                                   "high_value_dataset"])
def test_yes_no_fields_are_true_or_false(field):
    for ok in ("True", "False", True, False):
        assert dataset_problems(complete_dataset(**{field: ok}), today=TODAY) == [], ok
    for bad in ("yes", "1", "true", 1):
        assert codes(dataset_problems(complete_dataset(**{field: bad}), today=TODAY)) == [
            "invalid_choice"], bad


@pytest.mark.parametrize("field", ["data_support", "data_collect", "data_language",
                                   "disaggregate", "unit_of_multiplier", "equivalent_scale"])
def test_other_of_optional_fields_needs_its_text(field):
    value = ["อื่นๆ"] if field in standard.MULTI_CHOICE_FIELDS else "อื่นๆ"
    problems = dataset_problems(complete_dataset(**{field: value}), today=TODAY)
    assert codes(problems) == ["other_required"] and problems[0].field == f"{field}_other"


def test_focus_area_is_required_and_one_of_ten():
    pkg = complete_dataset()
    del pkg["focus_area"]
    assert codes(dataset_problems(pkg, today=TODAY)) == ["required"]
    assert codes(dataset_problems(complete_dataset(focus_area="sports"), today=TODAY)) == [
        "invalid_focus_area"]
    assert dataset_problems(complete_dataset(focus_area="health"), today=TODAY) == []


def test_kpi_years_plausible():
    assert dataset_problems(complete_dataset(kpi_years=[]), today=TODAY) == []
    problems = dataset_problems(complete_dataset(kpi_years=[2565, 2570]), today=TODAY)
    assert codes(problems) == ["implausible_kpi_year"]


def test_public_data_is_classified_open():
    public = dict(data_category="ข้อมูลสาธารณะ")
    assert dataset_problems(complete_dataset(**public, data_classification="เปิดเผย"),
                            today=TODAY) == []
    problems = dataset_problems(complete_dataset(**public, data_classification="ลับ"),
                                today=TODAY)
    assert codes(problems) == ["classification_not_open"]
    assert problems[0].field == "data_classification"


def test_use_case_url_absolute_http():
    for ok in ("https://dashboard.example.go.th/x", "http://a.b", ""):
        assert dataset_problems(complete_dataset(use_case_url=ok), today=TODAY) == [], ok
    for bad in ("dashboard.example.go.th", "/x", "ftp://a.b/c", "javascript:alert(1)",
                "http://", "http://exa mple.com", "http://[::1"):
        assert codes(dataset_problems(complete_dataset(use_case_url=bad), today=TODAY)) == [
            "invalid_url"], bad


def test_resource_choice_fields():
    good = {"url": "https://x/y.csv", "resource_data_collect": "บุคคล",
            "resource_disaggregate": ["เพศ", "อายุ/กลุ่มอายุ"],
            "resource_official_statistics": "True"}
    assert dataset_problems(complete_dataset(resources=[good]), today=TODAY) == []
    bad = dict(good, resource_equivalent_scale="1:1", resource_unit_of_multiplier="อื่นๆ")
    problems = dataset_problems(complete_dataset(resources=[good, bad]), today=TODAY)
    assert [(p.field, p.code, p.params["field"], p.params["resource"]) for p in problems] == [
        ("resources", "resource_other_required", "resource_unit_of_multiplier_other", 2),
        ("resources", "resource_invalid_choice", "resource_equivalent_scale", 2),
    ]


def test_problems_have_messages_naming_the_label():
    pkg = complete_dataset(data_type="", maintainer_email="x")
    by_field = {p.field: p for p in dataset_problems(pkg, today=TODAY)}
    assert messages.problem_message(by_field["data_type"], "th") == "กรุณาระบุ ประเภทข้อมูล"
    assert messages.problem_message(by_field["data_type"], "en") == "Data type is required"
    assert "อีเมลผู้ติดต่อ" in messages.problem_message(by_field["maintainer_email"], "th")


def test_not_a_dict_is_an_empty_dataset():
    assert len(mandatory_problems(None)) == 14
    assert len(mandatory_problems(["x"])) == 14


# --- the lists and labels as data -------------------------------------------------

SPEC_COUNTS = {   # canonical 2.1.0 counts in dga-metadata.md
    "data_type": 5, "allow_harvest": 2, "objective": 14, "update_frequency_unit": 13,
    "geo_coverage": 14, "data_format": 20, "data_category": 4, "license_id": 7,
    "data_support": 7, "data_collect": 13, "data_language": 14, "disaggregate": 14,
    "unit_of_multiplier": 15, "geographic_data_set": 13, "equivalent_scale": 6,
    "high_value_dataset": 2, "reference_data": 2, "official_statistics": 2,
}


@pytest.mark.parametrize("name, count", sorted(SPEC_COUNTS.items()))
def test_canonical_list_sizes(name, count):
    assert len([c for c in CHOICES[name] if not c.added]) == count


def test_added_values():
    assert {k: sorted(v) for k, v in standard.ADDED_VALUES.items()} == {
        "data_category": ["ข้อมูลใช้ภายใน"],
        "data_classification": sorted(["เปิดเผย", "ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก",
                                       "ลับที่สุด"]),
        "license_id": sorted([
            "Creative Commons Attribution Non-Commercial",
            "Creative Commons Attribution Non-Commercial Share-Alike",
            "Creative Commons Attribution Non-Commercial No-Derivs",
            "Creative Commons Attribution No-Derivs", "DGA Open Government License"]),
    }


def test_resource_lists_are_the_dataset_lists():
    for resource, dataset in [("resource_data_collect", "data_collect"),
                              ("resource_disaggregate", "disaggregate"),
                              ("resource_unit_of_multiplier", "unit_of_multiplier"),
                              ("resource_geographic_data_set", "geographic_data_set"),
                              ("resource_equivalent_scale", "equivalent_scale"),
                              ("resource_official_statistics", "high_value_dataset"),
                              ("reference_data", "high_value_dataset"),
                              ("official_statistics", "high_value_dataset"),
                              ("single_source_of_truth", "high_value_dataset")]:
        assert CHOICES[resource] == CHOICES[dataset]


def test_every_choice_is_labelled_normalised_and_unique():
    for name, choices in CHOICES.items():
        values = [c.value for c in choices]
        assert len(values) == len(set(values)), name
        for choice in choices:
            assert choice.value == normalize_text(choice.value), (name, choice)
            assert choice.th.strip() and choice.en.strip(), (name, choice)


def test_some_stored_values_byte_for_byte():
    assert "แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)" in standard.ACCEPTED["objective"]
    assert "เทศบาล/อบต." in standard.ACCEPTED["geo_coverage"]
    assert "Creative Commons Non-Commercial (Any)" in standard.ACCEPTED["license_id"]
    assert [(c.value, c.th, c.en) for c in CHOICES["allow_harvest"]] == [
        ("False", "ไม่ยินยอม", "No"), ("True", "ยินยอม", "Yes")]
    xls = next(c for c in CHOICES["data_format"] if c.value == "XLS")
    assert xls.th == xls.en == "XLS/XLSX"


def test_focus_areas_in_the_seeds_order():
    assert [c.value for c in standard.FOCUS_AREAS] == [
        "economy", "agriculture", "tourism", "income-employment", "welfare-equality", "health",
        "education", "environment", "public-administration", "security"]
    assert standard.FOCUS_AREAS[0].th == "ด้านเศรษฐกิจ อุตสาหกรรม SME"
    assert standard.FOCUS_AREAS[-1].th == "ด้านความมั่นคง"


def test_open_licences():
    assert standard.OPEN_LICENSES == {
        "Creative Commons Attributions", "Creative Commons Attribution Share-Alike",
        "Open Data Common", "DGA Open Government License", "GNU Free Documentation License"}
    assert standard.OPEN_LICENSES <= standard.ACCEPTED["license_id"]


AGENCY_DATASET_FIELDS = """data_type data_type_other title name owner_org allow_harvest
reference_url_catalog maintainer maintainer_email tag_string notes objective objective_other
update_frequency_unit update_frequency_unit_other update_frequency_interval geo_coverage
geo_coverage_other data_source data_format data_format_other data_category license_id
license_id_other accessible_condition data_support data_support_other data_collect
data_collect_other url data_language data_language_other created_date last_updated_date
data_release_calendar first_year_of_data last_year_of_data disaggregate disaggregate_other
unit_of_measure unit_of_multiplier unit_of_multiplier_other calculation_method standard
geographic_data_set equivalent_scale equivalent_scale_other west_bound_longitude
east_bound_longitude north_bound_longitude south_bound_longitude positional_accuracy
reference_period data_release_date high_value_dataset reference_data official_statistics
data_classification""".split()
AGENCY_RESOURCE_FIELDS = """url name description resource_accessible_condition
resource_data_collect resource_data_collect_other resource_first_year_of_data
resource_last_year_of_data resource_disaggregate resource_disaggregate_other
resource_unit_of_measure resource_unit_of_multiplier resource_unit_of_multiplier_other
resource_geographic_data_set resource_equivalent_scale resource_equivalent_scale_other
resource_positional_accuracy resource_created_date resource_last_updated_date
resource_data_release_calendar resource_official_statistics resource_data_release_date
format""".split()
OUR_FIELDS = """focus_area mission work_process sub_process kpi_years single_source_of_truth
use_case_url use_case_description focus_areas focus_issue data_use_goal expected_users
catalog_url""".split()


def test_every_field_has_labels():
    for field in AGENCY_DATASET_FIELDS + AGENCY_RESOURCE_FIELDS + OUR_FIELDS:
        th, en = standard.FIELD_LABELS[field]
        assert th.strip() and en.strip(), field


def test_mandatory_items():
    assert [number for number, _ in standard.MANDATORY_ITEMS] == [str(i) for i in range(1, 15)]
    assert dict(standard.MANDATORY_ITEMS)["9"] == ("update_frequency_unit",
                                                   "update_frequency_interval")
    assert dict(standard.MANDATORY_ITEMS)["6"] == ("tag_string",)
    assert standard.item_of("data_format_other") == "12"
    assert standard.FIELD_LABELS["data_type"] == ("ประเภทข้อมูล", "Data type")


def test_the_other_checks_name_the_field_and_the_value_exactly():
    """Beyond the 14 items: each problem names its field and what was given, so the
    form can show it beside the box ("Sports" is no focus area; "ลับ" is not open)."""
    def problems(**values):
        return dataset_problems(complete_dataset(**values), today=TODAY)

    without_focus = complete_dataset()
    del without_focus["focus_area"]
    assert dataset_problems(without_focus, today=TODAY) == [Problem(
        "focus_area", "required", {"field": "focus_area"})]
    assert problems(focus_area="Sports") == [Problem(
        "focus_area", "invalid_focus_area", {"field": "focus_area", "value": "Sports"})]
    assert problems(focus_area=["health", "tourism"]) == [Problem(
        "focus_area", "invalid_focus_area",
        {"field": "focus_area", "value": '["health", "tourism"]'})]
    assert problems(focus_area="HEALTH") == [] and problems(focus_area=["health"]) == []
    public = dict(data_category="ข้อมูลสาธารณะ", license_id="Creative Commons Attributions")
    assert problems(data_classification="ลับ", **public) == [Problem(
        "data_classification", "classification_not_open",
        {"field": "data_classification", "value": "ลับ", "category": "ข้อมูลสาธารณะ"})]
    assert problems(data_classification="nonsense", **public) == [Problem(
        "data_classification", "invalid_choice",
        {"field": "data_classification", "value": "nonsense"})]
    assert problems(use_case_url="ftp://x") == [Problem(
        "use_case_url", "invalid_url", {"field": "use_case_url", "value": "ftp://x"})]
    assert problems(kpi_years=[2570]) == [Problem(
        "kpi_years", "implausible_kpi_year",
        {"field": "kpi_years", "year": 2570, "min": 2550, "max": 2566})]


def test_resources_are_numbered_from_one_and_non_dicts_skipped():
    problems = dataset_problems(
        complete_dataset(resources=["x", {"resource_official_statistics": "yes"}]), today=TODAY)
    assert problems == [Problem("resources", "resource_invalid_choice", {
        "field": "resource_official_statistics", "value": "yes", "resource": 2})]
    assert dataset_problems(complete_dataset(resources={"a": 1}), today=TODAY) == []


def test_choice_labels_in_each_language():
    assert standard.choice_label("data_format", "XLS", "th") == "XLS/XLSX"
    assert standard.choice_label("allow_harvest", "True") == "ยินยอม"
    assert standard.choice_label("allow_harvest", "True", "en") == "Yes"
    assert standard.choice_label("geo_coverage", "ไม่มี", "en") == "None"
    assert standard.choice_label("allow_harvest", "maybe", "en") == "maybe"
    assert standard.choice_label("no_such_list", "v", "th") == "v"


def test_field_labels_in_thai_by_default_and_the_name_when_unknown():
    assert standard.field_label("data_type") == "ประเภทข้อมูล"
    assert standard.field_label("data_type", "en") == "Data type"
    assert standard.field_label("no_such_field", "en") == "no_such_field"
    assert standard.field_label(["x"]) == "['x']"
    assert standard.field_label(None) == "None"
    assert [standard.item_of(f) for f in ("geo_coverage_other", "nope", 5)] == ["10", None, None]


MEMO_VARIANTS = [
    {}, {"update_frequency_interval": 1}, {"update_frequency_interval": True},
    {"update_frequency_interval": 1.0}, {"update_frequency_interval": "1"},
    {"data_format": [1]}, {"data_format": [True]}, {"data_format": [2]},
    {"data_type": {"a": 1}}, {"data_type": {"a": 2}}, {"data_type": {"b": 1}},
    {"data_format": [["CSV"], "XML"]}, {"data_format": [["PDF"], "nonsense"]},
    {"title": ""}, {"title": {"th": "x"}}, {"title": "x"},
    {"tag_string": "ข้อมูล, a!b"}, {"tag_string": "ข้อมูล"},
    {"tags": [{"name": "ok-word"}]}, {"tags": [{"name": "a!b"}]},
    {"tags": [{"name": "health", "vocabulary_id": "v1"}]},
    {"tags": [{"name": "health", "vocabulary_id": None}]},
    {"tags": ["ข้อมูล", "สถิติ"]}, {"tags": None}, {"tags": ({"name": "ข้อมูล"},)},
    {"data_format": {"CSV"}}, {"data_format": {"nonsense"}},   # sets: no signature
    {"data_format": ["อื่นๆ"], "data_format_other": ""},
    {"data_format": ["อื่นๆ"], "data_format_other": "GeoJSON"},
]


def test_the_memo_of_the_14_item_check_never_mixes_up_two_datasets():
    """``mandatory_problems`` remembers its answer per dataset signature: datasets that
    differ in anything the check reads (a value's type, a nested value, a keyword, a
    tag's vocabulary) each get their own answer, in either order, the same as the
    full check gives."""
    for values in MEMO_VARIANTS + MEMO_VARIANTS[::-1]:
        pkg = complete_dataset(**values)
        assert mandatory_problems(pkg) == dataset_problems(pkg, today=TODAY), values


# --- text helpers: edges ------------------------------------------------------------

def _nested(value, levels):
    for _ in range(levels):
        value = [value]
    return value


def test_nesting_deeper_than_twenty_levels_is_ignored():
    assert as_list(_nested("x", 20)) == ["x"] and as_list(_nested("x", 21)) == []
    assert not is_blank(_nested("x", 21)) and is_blank(_nested("x", 22))


@pytest.mark.parametrize("value, expected", [
    ({1, "a"}, ["a", "1"]), ({"XML", "CSV"}, ["CSV", "XML"]),          # sets, in a stable order
    ([{"b": 1, "a": "ก"}], ['{"a": "ก", "b": 1}']),                    # junk kept as text
    ('{"a": 1}', ['{"a": 1}']), ('{"CSV","XML"}', ["CSV", "XML"]), ("CSV}", ["CSV}"]),
])
def test_as_list_of_sets_junk_and_braces(value, expected):
    assert as_list(value) == expected


def test_shown_values_in_messages():
    circular = []
    circular.append(circular)
    assert [standard.shown(v) for v in (circular, {"b": 1, "a": "ก"}, [date(2022, 1, 1)], 5,
                                        ["a"], None)] == [
        "?", '{"a": "ก", "b": 1}', '["2022-01-01"]', "5", '["a"]', ""]
    assert standard.shown("x" * 80) == "x" * 80
    assert standard.shown("x" * 81) == "x" * 79 + "…"


def test_blank_text_of_any_length_and_kind():
    class Text(str):
        pass

    assert not is_blank(Text("x")) and is_blank(Text("  "))
    assert not is_blank("x" * 300) and is_blank(" " * 300)


def test_email_url_and_keyword_edges():
    longest = "a" * 64 + "@" + ("b" * 61 + ".") * 3 + "tha"        # 254 characters
    assert len(longest) == 254 and standard.is_email(longest)
    assert not standard.is_email("a" + longest)
    assert not standard.is_email(5) and not standard.is_http_url(5)
    assert not standard.is_http_url("http://a.b/\x00x")
    assert not standard.is_http_url("http://a.b/\x7fx")
    assert keyword_problem("हिन्दी") is None      # spacing combining marks (Mc) of any script


def test_kpi_years_problems_name_each_bad_year_and_keep_the_good_ones():
    assert parse_kpi_years(["", "abc", 2565, 2570, 2566], today=TODAY) == ([2565, 2566], [
        Problem("kpi_years", "invalid_kpi_year", {"field": "kpi_years", "value": "abc"}),
        Problem("kpi_years", "implausible_kpi_year",
                {"field": "kpi_years", "year": 2570, "min": 2550, "max": 2566})])
    assert parse_kpi_years(2565.0) == ([2565], [])
    assert [fiscal.parse_year(v) for v in (2565.0, 999999.0, 1e6, 2565.5)] == [
        2565, 999999, None, None]


def test_choice_problems_name_the_value_exactly():
    assert mandatory_problems(complete_dataset(data_type={"a": 1})) == [Problem(
        "data_type", "invalid_choice", {"field": "data_type", "value": '{"a": 1}'})]
    assert mandatory_problems(complete_dataset(update_frequency_unit=["ปี", "เดือน"])) == [
        Problem("update_frequency_unit", "invalid_choice",
                {"field": "update_frequency_unit", "value": '["ปี", "เดือน"]'})]
    # the same bad value twice is one problem; an empty list text is not given
    assert mandatory_problems(complete_dataset(data_format=["junk", "junk"])) == [Problem(
        "data_format", "invalid_choice", {"field": "data_format", "value": "junk"})]
    assert mandatory_problems(complete_dataset(data_format="[]")) == [Problem(
        "data_format", "required", {"field": "data_format"})]
    assert dataset_problems(complete_dataset(data_language="[]"), today=TODAY) == []


def test_resource_problems_name_the_resource_and_both_fields():
    resources = [{"resource_official_statistics": {"a": 1}},
                 {"resource_unit_of_multiplier": "อื่นๆ"}]
    assert dataset_problems(complete_dataset(resources=resources), today=TODAY) == [
        Problem("resources", "resource_invalid_choice",
                {"field": "resource_official_statistics", "value": '{"a": 1}', "resource": 1}),
        Problem("resources", "resource_other_required",
                {"field": "resource_unit_of_multiplier_other",
                 "choice_field": "resource_unit_of_multiplier", "resource": 2})]


def test_keyword_problems_once_each_with_their_details():
    problems = mandatory_problems(complete_dataset(tag_string="a!b, a!b, x;y, x\ty, a"))
    assert [dict(p.params) for p in problems] == [
        {"field": "tag_string", "keyword": "a!b", "char": "!"},
        {"field": "tag_string", "keyword": "x;y", "char": ";"},
        {"field": "tag_string", "keyword": "x\ty", "char": "U+0009"},   # unprintable: named
        {"field": "tag_string", "keyword": "a", "min": 2, "max": 100}]
    assert [p.code for p in problems] == ["keyword_invalid_char"] * 3 + ["keyword_too_short"]
    assert mandatory_problems(complete_dataset(tag_string=[5, "ok"])) == [Problem(
        "tag_string", "keyword_not_text", {"field": "tag_string", "keyword": "5"})]


def test_a_check_that_breaks_is_a_failed_check_not_an_error():
    class Unreadable(list):
        def __iter__(self):
            raise RuntimeError("unreadable")

    pkg = complete_dataset()
    pkg["data_format"] = Unreadable()
    assert dataset_problems(pkg, today=TODAY) == [
        Problem("", "check_failed", {"error": "RuntimeError"})]


def test_licence_interval_and_string_tag_problems_exactly():
    problems = mandatory_problems(complete_dataset(data_category="ข้อมูลส่วนบุคคล",
                                                   license_id="Open Data Common"))
    assert problems == [Problem("license_id", "open_license_not_public", {
        "field": "license_id", "license": "Open Data Common", "category": "ข้อมูลส่วนบุคคล"})]
    assert mandatory_problems(complete_dataset(update_frequency_interval=1)) == []
    assert mandatory_problems(complete_dataset(update_frequency_interval="0")) == [Problem(
        "update_frequency_interval", "not_positive_int",
        {"field": "update_frequency_interval", "value": "0"})]
    # plain strings in ``tags`` are keywords; blanks and non-text are skipped
    assert mandatory_problems(complete_dataset(tags=["ข้อมูล", " ", 5, "a!b"])) == [Problem(
        "tag_string", "keyword_invalid_char",
        {"field": "tag_string", "keyword": "a!b", "char": "!"})]


def test_blank_items_inside_nested_lists_and_unprintable_values():
    assert parse_kpi_years([[" "], 2565], today=TODAY) == ([2565], [])

    class Unprintable:
        def __str__(self):
            raise RuntimeError("no text")

    assert normalize_text(Unprintable()) == ""
