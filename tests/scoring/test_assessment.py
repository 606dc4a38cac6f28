"""Assessors' confirmations and overrides in the pure core: which record
counts, how values are read, and what each override changes in the report."""
from __future__ import annotations

from datetime import date

import pytest

from ckanext.opdc_kpi.scoring import Rules, assessment, score_organization
from tests.scoring._data import complete_dataset, organization, public_dataset

FY = 2565
SITE = "https://catalog.example.go.th"
MISSION = dict(mission="ภารกิจด้านพัฒนาการให้บริการประชาชน",
               work_process="ขับเคลื่อนการให้บริการภาครัฐ")


def score(datasets, records=None, org=None, **kwargs):
    return score_organization(org or organization(), datasets, fiscal_year=FY,
                              today=date(2022, 3, 1), rules=Rules(), catalog_url=SITE,
                              assessments=records, **kwargs)


def record(criterion, value=None, dataset=None, action="override", created="2026-11-01T10:00:00",
           **extra):
    return dict(id=f"r-{criterion}-{created}", dataset=dataset, criterion=criterion,
                action=action, value=value, note=extra.pop("note", "เอกสารหลักฐาน"),
                user=extra.pop("user", "nso-assessor"), created=created, deleted=None, **extra)


def test_without_records_the_report_has_no_assessment_keys_and_with_none_it_has_empty_ones():
    datasets = [complete_dataset(**MISSION)]
    assert "assessments" not in score(datasets)
    report = score(datasets, [])
    assert report["assessments"] == []
    assert report["computed"] == {"score": report["score"], "level": report["level"],
                                  "parts": {p: report["parts"][p]["points"]
                                            for p in report["parts"]}}


def test_single_source_of_truth_override_raises_the_access_tier_and_the_points():
    # kpi-rules.md's check: CSV, monthly, per province, not declared → tier 1 (6 points);
    # "the same declared single source of truth → tier 2 → 12 points"
    datasets = [public_dataset(**MISSION)]
    before = score(datasets, [])
    assert before["datasets"][0]["openness"]["tier"] == 1
    report = score(datasets, [record("single_source_of_truth", True, dataset="d1")])
    entry = report["datasets"][0]
    assert entry["openness"]["tier"] == 2 and entry["openness"]["points"] == 12.0
    assert report["parts"]["openness"]["points"] == 12.0
    assert report["computed"]["parts"]["openness"] == 6.0
    item = entry["assessments"]["single_source_of_truth"]
    assert (item["value"], item["computed"], item["applies"]) == (True, False, True)
    assert item["user"] == "nso-assessor" and item["note"] == "เอกสารหลักฐาน"
    assert item["reason"]["code"] == "assessor_override"
    assert "nso-assessor" in item["reason"]["message"]


def test_scanned_pdf_closes_the_searchable_text_gate():
    pdf = public_dataset(data_format=["PDF"], resources=[
        {"url": "https://data.example.go.th/x.pdf", "format": "PDF"}], **MISSION)
    assert score([pdf], [])["datasets"][0]["openness"]["tier"] == 1
    report = score([pdf], [record("searchable_text", "false", dataset="d1")])
    openness = report["datasets"][0]["openness"]
    assert openness["tier"] == 0 and openness["reason"]["code"] == "tier_scanned_image"
    assert report["parts"]["openness"]["points"] == 0.0
    assert report["datasets"][0]["assessments"]["searchable_text"]["computed"] is True


def test_criterion_tier_overrides_recompute_the_structured_tier_with_the_rule():
    datasets = [public_dataset(**MISSION)]      # access 1, granularity 2, format 3
    report = score(datasets, [record("access", 3, dataset="d1")])
    openness = report["datasets"][0]["openness"]
    assert openness["criteria"]["access"]["tier"] == 3
    assert openness["criteria"]["access"]["reason"]["code"] == "assessor_tier"
    assert openness["tier"] == 2                # min(3, 2, 3)
    report = score(datasets, [record("access", 3, dataset="d1"),
                              record("granularity", "3", dataset="d1")])
    assert report["datasets"][0]["openness"]["tier"] == 3
    assert report["parts"]["openness"]["points"] == 20.0


def test_an_overridden_tier_carries_the_assessors_reason_and_a_recomputed_tier_reason():
    """Every tier carries a reason (kpi-rules.md): the overridden criterion says an
    assessor set it, the dataset's tier reason shows the new criteria."""
    datasets = [public_dataset(**MISSION)]      # access 1, granularity 2, format 3
    openness = score(datasets, [record("access", 3, dataset="d1"),
                                record("format", "2", dataset="d1")],
                     lang="en")["datasets"][0]["openness"]
    assert openness["criteria"]["access"]["reason"] == {
        "code": "assessor_tier", "message": "Set to tier 3 by an assessor"}
    assert openness["criteria"]["format"]["reason"] == {
        "code": "assessor_tier", "message": "Set to tier 2 by an assessor"}
    assert openness["criteria"]["granularity"]["reason"]["code"] != "assessor_tier"
    assert openness["tier"] == 2
    assert openness["reason"] == {"code": "tier_structured", "message": (
        "Structured data: tier = the lowest of access (3), granularity (2) and format (2) = 2")}
    thai = score(datasets, [record("granularity", 3, dataset="d1")])["datasets"][0]
    assert thai["openness"]["criteria"]["granularity"]["reason"]["message"] == \
        "ผู้ประเมินกำหนดระดับ 3"


def test_criterion_overrides_follow_the_structured_tier_rule_setting():
    datasets = [public_dataset(**MISSION)]      # access 1, granularity 2, format 3
    report = score_organization(organization(), datasets, fiscal_year=FY,
                                today=date(2022, 3, 1), rules=Rules(structured_tier="max"),
                                catalog_url=SITE, assessments=[record("format", 0, dataset="d1")],
                                lang="en")
    openness = report["datasets"][0]["openness"]
    assert openness["tier"] == 2                # max(1, 2, 0)
    assert openness["reason"]["message"] == (
        "Structured data: tier = the highest of access (1), granularity (2) and format (0) = 2")


def test_an_access_override_of_unstructured_data_is_its_tier():
    pdf = public_dataset(resources=[{"url": "https://x.go.th/a.pdf", "format": "PDF"}], **MISSION)
    openness = score([pdf], [record("access", 2, dataset="d1")],
                     lang="en")["datasets"][0]["openness"]
    assert openness["tier"] == 2
    assert openness["reason"] == {"code": "tier_unstructured", "message": (
        "Unstructured data (documents) with searchable text: tier = access tier = 2")}


def test_a_searchable_text_confirmation_of_structured_data_changes_nothing():
    datasets = [public_dataset(**MISSION)]
    computed = score(datasets, [], lang="en")["datasets"][0]["openness"]
    report = score(datasets, [record("searchable_text", False, dataset="d1")], lang="en")
    assert report["datasets"][0]["openness"]["tier"] == computed["tier"] == 1
    assert report["datasets"][0]["openness"]["reason"] == computed["reason"]


def test_granularity_of_unstructured_data_does_not_apply():
    pdf = public_dataset(resources=[{"url": "https://x.go.th/a.pdf", "format": "PDF"}], **MISSION)
    report = score([pdf], [record("granularity", 3, dataset="d1")])
    item = report["assessments"][0]
    assert item["applies"] is False and item["computed"] is None
    assert report["datasets"][0]["openness"]["tier"] == 1


def test_dataset_tier_override_is_the_last_word():
    datasets = [public_dataset(**MISSION)]
    report = score(datasets, [record("access", 3, dataset="d1"),
                              record("openness", 0, dataset="d1")])
    assert report["datasets"][0]["openness"]["tier"] == 0
    assert report["datasets"][0]["openness"]["reason"]["code"] == "assessor_tier"
    assert report["parts"]["openness"]["points"] == 0.0


def test_complete_override_changes_the_metadata_part():
    datasets = [complete_dataset(id="a", **MISSION), complete_dataset(id="b", data_source="")]
    assert score(datasets, [])["parts"]["metadata"]["points"] == 7.5
    report = score(datasets, [record("complete", True, dataset="b")])
    assert report["parts"]["metadata"]["points"] == 15.0
    assert report["parts"]["metadata"]["complete"] == 2
    assert report["datasets"][1]["missing"] == ["data_source"]   # the catalog's view is kept
    assert report["datasets"][1]["complete"] is True
    assert report["computed"]["parts"]["metadata"] == 7.5


def test_organization_overrides_basic_catalog_and_use():
    datasets = [complete_dataset()]              # no mission: basic fails
    computed = score(datasets, [], org=organization(catalog_url="not a url"))
    assert computed["score"] == 0.0
    report = score(datasets, [record("basic", True), record("catalog", True),
                              record("use", True, note="รายงานการใช้ประโยชน์")],
                   org=organization(catalog_url="not a url"))
    assert report["parts"]["basic"]["passed"] is True
    assert report["parts"]["catalog"]["points"] == 10.0
    assert report["parts"]["use"]["points"] == 5.0
    assert report["score"] == 50 + 15 + 10 + 5
    assert report["computed"]["score"] == 0.0
    basic = report["parts"]["basic"]
    assert basic["assessment"]["computed"] is False and basic["assessment"]["value"] is True
    assert basic["reasons"][0]["code"] == "assessor_override"
    assert report["parts"]["use"]["reasons"][0]["message"].endswith("รายงานการใช้ประโยชน์")


def test_a_catalog_override_keeps_the_catalogs_own_reason_after_the_assessors():
    """The reasons say what the catalog holds, whichever way an assessor
    decided: a valid URL overridden to "no" is not called invalid."""
    valid = organization(catalog_url="https://catalog.example.go.th")
    report = score([complete_dataset(**MISSION)], [record("catalog", False, note="ปิดปรับปรุง")],
                   org=valid)
    part = report["parts"]["catalog"]
    assert part["points"] == 0.0 and report["computed"]["parts"]["catalog"] == 10.0
    assert [r["code"] for r in part["reasons"]] == ["assessor_override", "catalog_url_ok"]
    assert part["reasons"][1]["message"] == (
        "มีระบบบัญชีข้อมูลของหน่วยงาน: https://catalog.example.go.th")
    invalid = organization(catalog_url="not a url")
    report = score([complete_dataset(**MISSION)], [record("catalog", True)], org=invalid)
    part = report["parts"]["catalog"]
    assert part["points"] == 10.0
    assert [r["code"] for r in part["reasons"]] == ["assessor_override", "catalog_url_invalid"]


def test_use_evidence_of_a_dataset():
    datasets = [public_dataset(**MISSION)]
    assert score(datasets, [])["parts"]["use"]["points"] == 0.0
    report = score(datasets, [record("use_evidence", True, dataset="d1")])
    assert report["parts"]["use"]["points"] == 5.0


def test_confirmation_changes_nothing_and_flags_a_later_change():
    datasets = [public_dataset(**MISSION)]
    report = score(datasets, [record("access", 1, dataset="d1", action="confirm")])
    assert report["score"] == report["computed"]["score"]
    item = report["datasets"][0]["assessments"]["access"]
    assert item["reason"]["code"] == "assessor_confirmed" and item["changed"] is False
    changed = score(datasets, [record("access", 2, dataset="d1", action="confirm")])
    assert changed["datasets"][0]["assessments"]["access"]["changed"] is True


def test_the_newest_record_counts_and_deleting_it_brings_back_the_one_before():
    old = record("catalog", False, created="2026-11-01T10:00:00")
    new = record("catalog", True, created="2026-11-02T10:00:00")
    org = organization(catalog_url="")
    report = score_organization(org, [complete_dataset(**MISSION)], fiscal_year=FY,
                                today=date(2022, 3, 1), rules=Rules(), catalog_url=None,
                                assessments=[new, old])
    assert report["parts"]["catalog"]["points"] == 10.0
    report = score_organization(org, [complete_dataset(**MISSION)], fiscal_year=FY,
                                today=date(2022, 3, 1), rules=Rules(), catalog_url=None,
                                assessments=[old, dict(new, deleted="2026-11-03T00:00:00")])
    assert report["parts"]["catalog"]["points"] == 0.0
    assert [a["id"] for a in report["assessments"]] == [old["id"]]


def test_the_public_view_ignores_overrides():
    datasets = [public_dataset(**MISSION)]
    report = score(datasets, [record("single_source_of_truth", True, dataset="d1")],
                   public_only=True)
    assert report["parts"]["openness"]["points"] == 6.0
    assert "assessments" not in report


def test_records_of_datasets_outside_the_basket_do_not_apply():
    report = score([complete_dataset(**MISSION)], [record("complete", False, dataset="gone")])
    assert report["assessments"][0]["applies"] is False
    assert report["parts"]["metadata"]["points"] == 15.0


def test_unreadable_records_are_skipped_not_fatal():
    datasets = [complete_dataset(**MISSION)]
    report = score(datasets, [record("access", "high", dataset="d1"),
                              record("no-such-criterion", 1), "not a dict"])
    assert report["score"] == report["computed"]["score"]


@pytest.mark.parametrize("criterion,value,expected", [
    ("access", 2, 2), ("access", "3", 3), ("openness", 0, 0),
    ("complete", "true", True), ("complete", "ไม่ผ่าน", False), ("basic", 1, True),
    ("use", False, False),
])
def test_parse_value(criterion, value, expected):
    assert assessment.parse_value(criterion, value) == expected


@pytest.mark.parametrize("criterion,value", [
    ("access", 4), ("access", -1), ("access", True), ("access", "two"), ("access", 1.5),
    ("complete", "maybe"), ("complete", 2), ("basic", None),
])
def test_parse_value_rejects(criterion, value):
    with pytest.raises(ValueError):
        assessment.parse_value(criterion, value)


def test_every_criterion_has_a_part_a_level_and_labels():
    for criterion in assessment.CRITERIA:
        assert assessment.part_of(criterion) in ("basic_standard", "advanced")
        assert assessment.level_of(criterion) in ("organization", "dataset")
        assert assessment.criterion_label(criterion, "th") != assessment.criterion_label(
            criterion, "en")


@pytest.mark.parametrize("criterion,value,lang,shown", [
    ("access", 2, "th", "ระดับ 2"), ("openness", 0, "en", "tier 0"),
    ("complete", True, "th", "ผ่าน"), ("complete", False, "th", "ไม่ผ่าน"),
    ("use", True, "en", "yes"), ("basic", False, "en", "no"), ("catalog", None, "th", "-"),
    ("format", None, "en", "-"), ("access", 3, "th_TH", "ระดับ 3"), ("use", True, "fr", "yes"),
])
def test_value_text_is_what_the_pages_show(criterion, value, lang, shown):
    assert assessment.value_text(criterion, value, lang) == shown


def test_each_record_is_reported_beside_its_computed_value_in_thai():
    """The report's ``assessments``: the records that count, the organization's first,
    each with its label, part, parsed value, computed value and the assessor's reason
    in Thai (kpi-rules.md: every override carries who set it, from what, and why)."""
    datasets = [public_dataset(**MISSION)]      # access 1, granularity 2, format 3
    report = score(datasets, [
        record("access", "3", dataset="d1", user="dga-assessor"),
        record("format", "high", dataset="d1"),
        record("use", True, action="confirm", user="", note=""),
    ])
    assert report["assessments"] == [
        {"id": "r-use-2026-11-01T10:00:00", "dataset": None, "criterion": "use",
         "label": "มีการนำข้อมูลไปใช้ประโยชน์", "part": "advanced", "action": "confirm",
         "value": True, "computed": False, "applies": True, "changed": True, "note": "",
         "user": "", "created": "2026-11-01T10:00:00",
         "reason": {"code": "assessor_confirmed",
                    "message": "ผู้ประเมิน - ยืนยัน “มีการนำข้อมูลไปใช้ประโยชน์”: ผ่าน"}},
        {"id": "r-access-2026-11-01T10:00:00", "dataset": "d1", "criterion": "access",
         "label": "การเข้าถึงข้อมูล", "part": "advanced", "action": "override", "value": 3,
         "computed": 1, "applies": True, "changed": False, "note": "เอกสารหลักฐาน",
         "user": "dga-assessor", "created": "2026-11-01T10:00:00",
         "reason": {"code": "assessor_override",
                    "message": "ผู้ประเมิน dga-assessor กำหนด “การเข้าถึงข้อมูล” เป็น ระดับ 3 "
                               "(ค่าจากระบบ: ระดับ 1): เอกสารหลักฐาน"}},
        {"id": "r-format-2026-11-01T10:00:00", "dataset": "d1", "criterion": "format",
         "label": "รูปแบบไฟล์", "part": "advanced", "action": "override", "value": None,
         "computed": 3, "applies": True, "changed": False, "note": "เอกสารหลักฐาน",
         "user": "nso-assessor", "created": "2026-11-01T10:00:00",
         "reason": {"code": "assessor_override",
                    "message": "ผู้ประเมิน nso-assessor กำหนด “รูปแบบไฟล์” เป็น - "
                               "(ค่าจากระบบ: ระดับ 3): เอกสารหลักฐาน"}},
    ]
    use = report["parts"]["use"]
    assert use["assessment"] is report["assessments"][0]
    assert [r["code"] for r in use["reasons"]] == ["assessor_confirmed", "use_no_evidence"]
    entry = report["datasets"][0]
    assert entry["assessments"] == {"access": report["assessments"][1],
                                    "format": report["assessments"][2]}
    # the unreadable format override changes nothing; the access one sets the criterion
    criteria = entry["openness"]["criteria"]
    assert criteria["access"] == {"tier": 3, "reason": {"code": "assessor_tier",
                                                        "message": "ผู้ประเมินกำหนดระดับ 3"}}
    assert criteria["format"]["reason"]["code"] == "format_open"
    assert report["computed"] == {
        "score": 81.0, "level": "standard",
        "parts": {"basic": 50.0, "metadata": 15.0, "catalog": 10.0, "openness": 6.0,
                  "use": 0.0}}
    assert (report["score"], report["level"]) == (87.0, "standard")


def test_the_thai_reason_of_access_and_format_overrides():
    datasets = [public_dataset(**MISSION)]      # access 1, granularity 2, format 3
    openness = score(datasets, [record("access", 3, dataset="d1"),
                                record("format", 2, dataset="d1")])["datasets"][0]["openness"]
    assert openness["criteria"]["access"]["reason"] == {
        "code": "assessor_tier", "message": "ผู้ประเมินกำหนดระดับ 3"}
    assert openness["criteria"]["format"]["reason"] == {
        "code": "assessor_tier", "message": "ผู้ประเมินกำหนดระดับ 2"}
    assert openness["reason"] == {"code": "tier_structured", "message": (
        "ข้อมูลมีโครงสร้าง: ระดับ = ค่าต่ำสุดของการเข้าถึง (3) ความละเอียด (2) "
        "และรูปแบบ (2) = 2")}


def test_an_organization_override_in_english_leads_its_parts_reasons():
    report = score([complete_dataset(**MISSION)],
                   [record("catalog", False, note=None, user=None)], lang="en")
    catalog = report["parts"]["catalog"]
    assert catalog["points"] == 0.0 and catalog["passed"] is False
    item = catalog["assessment"]
    assert (item["label"], item["part"], item["value"], item["computed"], item["note"],
            item["user"], item["dataset"]) == (
        "The organization's catalog URL", "basic_standard", False, True, "", None, None)
    assert catalog["reasons"][0] == item["reason"] == {
        "code": "assessor_override",
        "message": "Assessor - set “The organization's catalog URL” to no (computed: yes): -"}
    assert report["assessments"] == [item]
    assert report["computed"]["parts"]["catalog"] == 10.0
    assert report["computed"]["score"] - report["score"] == 10.0


def test_a_confirmation_in_english_names_the_tier():
    datasets = [public_dataset(**MISSION)]
    report = score(datasets, [record("format", 2, dataset="d1", action="confirm",
                                     user="dga")], lang="en")
    item = report["datasets"][0]["assessments"]["format"]
    assert (item["value"], item["computed"], item["changed"]) == (2, 3, True)
    assert item["reason"] == {"code": "assessor_confirmed",
                              "message": "Assessor dga confirmed “Format”: tier 2"}
    assert report["score"] == report["computed"]["score"]


def test_the_thai_reasons_of_unstructured_scanned_and_tier_overrides():
    pdf = public_dataset(resources=[{"url": "https://x.go.th/a.pdf", "format": "PDF"}], **MISSION)

    def reason_of(*records):
        return score([pdf], list(records))["datasets"][0]["openness"]["reason"]

    assert reason_of(record("access", 2, dataset="d1")) == {
        "code": "tier_unstructured",
        "message": "ข้อมูลไม่มีโครงสร้าง (เอกสาร) ที่สืบค้นเนื้อความได้: ระดับ = ระดับการเข้าถึง = 2"}
    assert reason_of(record("searchable_text", False, dataset="d1")) == {
        "code": "tier_scanned_image",
        "message": "ผู้ประเมินบันทึกว่าไฟล์เป็นภาพสแกนที่สืบค้นเนื้อความไม่ได้: ระดับ 0"}
    assert reason_of(record("openness", 0, dataset="d1")) == {
        "code": "assessor_tier", "message": "ผู้ประเมินกำหนดระดับ 0"}


def test_every_criterion_counts_in_a_recomputed_structured_tier():
    datasets = [public_dataset(**MISSION)]      # access 1, granularity 2, format 3
    lowest_access = score(datasets, [record("access", 0, dataset="d1")])
    assert lowest_access["datasets"][0]["openness"]["tier"] == 0
    assert lowest_access["parts"]["openness"]["points"] == 0.0
    lowest_format = score(datasets, [record("access", 3, dataset="d1"),
                                     record("format", 1, dataset="d1")])
    assert lowest_format["datasets"][0]["openness"]["tier"] == 1
    assert lowest_format["datasets"][0]["openness"]["reason"]["message"] == (
        "ข้อมูลมีโครงสร้าง: ระดับ = ค่าต่ำสุดของการเข้าถึง (3) ความละเอียด (2) และรูปแบบ (1) = 1")


def test_an_override_of_another_criterion_leaves_the_openness_as_computed():
    private = [public_dataset(private=True, **MISSION)]      # structured, not published
    computed = score(private, [])["datasets"][0]["openness"]
    report = score(private, [record("complete", True, dataset="d1")])
    assert report["datasets"][0]["openness"] == computed
    assert computed["tier"] == 0 and computed["reason"] == {
        "code": "not_published_private",
        "message": "ชุดข้อมูลเป็นแบบส่วนตัว (private) จึงยังไม่เผยแพร่"}


@pytest.mark.parametrize("criterion,value,expected", [
    ("access", 2.0, 2), ("access", " 3 ", 3), ("complete", 0, False), ("complete", 1, True),
    ("complete", " Yes ", True), ("single_source_of_truth", "ใช่", True),
])
def test_parse_value_reads_whole_floats_text_and_zero(criterion, value, expected):
    assert assessment.parse_value(criterion, value) == expected


@pytest.mark.parametrize("criterion,value,code", [
    ("access", True, "assessment_bad_tier"), ("access", "two", "assessment_bad_tier"),
    ("access", None, "assessment_bad_tier"), ("access", 1.5, "assessment_bad_tier"),
    ("openness", 4, "assessment_bad_tier"), ("complete", "maybe", "assessment_bad_bool"),
    ("use", 2, "assessment_bad_bool"), ("basic", [True], "assessment_bad_bool"),
])
def test_an_unreadable_value_names_its_message_code(criterion, value, code):
    with pytest.raises(ValueError) as error:
        assessment.parse_value(criterion, value)
    assert error.value.args == (code,)


def test_a_single_source_override_can_also_withdraw_the_declaration():
    declared = [public_dataset(single_source_of_truth="True", **MISSION)]   # tier 2
    report = score(declared, [record("single_source_of_truth", False, dataset="d1")])
    assert report["datasets"][0]["openness"]["tier"] == 1
    assert report["parts"]["openness"]["points"] == 6.0
    assert report["computed"]["parts"]["openness"] == 12.0
    item = report["assessments"][0]
    assert (item["value"], item["computed"], item["applies"]) == (False, True, True)
    assert item["reason"]["message"] == (
        "ผู้ประเมิน nso-assessor กำหนด “แหล่งข้อมูลต้นทางที่ถูกต้องเชื่อถือได้ (single source of "
        "truth)” เป็น ไม่ผ่าน (ค่าจากระบบ: ผ่าน): เอกสารหลักฐาน")


def test_the_computed_value_beside_each_dataset_criterion():
    public = public_dataset(**MISSION)          # tier 1, structured, no use evidence
    report = score([public, complete_dataset(id="b", data_source="", **MISSION)], [
        record("openness", 2, dataset="d1"), record("use_evidence", True, dataset="d1"),
        record("searchable_text", False, dataset="d1"), record("complete", True, dataset="b"),
        record("complete", True, dataset="d1")])
    computed = {(a["dataset"], a["criterion"]): (a["computed"], a["applies"])
                for a in report["assessments"]}
    assert computed == {
        ("d1", "openness"): (1, True), ("d1", "use_evidence"): (False, True),
        ("d1", "searchable_text"): (None, False),        # structured data: no gate
        ("b", "complete"): (False, True), ("d1", "complete"): (True, True)}


def test_records_that_do_not_fit_apply_to_nothing():
    """A dataset criterion without a dataset, an organization criterion named on a
    dataset, a dataset of the organization outside the basket: shown, not applied."""
    datasets = [public_dataset(**MISSION), complete_dataset(id="old", kpi_years=[2564])]
    report = score(datasets, [record("openness", 0, action="confirm"),
                              record("use", True, dataset="d1"),
                              record("complete", False, dataset="old")])
    assert [(a["dataset"], a["criterion"], a["computed"], a["applies"])
            for a in report["assessments"]] == [
        (None, "openness", None, False), ("d1", "use", None, False),
        ("old", "complete", None, False)]
    assert report["score"] == report["computed"]["score"]
    assert "assessment" not in report["parts"]["use"]
    assert [r["code"] for r in report["parts"]["use"]["reasons"]] == ["use_no_evidence"]
    assert report["datasets"][0]["assessments"]["use"]["criterion"] == "use"


def test_the_newest_record_counts_whatever_the_order_and_junk_around_it():
    old = record("catalog", False, created="2026-11-01T10:00:00")
    new = record("catalog", True, created="2026-11-02T10:00:00")
    undated = record("catalog", False, created=None)
    same_time = dict(record("catalog", False, created="2026-11-02T10:00:00"), id="r-same")
    key = ("", "catalog")
    assert assessment.current([old, new])[key] is new
    assert assessment.current([new, old])[key] is new
    assert assessment.current([undated, old])[key] is old
    assert assessment.current([old, undated])[key] is old
    assert assessment.current([new, same_time])[key] is same_time   # same time: the later
    junk = [dict(new, deleted="2026-11-03T00:00:00"), record("no-such-criterion", True),
            record("catalog", True, action="delete")]
    assert assessment.current(junk + [old]) == {key: old}


def test_value_text_defaults_to_thai_and_an_unknown_criterion_is_yes_or_no():
    assert assessment.value_text("complete", True) == "ผ่าน"
    assert assessment.value_text("no-such-criterion", False, "en") == "no"


def test_criterion_labels_default_to_thai_and_name_an_unknown_criterion():
    assert assessment.criterion_label("use") == "มีการนำข้อมูลไปใช้ประโยชน์"
    assert assessment.criterion_label("no-such-criterion", "en") == "no-such-criterion"
