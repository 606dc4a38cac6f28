"""The KPI page's headline: the score out of 100, the level, and what the next
level still takes, in points and in conditions, from real reports of the core."""
from __future__ import annotations

from datetime import date

from ckanext.opdc_kpi.scoring import Rules, score_organization
from ckanext.opdc_kpi.scoring.labels import level_label, part_label
from ckanext.opdc_kpi.scoring.progress import headline, next_level, points_text
from tests.scoring._data import complete_dataset, organization, public_dataset

SITE = "https://catalog.example.go.th"


def score(datasets, org=None, **kwargs):
    return score_organization(org if org is not None else organization(), datasets,
                              fiscal_year=2565, today=date(2022, 3, 1), rules=Rules(),
                              catalog_url=kwargs.pop("catalog_url", SITE), **kwargs)


def basket(n, complete=None, public=0, mission=1, **extra):
    complete = n if complete is None else complete
    out = []
    for i in range(n):
        make = public_dataset if i < public else complete_dataset
        values = dict(id=f"d{i}", name=f"dataset-{i}", **extra)
        if i >= complete:
            values["data_source"] = ""
        if i < mission:
            values.update(mission="ภารกิจ", work_process="กระบวนการ")
        out.append(make(**values))
    return out


def test_the_seeds_worked_example_names_the_standard_level_and_what_it_lacks():
    """70 points at the basic level: the standard level needs the metadata of
    the two incomplete datasets (5 points), not just 5 more points."""
    report = score(basket(6, complete=4))
    line = headline(report, "th")
    assert line["text"] == ("70/100 — ขั้นต้น · ถึงขั้นมาตรฐาน: อีก 5 คะแนน — "
                            "คำอธิบายข้อมูลครบ 14 รายการอีก 2 จาก 6 ชุด (+5)")
    assert (line["score_text"], line["level_label"], line["basket"]) == ("70", "ขั้นต้น", 6)
    assert line["next"]["level"] == "standard" and line["next"]["points"] == 5.0
    english = headline(report, "en")["text"]
    assert english == ("70/100 — Basic · To reach Standard: 5 more points — all 14 metadata "
                       "items in 2 more of the 6 basket datasets (+5)")


def test_a_missing_catalog_url_is_a_condition_of_the_standard_level_too():
    report = score(basket(2, complete=1), catalog_url="")
    line = headline(report, "th")
    assert report["level"] == "basic" and report["score"] == 57.5
    assert line["text"] == ("57.50/100 — ขั้นต้น · ถึงขั้นมาตรฐาน: อีก 17.50 คะแนน — "
                            "คำอธิบายข้อมูลครบ 14 รายการอีก 1 จาก 2 ชุด (+7.50); "
                            "URL ระบบบัญชีข้อมูลของหน่วยงาน (http/https) (+10)")


def test_a_failed_basic_level_says_so_and_what_passing_it_takes_and_gives():
    report = score(basket(3, mission=0))
    line = headline(report, "th")
    assert report["level"] is None and report["score"] == 0
    assert line["level_label"] == "ไม่ผ่านขั้นต้น"
    # the parts already earned (metadata 15, catalog 10) count once basic passes
    assert line["text"] == ("0/100 — ไม่ผ่านขั้นต้น · ถึงขั้นต้น: ระบุภารกิจและกระบวนการทำงานหลัก"
                            "ให้ชุดข้อมูลในตะกร้าอย่างน้อย 1 ชุด; ผ่านแล้วได้ 75 คะแนน")
    assert line["next"]["points"] == 75.0


def test_no_focus_area_and_an_empty_basket_are_both_named():
    report = score([], org=organization(focus_areas=[]))
    assert headline(report, "en")["next"]["conditions"] == [
        "declare the organization's focus areas", "select datasets into the 2565 basket",
        "passing it gives 60 points"]


def test_the_standard_level_points_to_openness_and_use():
    datasets = basket(2, public=2, single_source_of_truth="False")
    report = score(datasets)
    assert report["level"] == "standard"
    line = headline(report, "th")
    assert line["next"]["level"] == "advanced"
    assert line["text"] == ("81/100 — ขั้นมาตรฐาน · ถึงขั้นก้าวหน้า: อีก 19 คะแนน — "
                            "ชุดข้อมูลสาธารณะเปิดเผยถึงระดับ 3 อีก 2 จาก 2 ชุด (+14); "
                            "หลักฐานการนำข้อมูลไปใช้ประโยชน์ในชุดข้อมูลสาธารณะของตะกร้า (+5)")


def test_no_public_dataset_asks_for_one():
    report = score(basket(1))
    assert report["level"] == "standard"
    assert headline(report, "en")["next"]["conditions"][0] == (
        "public-category datasets in the basket, at openness tier 3 (+20)")


def test_the_top_level_has_nothing_next():
    report = {"score": 100.0, "level": "advanced", "basket": 3, "parts": {}}
    line = headline(report, "th")
    assert line["next"] is None and next_level(report) is None
    assert line["text"] == "100/100 — ขั้นก้าวหน้า · ได้ขั้นสูงสุดแล้ว"


def test_an_empty_or_odd_report_still_gives_a_line():
    assert headline({}, "th")["text"].startswith("0/100 — ไม่ผ่านขั้นต้น · ถึงขั้นต้น:")
    assert headline(None, "en")["level_label"] == "Basic level not passed"


def test_points_are_written_without_needless_decimals():
    assert [points_text(v) for v in (70.0, 72.5, 0.05, 100, None, "x")] == [
        "70", "72.50", "0.05", "100", "0", "0"]


def test_level_and_part_labels():
    assert [level_label(v, "th") for v in ("basic", "standard", "advanced", None, "")] == [
        "ขั้นต้น", "ขั้นมาตรฐาน", "ขั้นก้าวหน้า", "ไม่ผ่านขั้นต้น", "ไม่ผ่านขั้นต้น"]
    assert level_label("standard", "th_TH") == "ขั้นมาตรฐาน"
    assert level_label(None, "en") == "Basic level not passed"
    assert part_label("metadata", "th") == "ขั้นมาตรฐาน: คำอธิบายข้อมูล"
    assert part_label("openness", "th", short=True) == "ข้อมูลเปิด"
    assert part_label("use", "en", short=True) == "Use"
    assert part_label("nothing", "th") == "nothing"
