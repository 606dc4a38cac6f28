""""What to fix next": each fix, its points (what the score would gain) and its
message, from a report as ``opdc_kpi_score`` returns it."""
from __future__ import annotations

from ckanext.opdc_kpi.scoring import advice


def _report(basic=True, metadata_total=4, metadata=7.5, catalog=0, public=2, openness=3.0,
            use=0, datasets=()):
    return {
        "parts": {"basic": {"passed": basic},
                  "metadata": {"total": metadata_total, "points": metadata},
                  "catalog": {"points": catalog}, "openness": {"public": public,
                                                               "points": openness},
                  "use": {"points": use}},
        "datasets": list(datasets),
    }


def _open(tier, published=True, **criteria):
    return {"tier": tier, "published": published,
            "criteria": {c: {"tier": t} for c, t in criteria.items()}}


def _fixes(report, lang="en"):
    return [(f["code"], f["points"], f["dataset"]) for f in advice.next_fixes(report, lang)]


def test_what_to_fix_next_is_ordered_by_points():
    report = _report(datasets=[
        {"name": "a", "title": "ชุด ก", "complete": False, "missing": ["geo_coverage"],
         "invalid": {}, "openness": _open(1, access=1, granularity=2, format=3)},
        {"name": "b", "complete": True, "missing": [], "invalid": {},
         "openness": _open(0, published=False)},
    ])
    fixes = advice.next_fixes(report, "en")
    assert [(f["code"], f["points"], f["dataset"]) for f in fixes] == [
        ("fix_catalog", 10.0, None), ("fix_use", 5.0, None), ("fix_metadata", 3.75, "a"),
        ("fix_openness", 3.0, "a"), ("fix_publish", 3.0, "b")]
    assert [f["message"] for f in fixes] == [
        "Give the organization's data catalog URL (http/https)",
        "Add evidence of use (URL and description) to a public basket dataset",
        "Complete the 14 metadata items: Geographic coverage",
        "Raise openness from tier 1 to 2: improve the access (single source of truth / API)",
        "Publish the public data (not private, with a resource that has a URL)"]
    assert [f["title"] for f in fixes] == [None, None, "ชุด ก", "ชุด ก", None]


def test_failing_basic_gains_fifty_and_every_part_already_earned():
    """The score is 0 until basic passes: passing it gains 50 plus the parts' points."""
    fixes = advice.next_fixes(_report(basic=False, metadata=7.5, catalog=10, openness=3.0,
                                      use=5), "en")
    assert [(f["code"], f["points"], f["message"]) for f in fixes] == [(
        "fix_basic", 75.5,
        "Pass the basic level: declare the organization's focus areas and give at least one "
        "basket dataset its mission and main work process")]


def test_a_report_with_every_point_has_nothing_to_fix():
    report = _report(metadata=15, catalog=10, openness=20, use=5, datasets=[
        {"name": "a", "complete": True, "openness": _open(3, access=3, granularity=3,
                                                           format=3)}])
    assert advice.next_fixes(report, "en") == []
    # an empty report: nothing earned, so basic gains 50 and catalog and use are open
    assert _fixes({}) == [("fix_basic", 50.0, None), ("fix_catalog", 10.0, None),
                          ("fix_use", 5.0, None)]


def test_an_incomplete_dataset_names_its_missing_then_its_invalid_items():
    report = _report(metadata_total=3, catalog=10, use=5, public=0, datasets=[
        {"name": "a", "complete": False, "missing": ["geo_coverage", "no_such_field"],
         "invalid": {"maintainer_email": "invalid_email"}},
        {"name": "b", "complete": True, "missing": [], "invalid": {}}])
    fixes = advice.next_fixes(report, "en")
    # 15 points shared by the basket's 3 datasets: one more complete gains 5
    assert [(f["code"], f["points"], f["dataset"], f["message"]) for f in fixes] == [(
        "fix_metadata", 5.0, "a",
        "Complete the 14 metadata items: Geographic coverage, no_such_field, Contact e-mail")]
    thai = advice.next_fixes(report, "th_TH")[0]["message"]
    assert thai == ("กรอกคำอธิบายข้อมูลให้ครบ 14 รายการ: ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่, "
                    "no_such_field, อีเมลผู้ติดต่อ")


def test_an_empty_basket_has_no_metadata_fix():
    report = _report(metadata_total=0, catalog=10, use=5, datasets=[
        {"name": "a", "complete": False, "missing": ["title"], "invalid": {}}])
    assert advice.next_fixes(report, "en") == []


def test_openness_gains_the_next_tier_shared_by_the_public_datasets():
    """6, 6 and 8 points from tier 0 to 1, 1 to 2 and 2 to 3, over the number of
    public-category basket datasets; tier 3 has nothing left."""
    report = _report(metadata=15, catalog=10, use=5, public=3, datasets=[
        {"name": "t0", "complete": True, "openness": _open(0, access=0, format=2)},
        {"name": "t1", "complete": True, "openness": _open(1, access=2, granularity=1)},
        {"name": "t2", "complete": True, "openness": _open(2, access=3, granularity=3,
                                                           format=2)},
        {"name": "t3", "complete": True, "openness": _open(3, access=3)},
        {"name": "internal", "complete": True, "openness": None},
    ])
    fixes = advice.next_fixes(report, "en")
    assert _fixes(report) == [("fix_openness", 2.67, "t2"), ("fix_openness", 2.0, "t0"),
                              ("fix_openness", 2.0, "t1")]
    # the criterion named is the lowest one the dataset has
    assert [f["message"] for f in fixes] == [
        "Raise openness from tier 2 to 3: improve the file format",
        "Raise openness from tier 0 to 1: improve the access (single source of truth / API)",
        "Raise openness from tier 1 to 2: improve the granularity"]


def test_openness_without_criteria_points_to_the_format_in_thai_too():
    report = _report(metadata=15, catalog=10, use=5, public=1, datasets=[
        {"name": "a", "complete": True, "openness": _open(1)}])
    (fix,) = advice.next_fixes(report, "th")
    assert (fix["code"], fix["points"]) == ("fix_openness", 6.0)
    assert fix["message"] == "ยกระดับการเปิดเผยจากระดับ 1 เป็น 2: ปรับรูปแบบไฟล์"


def test_no_openness_fix_without_public_datasets():
    report = _report(metadata=15, catalog=10, use=5, public=0, datasets=[
        {"name": "a", "complete": True, "openness": _open(0, published=False)}])
    assert advice.next_fixes(report, "en") == []


def test_equal_points_are_ordered_by_dataset_name():
    report = _report(metadata_total=2, catalog=10, use=5, public=0, datasets=[
        {"name": name, "complete": False, "missing": ["title"], "invalid": {}}
        for name in ("b", "c", "a")])
    assert _fixes(report) == [("fix_metadata", 7.5, "a"), ("fix_metadata", 7.5, "b"),
                              ("fix_metadata", 7.5, "c")]


def test_messages_in_thai_and_english_by_the_language_asked():
    report = _report(catalog=0, use=0, metadata=15, public=0)
    assert [f["message"] for f in advice.next_fixes(report, "th")] == [
        "ระบุ URL ระบบบัญชีข้อมูลของหน่วยงาน (http/https)",
        "เพิ่มหลักฐานการนำข้อมูลไปใช้ประโยชน์ (URL และรายละเอียด) ในชุดข้อมูลสาธารณะของตะกร้า"]
    assert [f["message"] for f in advice.next_fixes(report, "fr")] == [
        "Give the organization's data catalog URL (http/https)",
        "Add evidence of use (URL and description) to a public basket dataset"]


def test_every_dataset_with_a_fix_is_listed_however_small_its_share():
    """Datasets without an openness fix (not public, tier 3, or unpublished: that one
    gets a publish fix) do not hide the ones after them; a share below one point
    (6 points over 7 public datasets, 15 over 16 in the basket) still counts."""
    report = _report(metadata_total=16, catalog=10, use=5, public=7, datasets=[
        {"name": "internal", "complete": True, "openness": None},
        {"name": "top", "complete": True, "openness": _open(3, access=3)},
        {"name": "draft", "complete": True, "openness": _open(0, published=False)},
        {"name": "open", "complete": False, "missing": ["title"], "invalid": {},
         "openness": _open(1, access=1, granularity=2, format=3)},
    ])
    assert _fixes(report) == [("fix_metadata", 0.94, "open"), ("fix_publish", 0.86, "draft"),
                              ("fix_openness", 0.86, "open")]


def test_the_default_language_is_thai():
    report = _report(catalog=10, metadata=15, use=0, public=0)
    assert [f["message"] for f in advice.next_fixes(report)] == [
        "เพิ่มหลักฐานการนำข้อมูลไปใช้ประโยชน์ (URL และรายละเอียด) ในชุดข้อมูลสาธารณะของตะกร้า"]


def test_an_organization_fix_comes_before_a_dataset_fix_of_equal_points():
    report = _report(metadata_total=3, catalog=10, use=0, public=0, datasets=[
        {"name": "2565-budget", "complete": False, "missing": ["title"], "invalid": {}}])
    assert _fixes(report) == [("fix_use", 5.0, None), ("fix_metadata", 5.0, "2565-budget")]


# --- fix_plan: grouped by the level each fix works towards, repeats folded ---------------

def _incomplete(name, missing=("data_source",)):
    return {"name": name, "title": f"ชุด {name}", "complete": False, "missing": list(missing),
            "invalid": {}}


def test_the_same_fix_of_many_datasets_is_one_line_with_a_count():
    """120 basket datasets, 13 lacking the same item: one line (+0.13 each,
    +1.63 in all), not 13 identical ones; another item is its own line."""
    datasets = ([_incomplete(f"d{i:03}") for i in range(13)]
                + [_incomplete("x", missing=("maintainer",))])
    report = _report(metadata_total=120, metadata=13.25, catalog=10, use=5, public=0,
                     datasets=datasets)
    report["level"] = "basic"
    (group,) = advice.fix_plan(report, "th")
    assert (group["level"], group["next"], group["note"]) == ("standard", True, None)
    assert group["heading"] == "ถึงขั้นมาตรฐาน"
    first, second = group["items"]
    assert (first["code"], first["count"], first["points"], first["total"]) == (
        "fix_metadata", 13, 0.13, 1.63)
    assert first["message"] == "กรอกคำอธิบายข้อมูลให้ครบ 14 รายการ: แหล่งที่มา"
    assert [d["name"] for d in first["datasets"]] == [f"d{i:03}" for i in range(13)]
    assert (second["count"], second["total"]) == (1, 0.13)
    assert second["message"].endswith("ชื่อผู้ติดต่อ")
    assert group["points"] == 1.75     # 14 × 15/120, summed exactly


def test_groups_follow_the_ladder_and_say_when_their_points_do_not_count_yet():
    report = _report(basic=False, metadata_total=2, metadata=7.5, catalog=0, public=1,
                     openness=6, use=0, datasets=[
                         _incomplete("a"),
                         {"name": "b", "complete": True, "openness": _open(1, access=1)}])
    report["level"] = None
    plan = advice.fix_plan(report, "en")
    assert [(g["level"], g["next"]) for g in plan] == [
        ("basic", True), ("standard", False), ("advanced", False)]
    assert plan[0]["note"] is None and plan[0]["points"] == 63.5   # 50 + 7.5 + 6
    assert plan[1]["note"] == plan[2]["note"] == (
        "These points do not count until the basic level passes (the score is 0 without it)")
    assert [i["code"] for i in plan[1]["items"]] == ["fix_catalog", "fix_metadata"]
    assert [i["code"] for i in plan[2]["items"]] == ["fix_openness", "fix_use"]


def test_advanced_fixes_before_the_standard_level_say_they_do_not_make_the_level():
    report = _report(metadata_total=2, metadata=7.5, catalog=10, public=0, use=0,
                     datasets=[_incomplete("a")])
    report["level"] = "basic"
    plan = advice.fix_plan(report, "th")
    assert [g["level"] for g in plan] == ["standard", "advanced"]
    assert plan[1]["note"] == ("คะแนนส่วนนี้นับรวมในคะแนนได้ แต่จะถึงขั้นก้าวหน้า"
                               "เมื่อถึงขั้นมาตรฐานแล้วเท่านั้น")
    # +5 for use is more points than the metadata fix, but it does not reach the
    # standard level: it is not first, it is in the advanced group
    assert plan[0]["items"][0]["code"] == "fix_metadata"


def test_a_standard_organization_has_only_the_advanced_group_as_next():
    report = _report(metadata=15, catalog=10, use=0, public=1, openness=20, datasets=[])
    report["level"] = "standard"
    (group,) = advice.fix_plan(report, "en")
    assert (group["level"], group["next"], group["note"]) == ("advanced", True, None)
    assert group["heading"] == "Towards Advanced"


def test_nothing_to_fix_is_an_empty_plan():
    report = _report(metadata=15, catalog=10, openness=20, use=5, public=1, datasets=[
        {"name": "a", "complete": True, "openness": _open(3, access=3)}])
    report["level"] = "advanced"
    assert advice.fix_plan(report, "th") == []
