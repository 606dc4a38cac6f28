"""Scoring one organization: the seed's worked example, levels, rounding, views."""
from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from ckanext.opdc_kpi.scoring import Rules, score_organization, score_row, score_rows
from ckanext.opdc_kpi.scoring.model import DEFAULT_FORMAT_MAP, round_points
from tests.scoring._data import complete_dataset, organization, public_dataset

TODAY = date(2022, 3, 1)
FY = 2565
SITE = "https://catalog.example.go.th"


def score(datasets, org=None, rules=None, catalog_url=SITE, **kwargs):
    return score_organization(org if org is not None else organization(), datasets,
                              fiscal_year=FY, today=TODAY, rules=rules or Rules(),
                              catalog_url=catalog_url, **kwargs)


def basket(n, complete=None, public=0, mission=1, **extra):
    """n basket datasets: the first ``complete`` complete, the first
    ``public`` public-category, the first ``mission`` with mission + work process."""
    complete = n if complete is None else complete
    out = []
    for i in range(n):
        make = public_dataset if i < public else complete_dataset
        values = dict(id=f"d{i}", name=f"dataset-{i}", **extra)
        if i >= complete:
            values["data_source"] = ""              # 13 items
            if i % 2:
                values["maintainer_email"] = "x"    # 12 valid items
        if i < mission:
            values.update(mission="ภารกิจด้านพัฒนาการให้บริการประชาชน",
                          work_process="ขับเคลื่อนการให้บริการภาครัฐ")
        out.append(make(**values))
    return out


# --- the seed's worked example -----------------------------------------------------------

def test_worked_example_of_the_seed():
    report = score(basket(6, complete=4), org=organization(catalog_url="https://data.opdc.go.th"))
    parts = report["parts"]
    assert parts["metadata"] == {
        "passed": False, "points": 10.0, "max": 15, "complete": 4, "total": 6,
        "reasons": parts["metadata"]["reasons"]}
    assert parts["catalog"]["points"] == 10.0
    assert parts["catalog"]["url"] == "https://data.opdc.go.th"
    assert parts["basic"]["passed"] and parts["basic"]["points"] == 50
    assert parts["openness"]["points"] == 0.0 and parts["openness"]["public"] == 0
    assert parts["use"]["points"] == 0.0
    assert report["score"] == 70.0
    assert report["level"] == "basic"
    assert [d["complete"] for d in report["datasets"]] == [True] * 4 + [False] * 2
    assert report["datasets"][4]["missing"] == ["data_source"]
    assert report["datasets"][5]["missing"] == ["data_source"]
    assert set(report["datasets"][5]["invalid"]) == {"maintainer_email"}
    assert parts["metadata"]["reasons"][0]["code"] == "metadata_complete"
    assert "4 จาก 6" in parts["metadata"]["reasons"][0]["message"]


def test_report_shape_of_api_md():
    report = score(basket(2, public=1))
    assert {"organization", "fiscal_year", "score", "level", "parts", "datasets"} <= set(report)
    assert report["organization"] == {"id": "org-1", "name": "opdc", "title": "สำนักงาน ก.พ.ร."}
    assert report["fiscal_year"] == FY
    parts = report["parts"]
    assert {"passed", "points", "reasons"} <= set(parts["basic"])
    assert {"points", "max", "complete", "total"} <= set(parts["metadata"])
    assert {"points", "max", "url"} <= set(parts["catalog"])
    assert {"points", "max", "public", "published"} <= set(parts["openness"])
    assert {"points", "max"} <= set(parts["use"])
    for part in parts.values():
        for reason in part["reasons"]:
            assert set(reason) == {"code", "message"} and reason["message"]
    public, other = report["datasets"]
    assert {"id", "name", "title", "private", "data_category", "complete", "missing", "invalid",
            "openness", "in_previous_year"} <= set(public)
    assert set(public["openness"]) >= {"tier", "points", "structured", "criteria"}
    assert set(public["openness"]["criteria"]) == {"access", "granularity", "format"}
    for criterion in public["openness"]["criteria"].values():
        assert set(criterion) == {"tier", "reason"} and set(criterion["reason"]) == {"code",
                                                                                     "message"}
    assert other["openness"] is None                 # not public category: not scored


def test_kpi_rules_checks_through_the_engine():
    report = score(basket(1, public=1))
    assert report["datasets"][0]["openness"]["tier"] == 1
    assert report["datasets"][0]["openness"]["points"] == 6.0
    assert report["parts"]["openness"]["points"] == 6.0
    report = score(basket(1, public=1, single_source_of_truth="True"))
    assert report["datasets"][0]["openness"]["tier"] == 2
    assert report["parts"]["openness"]["points"] == 12.0
    criteria = report["datasets"][0]["openness"]["criteria"]
    assert [criteria[c]["tier"] for c in ("access", "granularity", "format")] == [2, 2, 3]


# --- levels ---------------------------------------------------------------------------------

def test_standard_level():
    report = score(basket(3))
    assert (report["score"], report["level"]) == (75.0, "standard")


def _advanced_datasets():
    ds = {"url": "https://x/a.csv", "format": "CSV", "datastore_active": True}
    return basket(2, public=2, single_source_of_truth="True", resources=[ds],
                  use_case_url="https://dash.example.go.th",
                  use_case_description="ลดเวลาบริการลง 30%")


def test_advanced_level():
    report = score(_advanced_datasets())
    assert report["parts"]["openness"]["points"] == 20.0
    assert report["parts"]["use"]["points"] == 5.0
    assert (report["score"], report["level"]) == (100.0, "advanced")


def test_advanced_points_count_below_standard():
    datasets = _advanced_datasets()
    datasets[1]["data_source"] = ""
    report = score(datasets, catalog_url="not a url")
    assert report["parts"]["metadata"]["points"] == 7.5
    assert report["parts"]["catalog"]["points"] == 0.0
    assert (report["score"], report["level"]) == (82.5, "basic")


def test_all_four_at_max_but_not_standard_is_impossible_without_catalog():
    report = score(_advanced_datasets(), catalog_url=None, org=organization(catalog_url=""))
    assert report["parts"]["catalog"]["reasons"][0]["code"] == "catalog_url_missing"
    assert report["level"] == "basic"


# --- basic failing ----------------------------------------------------------------------------

def test_no_focus_area_fails_basic_but_parts_still_report():
    report = score(basket(3), org=organization(focus_areas=[]))
    assert report["score"] == 0.0 and report["level"] is None
    assert report["parts"]["basic"]["passed"] is False
    assert [r["code"] for r in report["parts"]["basic"]["reasons"]] == ["no_focus_area",
                                                                        "basket_empty"]
    assert report["parts"]["catalog"]["points"] == 10.0       # still reported
    assert report["datasets"] == []                            # no focus area, no basket


def test_no_mission_fails_basic_and_parts_still_report():
    report = score(basket(3, mission=0))
    assert (report["score"], report["level"]) == (0.0, None)
    assert [r["code"] for r in report["parts"]["basic"]["reasons"]] == ["no_mission_work_process"]
    assert report["parts"]["metadata"]["points"] == 15.0
    assert report["parts"]["catalog"]["points"] == 10.0


def test_parts_report_zero_when_configured():
    report = score(basket(3, mission=0), rules=Rules(report_parts_when_basic_fails=False))
    assert report["score"] == 0.0
    for part in ("metadata", "catalog", "openness", "use"):
        assert report["parts"][part]["points"] == 0.0
        assert report["parts"][part]["reasons"][0]["code"] == "basic_failed"
    assert report["parts"]["metadata"]["complete"] == 3          # details still shown


def test_empty_basket():
    report = score([])
    assert report["parts"]["metadata"]["points"] == 0.0
    assert report["parts"]["metadata"]["reasons"][0]["code"] == "metadata_empty_basket"
    assert report["parts"]["openness"]["reasons"][0]["code"] == "openness_no_public"
    assert (report["score"], report["level"], report["datasets"]) == (0.0, None, [])
    assert "basket_empty" in [r["code"] for r in report["parts"]["basic"]["reasons"]]


# --- the basket -----------------------------------------------------------------------------

def test_basket_membership():
    datasets = basket(1) + [
        complete_dataset(id="draft", state="draft"),
        complete_dataset(id="deleted", state="deleted"),
        complete_dataset(id="other-year", kpi_years=[2564]),
        complete_dataset(id="no-year", kpi_years=[]),
        complete_dataset(id="other-focus", focus_area="health"),
        complete_dataset(id="other-org", owner_org="org-2"),
        complete_dataset(id="strings", kpi_years="2564,2565"),
        complete_dataset(id="private", private=True),
    ]
    ids = [d["id"] for d in score(datasets)["datasets"]]
    assert ids == ["d0", "strings", "private"]


def test_public_only_never_lists_a_private_dataset():
    datasets = basket(3, public=1)
    datasets[0]["private"] = True           # the public-category one
    datasets[1]["private"] = True           # the one with mission + work process? no: d0 has it
    full = score(datasets)
    public = score(datasets, public_only=True)
    assert {d["id"] for d in full["datasets"]} == {"d0", "d1", "d2"}
    assert [d["id"] for d in public["datasets"]] == ["d2"]
    assert all(not d["private"] for d in public["datasets"])
    assert public["parts"]["metadata"]["total"] == 1
    assert public["parts"]["openness"]["public"] == 0
    assert public["level"] is None          # d0 held the mission: basic fails in public view


def test_previous_year_flag():
    datasets = basket(2)
    datasets[1]["kpi_years"] = [2564, 2565]
    assert [d["in_previous_year"] for d in score(datasets)["datasets"]] == [False, True]


def test_openness_scope_catalog_counts_datasets_outside_the_basket():
    outside = public_dataset(id="old", kpi_years=[2564], single_source_of_truth="True")
    datasets = basket(1) + [outside]
    assert score(datasets)["parts"]["openness"]["public"] == 0
    report = score(datasets, rules=Rules(openness_scope="catalog"))
    assert report["parts"]["openness"]["public"] == 1
    assert report["parts"]["openness"]["points"] == 12.0
    assert [d["id"] for d in report["datasets"]] == ["d0"]      # the basket only


def test_published_count_and_mean():
    datasets = basket(3, public=3)
    datasets[1]["private"] = True
    datasets[2]["resources"] = []
    report = score(datasets)
    assert report["parts"]["openness"]["public"] == 3
    assert report["parts"]["openness"]["published"] == 1
    assert report["parts"]["openness"]["points"] == 2.0        # (6 + 0 + 0) / 3


# --- arithmetic ---------------------------------------------------------------------------------

def test_rounding_of_thirds():
    report = score(basket(3, complete=2))
    assert report["parts"]["metadata"]["points"] == 10.0       # 15 × 2/3
    tier3 = {"url": "https://x/a.csv", "format": "CSV", "datastore_active": True}
    datasets = basket(3, public=3)
    datasets[0].update(single_source_of_truth="True", resources=[tier3])
    datasets[1]["private"] = True
    datasets[2]["resources"] = []
    report = score(datasets)
    assert report["parts"]["openness"]["points"] == 6.67       # 20 × 1/3


def test_score_is_rounded_from_the_exact_sum():
    # metadata 15 × 1/8 = 1.875 -> 1.88; openness 20/3 = 6.666.. -> 6.67;
    # exact 50 + 10 + 8.541.. = 68.54, while the rounded parts would add up to 68.55
    tier3 = {"url": "https://x/a.csv", "format": "CSV", "datastore_active": True}
    datasets = basket(8, complete=1, public=3)
    datasets[0].update(single_source_of_truth="True", resources=[tier3])
    datasets[1]["private"] = True
    datasets[2]["resources"] = []
    report = score(datasets)
    parts = report["parts"]
    assert (parts["metadata"]["points"], parts["openness"]["points"]) == (1.88, 6.67)
    assert report["score"] == round_points(50 + 10 + Fraction(15, 8) + Fraction(20, 3)) == 68.54
    assert round(50 + 10 + 1.88 + 6.67, 2) == 68.55


def test_points_are_floats():
    report = score(basket(3, complete=2))
    for name in ("basic", "metadata", "catalog", "openness", "use"):
        assert isinstance(report["parts"][name]["points"], float)
    assert isinstance(report["score"], float)


# --- language, rows -----------------------------------------------------------------------------

def test_reasons_in_the_requested_language():
    th = score(basket(1), lang="th")["parts"]["basic"]["reasons"][0]
    en = score(basket(1), lang="en")["parts"]["basic"]["reasons"][0]
    fr = score(basket(1), lang="fr")["parts"]["basic"]["reasons"][0]
    assert th["code"] == en["code"] == "basic_passed"
    assert "ผ่านขั้นต้น" in th["message"] and en["message"].startswith("Basic level passed")
    assert fr == en
    report = score(basket(2, complete=1), lang="en")
    assert report["datasets"][1]["missing"] == ["data_source"]


def test_invalid_messages_in_the_language():
    report = score(basket(1, maintainer_email="x"), lang="en")
    assert report["datasets"][0]["invalid"] == {
        "maintainer_email": "Contact e-mail: “x” is not a valid e-mail address"}


def test_score_row():
    report = score(basket(6, complete=4))
    assert score_row(report) == {
        "organization": {"id": "org-1", "name": "opdc", "title": "สำนักงาน ก.พ.ร."},
        "score": 70.0, "level": "basic",
        "parts": {"basic": 50.0, "metadata": 10.0, "catalog": 10.0, "openness": 0.0,
                  "use": 0.0},
        "basket": 6}


def test_score_row_shows_the_computed_score_beside_an_overridden_one():
    report = {"organization": {"id": "o"}, "score": 75.0, "level": "standard",
              "parts": {"basic": {"points": 50.0}, "metadata": {"points": 15.0, "total": 3}},
              "computed": {"score": 0.0}}
    assert score_row(report) == {
        "organization": {"id": "o"}, "score": 75.0, "level": "standard",
        "parts": {"basic": 50.0, "metadata": 15.0, "catalog": 0.0, "openness": 0.0,
                  "use": 0.0},
        "basket": 3, "computed_score": 0.0}
    unchanged = dict(report, computed={"score": 75.0})
    assert "computed_score" not in score_row(unchanged)


def test_score_rows_are_the_rows_of_the_full_reports():
    """The list's figures-only pass gives each organization the row of its full report,
    in the order given, in either view, with or without assessors' records."""
    mission = dict(mission="ภารกิจ", work_process="กระบวนการ")
    first = basket(6, complete=4, public=2)
    second = [public_dataset(id="p1", name="p1", owner_org="org-2", **mission),
              complete_dataset(id="c2", name="c2", owner_org="org-2", private=True,
                               data_source="")]
    other_org = organization(id="org-2", name="other", catalog_url="")
    records = [{"id": "r1", "dataset": "p1", "criterion": "single_source_of_truth",
                "action": "override", "value": True, "user": "nso", "note": "",
                "created": "2026-11-01T10:00:00", "deleted": None}]
    inputs = [(organization(), first, None), (other_org, second, records),
              (other_org, second, [])]
    for public_only in (False, True):
        rows = score_rows(inputs, fiscal_year=FY, today=TODAY, rules=Rules(),
                          catalog_url=None, lang="en", public_only=public_only)
        expected = [score_row(score_organization(
            org, datasets, fiscal_year=FY, today=TODAY, rules=Rules(), catalog_url=None,
            lang="en", public_only=public_only, assessments=assessments))
            for org, datasets, assessments in inputs]
        assert rows == expected
        assert [r["organization"]["name"] for r in rows] == ["opdc", "other", "other"]
    # the records count in the full view only
    full = score_rows(inputs, fiscal_year=FY, today=TODAY, rules=Rules(), catalog_url=None)
    assert full[1]["parts"]["openness"] == 12.0 and full[2]["parts"]["openness"] == 6.0
    assert full[1]["basket"] == 2


def test_organization_focus_areas_as_text():
    for value in ('["public-administration"]', "public-administration, health"):
        report = score(basket(1), org=organization(focus_areas=value))
        assert report["parts"]["basic"]["passed"], value


@pytest.mark.parametrize("year", [2565, "2565"])
def test_fiscal_year_leniency(year):
    report = score_organization(organization(), basket(1), fiscal_year=year, today=TODAY,
                                rules=Rules(), catalog_url=SITE)
    assert report["fiscal_year"] == 2565 and report["basket"] == 1


def test_score_rows_follow_the_rules_and_the_fallback_catalog_url():
    """The list's rows use the rules and the site's catalog URL as the full reports
    do, for organizations with and without assessors' records."""
    mission = dict(mission="ภารกิจ", work_process="กระบวนการ")
    outside = public_dataset(id="old", kpi_years=[2564], single_source_of_truth="True")
    datasets = basket(2, public=1) + [outside]
    records = [{"id": "r1", "dataset": "d0", "criterion": "complete", "action": "confirm",
                "value": True, "user": "nso", "note": "", "created": "2026-11-01T10:00:00",
                "deleted": None}]
    rules = Rules(openness_scope="catalog", report_parts_when_basic_fails=False)
    inputs = [(organization(), datasets, None), (organization(), datasets, records),
              (organization(focus_areas=[]), [complete_dataset(**mission)], None),
              (organization(focus_areas=[]), [complete_dataset(**mission)], records)]
    rows = score_rows(inputs, fiscal_year=FY, today=TODAY, rules=rules, catalog_url=SITE)
    assert [(r["score"], r["parts"]["catalog"], r["parts"]["openness"]) for r in rows] == [
        (84.0, 10.0, 9.0), (84.0, 10.0, 9.0), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)]
    assert rows == [score_row(score_organization(
        org, pool, fiscal_year=FY, today=TODAY, rules=rules, catalog_url=SITE,
        assessments=assessments)) for org, pool, assessments in inputs]


def test_score_row_of_a_bare_report():
    assert score_row({}) == {
        "organization": None, "score": None, "level": None,
        "parts": {"basic": 0.0, "metadata": 0.0, "catalog": 0.0, "openness": 0.0, "use": 0.0},
        "basket": 0}
    assert score_row({"basket": 5, "parts": {"metadata": {"total": 3}}})["basket"] == 5


# --- the whole report, in Thai ----------------------------------------------------------

def test_the_whole_report_in_thai():
    """api.md's report, every part and dataset with its reasons in Thai: a public
    dataset that is the single source of truth with a use case, an incomplete one,
    and a private public-category document."""
    datasets = [
        public_dataset(id="d0", name="budget-2565", title="งบประมาณ 2565",
                       single_source_of_truth="True", mission="ภารกิจ", work_process="กระบวนการ",
                       use_case_url="https://dash.go.th/b", use_case_description="แดชบอร์ด"),
        complete_dataset(id="d1", name="plan", title="", data_source="", maintainer_email="x"),
        public_dataset(id="d2", name="docs", private=True,
                       resources=[{"url": "https://x.go.th/a.pdf", "format": "PDF"}]),
    ]
    report = score(datasets, org=organization(catalog_url="https://data.opdc.go.th"))
    private = {"code": "not_published_private",
               "message": "ชุดข้อมูลเป็นแบบส่วนตัว (private) จึงยังไม่เผยแพร่"}
    assert report == {
        "organization": {"id": "org-1", "name": "opdc", "title": "สำนักงาน ก.พ.ร."},
        "fiscal_year": 2565, "public_only": False, "focus_areas": ["public-administration"],
        "basket": 3, "score": 81.0, "level": "basic",
        "parts": {
            "basic": {"passed": True, "points": 50.0, "max": 50, "reasons": [{
                "code": "basic_passed",
                "message": "ผ่านขั้นต้น: หน่วยงานเลือก Focus Area 1 ด้าน และมีชุดข้อมูลในตะกร้า 1 "
                           "ชุดที่ระบุภารกิจและกระบวนการทำงานหลัก"}]},
            "metadata": {"passed": False, "points": 10.0, "max": 15, "complete": 2, "total": 3,
                         "reasons": [{"code": "metadata_complete",
                                      "message": "ชุดข้อมูลที่มีคำอธิบายข้อมูลครบ 14 รายการ "
                                                 "2 จาก 3 ชุด: 15 × 2/3 = 10.00 คะแนน"}]},
            "catalog": {"passed": True, "points": 10.0, "max": 10,
                        "url": "https://data.opdc.go.th",
                        "reasons": [{"code": "catalog_url_ok",
                                     "message": "มีระบบบัญชีข้อมูลของหน่วยงาน: "
                                                "https://data.opdc.go.th"}]},
            "openness": {"passed": False, "points": 6.0, "max": 20, "public": 2, "published": 1,
                         "scope": "basket",
                         "reasons": [{"code": "openness_mean",
                                      "message": "ค่าเฉลี่ยคะแนนการเปิดเผยข้อมูลของชุดข้อมูล"
                                                 "หมวดหมู่ข้อมูลสาธารณะ 2 ชุด (เผยแพร่แล้ว 1 ชุด): "
                                                 "6.00 คะแนน"}]},
            "use": {"passed": True, "points": 5.0, "max": 5, "dataset": "budget-2565",
                    "reasons": [{"code": "use_evidence",
                                 "message": "มีหลักฐานการนำข้อมูลไปใช้ประโยชน์: ชุดข้อมูล "
                                            "“งบประมาณ 2565” (https://dash.go.th/b)"}]},
        },
        "datasets": [
            {"id": "d0", "name": "budget-2565", "title": "งบประมาณ 2565", "private": False,
             "data_category": "ข้อมูลสาธารณะ", "focus_area": "public-administration",
             "complete": True, "missing": [], "invalid": {}, "in_previous_year": False,
             "openness": {
                 "tier": 2, "points": 12.0, "structured": True, "published": True,
                 "reason": {"code": "tier_structured",
                            "message": "ข้อมูลมีโครงสร้าง: ระดับ = ค่าต่ำสุดของการเข้าถึง (2) "
                                       "ความละเอียด (2) และรูปแบบ (3) = 2"},
                 "criteria": {
                     "access": {"tier": 2, "reason": {
                         "code": "access_single_source",
                         "message": "ไฟล์ข้อมูลมีลิงก์ที่ชัดเจน และกำหนดเป็นแหล่งข้อมูลต้นทางที่"
                                    "ถูกต้องเชื่อถือได้ (single source of truth)"}},
                     "granularity": {"tier": 2, "reason": {
                         "code": "granularity_detailed",
                         "message": "ข้อมูลมีรายละเอียด (หน่วยความถี่ “เดือน”, "
                                    "ขอบเขตเชิงพื้นที่ “จังหวัด”)"}},
                     "format": {"tier": 3, "reason": {
                         "code": "format_open",
                         "message": "รูปแบบไฟล์เปิดที่ใช้ได้กับซอฟต์แวร์ทั่วไป: CSV"}}}}},
            {"id": "d1", "name": "plan", "title": "plan", "private": False,
             "data_category": "ข้อมูลความลับทางราชการ", "focus_area": "public-administration",
             "complete": False, "missing": ["title", "data_source"],
             "invalid": {"maintainer_email": "อีเมลผู้ติดต่อ: “x” ไม่ใช่อีเมลที่ถูกต้อง"},
             "in_previous_year": False, "openness": None},
            {"id": "d2", "name": "docs", "title": "แผนการดำเนินงานขับเคลื่อน Biz Portal",
             "private": True, "data_category": "ข้อมูลสาธารณะ",
             "focus_area": "public-administration", "complete": True, "missing": [],
             "invalid": {}, "in_previous_year": False,
             "openness": {"tier": 0, "points": 0.0, "structured": False, "published": False,
                          "reason": private,
                          "criteria": {"access": {"tier": 0, "reason": private},
                                       "granularity": None, "format": None}}},
        ],
        "rules": {"report_parts_when_basic_fails": True, "format_map": dict(DEFAULT_FORMAT_MAP),
                  "structured_tier": "min", "openness_scope": "basket"},
    }


def test_a_failed_basic_level_in_thai_with_the_parts_at_zero():
    report = score(basket(2), org=organization(focus_areas=[], catalog_url="not a url", title=""),
                   rules=Rules(report_parts_when_basic_fails=False))
    failed = {"code": "basic_failed", "message": "ไม่ผ่านขั้นต้น จึงไม่นับคะแนนส่วนนี้"}
    assert report["organization"] == {"id": "org-1", "name": "opdc", "title": "opdc"}
    assert (report["score"], report["level"], report["basket"], report["focus_areas"]) == (
        0.0, None, 0, [])
    assert report["parts"]["basic"] == {"passed": False, "points": 0.0, "max": 50, "reasons": [
        {"code": "no_focus_area",
         "message": "หน่วยงานยังไม่ได้เลือก Focus Area อย่างน้อย 1 ด้าน (จาก 10 ด้าน)"},
        {"code": "basket_empty",
         "message": "ไม่มีชุดข้อมูลในตะกร้าปีงบประมาณ 2565 (ชุดข้อมูลที่ใช้งานอยู่ ระบุปี 2565 "
                    "ในปีงบประมาณที่ประเมินตัวชี้วัด และอยู่ใน Focus Area ของหน่วยงาน)"}]}
    assert {name: part["reasons"] for name, part in report["parts"].items() if name != "basic"} == {
        "metadata": [failed, {"code": "metadata_empty_basket",
                              "message": "ไม่มีชุดข้อมูลในตะกร้า: 0 คะแนน"}],
        "catalog": [failed, {"code": "catalog_url_invalid",
                             "message": "URL ระบบบัญชีข้อมูล “not a url” ไม่ใช่ URL "
                                        "แบบเต็มที่ขึ้นต้นด้วย http:// หรือ https://"}],
        "openness": [failed, {"code": "openness_no_public",
                              "message": "ไม่มีชุดข้อมูลหมวดหมู่ข้อมูลสาธารณะ: 0 คะแนน"}],
        "use": [failed, {"code": "use_no_evidence",
                         "message": "ไม่มีชุดข้อมูลสาธารณะที่ไม่เป็นแบบส่วนตัวในตะกร้าที่ระบุ URL "
                                    "และรายละเอียดการนำข้อมูลไปใช้ประโยชน์"}]}
    assert report["rules"]["report_parts_when_basic_fails"] is False


def test_the_public_view_without_mission_or_catalog_in_thai():
    report = score(basket(2, mission=0), catalog_url=None, public_only=True)
    assert (report["public_only"], report["score"], report["level"]) == (True, 0.0, None)
    assert report["parts"]["basic"]["reasons"] == [{
        "code": "no_mission_work_process",
        "message": "ไม่มีชุดข้อมูลในตะกร้าที่ระบุทั้งภารกิจและกระบวนการทำงานหลัก"}]
    assert report["parts"]["catalog"]["reasons"] == [{
        "code": "catalog_url_missing", "message": "ไม่ได้ระบุ URL ระบบบัญชีข้อมูลของหน่วยงาน"}]
    assert report["parts"]["metadata"]["points"] == 15.0      # still reported


def test_several_problems_of_one_field_are_joined():
    report = score(basket(1, data_format=["nonsense", "junk"]), lang="en")
    assert report["datasets"][0]["invalid"] == {"data_format": (
        "Data format: “nonsense” is not one of the allowed values; "
        "Data format: “junk” is not one of the allowed values")}
    assert report["datasets"][0]["complete"] is False


def test_lenient_input_organization_rules_and_year():
    own = complete_dataset(id="by-name", owner_org="opdc", mission="ภารกิจ",
                           work_process="กระบวนการ")
    assert [d["id"] for d in score([own])["datasets"]] == ["by-name"]   # owner by name
    report = score_organization(None, [own], fiscal_year="not a year", today=TODAY,
                                rules=None, catalog_url=SITE)
    assert (report["fiscal_year"], report["basket"], report["organization"]) == (
        0, 0, {"id": "", "name": "", "title": ""})
    assert report["rules"]["structured_tier"] == "min"


def test_use_evidence_names_a_dataset_without_title_by_its_name():
    datasets = _advanced_datasets()
    for pkg in datasets:
        pkg["title"] = ""
    reason = score(datasets, lang="en")["parts"]["use"]["reasons"][0]
    assert reason == {"code": "use_evidence",
                      "message": "Evidence of use: dataset “dataset-0” "
                                 "(https://dash.example.go.th)"}
