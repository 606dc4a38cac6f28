"""Where an organization stands on the ladder and what the next level takes
(the KPI page's headline: "70/100 — ขั้นต้น · ถึงขั้นมาตรฐาน: อีก 5 คะแนน — ..."),
read from an ``opdc_kpi_score`` report. Pure.

The levels (kpi-rules.md, "The ladder"): basic when the basic part passes;
standard when metadata and catalog are at their maximum as well; advanced
when open data and use are too. Points alone never make a level: 75 points
with incomplete metadata stay at the basic level.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from ckanext.opdc_kpi.scoring.labels import level_label
from ckanext.opdc_kpi.scoring.messages import language

LEVELS = ("basic", "standard", "advanced")
#: the parts a level needs at their maximum (basic: passed)
LEVEL_PARTS = {"basic": ("basic",), "standard": ("metadata", "catalog"),
               "advanced": ("openness", "use")}
TOP_SCORE = 100

_TEXT = {
    "reach": {"th": "ถึง{level}", "en": "To reach {level}"},
    "more_points": {"th": "อีก {points} คะแนน", "en": "{points} more points"},
    "top": {"th": "ได้ขั้นสูงสุดแล้ว", "en": "the highest level"},
    "basic_focus": {"th": "ประกาศ Focus Area ของหน่วยงาน",
                    "en": "declare the organization's focus areas"},
    "basic_basket": {"th": "เลือกชุดข้อมูลเข้าตะกร้าปี {year}",
                     "en": "select datasets into the {year} basket"},
    "basic_mission": {"th": "ระบุภารกิจและกระบวนการทำงานหลักให้ชุดข้อมูลในตะกร้าอย่างน้อย 1 ชุด",
                      "en": "give at least one basket dataset its mission and main work process"},
    "basic_assessed": {"th": "ผู้ประเมินกำหนดว่ายังไม่ผ่าน: ดูเหตุผลของผู้ประเมินในตาราง",
                       "en": "an assessor recorded it as not passed: see the assessor's note "
                             "in the ladder"},
    "basic_gain": {"th": "ผ่านแล้วได้ {points} คะแนน", "en": "passing it gives {points} points"},
    "metadata": {"th": "คำอธิบายข้อมูลครบ 14 รายการอีก {missing} จาก {total} ชุด (+{points})",
                 "en": "all 14 metadata items in {missing} more of the {total} basket datasets "
                       "(+{points})"},
    "metadata_points": {"th": "คำอธิบายข้อมูลครบ 14 รายการทุกชุดในตะกร้า (+{points})",
                        "en": "all 14 metadata items in every basket dataset (+{points})"},
    "catalog": {"th": "URL ระบบบัญชีข้อมูลของหน่วยงาน (http/https) (+{points})",
                "en": "the organization's data catalog URL (http/https) (+{points})"},
    "openness": {"th": "ชุดข้อมูลสาธารณะเปิดเผยถึงระดับ 3 อีก {missing} จาก {total} ชุด "
                       "(+{points})",
                 "en": "openness tier 3 for {missing} more of the {total} public datasets "
                       "(+{points})"},
    "openness_points": {"th": "ชุดข้อมูลสาธารณะทุกชุดเปิดเผยถึงระดับ 3 (+{points})",
                        "en": "openness tier 3 for every public dataset (+{points})"},
    "openness_none": {"th": "มีชุดข้อมูลหมวดหมู่ข้อมูลสาธารณะในตะกร้า เปิดเผยถึงระดับ 3 (+{points})",
                      "en": "public-category datasets in the basket, at openness tier 3 "
                            "(+{points})"},
    "use": {"th": "หลักฐานการนำข้อมูลไปใช้ประโยชน์ในชุดข้อมูลสาธารณะของตะกร้า (+{points})",
            "en": "evidence of use in a public basket dataset (+{points})"},
}


def points_text(value: Any) -> str:
    """Points as the pages write them: "70", "72.50", "0.05"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "0"
    text = f"{number:.2f}"
    return text[:-3] if text.endswith(".00") else text


def _text(code: str, lang: str, **params: Any) -> str:
    return _TEXT[code][lang].format(**params)


def _part(report: dict[str, Any], name: str) -> dict[str, Any]:
    part = (report.get("parts") or {}).get(name)
    return part if isinstance(part, dict) else {}


def _points(part: dict[str, Any], key: str = "points") -> Fraction:
    try:
        return Fraction(str(part.get(key) or 0))
    except (TypeError, ValueError):
        return Fraction(0)


def _missing(report: dict[str, Any], name: str) -> Fraction:
    part = _part(report, name)
    return max(Fraction(0), _points(part, "max") - _points(part))


def next_level(report: dict[str, Any]) -> str | None:
    """The level the organization reaches next (None: it is at the top)."""
    level = report.get("level")
    if level not in LEVELS:
        return "basic"
    index = LEVELS.index(level) + 1
    return LEVELS[index] if index < len(LEVELS) else None


def _basic_conditions(report: dict[str, Any], lang: str) -> list[str]:
    codes = {r.get("code") for r in _part(report, "basic").get("reasons") or []
             if isinstance(r, dict)}
    out = []
    if not report.get("focus_areas"):
        out.append(_text("basic_focus", lang))
    if not report.get("basket"):
        out.append(_text("basic_basket", lang, year=report.get("fiscal_year") or ""))
    elif "no_mission_work_process" in codes:
        out.append(_text("basic_mission", lang))
    if not out:   # the catalog passes it: an assessor's override says otherwise
        out.append(_text("basic_assessed", lang))
    others = sum((_points(_part(report, p)) for p in ("metadata", "catalog", "openness", "use")),
                 Fraction(0))
    out.append(_text("basic_gain", lang, points=points_text(50 + others)))
    return out


def _below_top_tier(report: dict[str, Any]) -> int | None:
    """Public-category basket datasets below openness tier 3 (None when the
    openness scope is the whole catalog: the report lists the basket only)."""
    if (report.get("rules") or {}).get("openness_scope", "basket") != "basket":
        return None
    return sum(1 for d in report.get("datasets") or []
               if isinstance(d, dict) and isinstance(d.get("openness"), dict)
               and int(d["openness"].get("tier") or 0) < 3)


def _conditions(report: dict[str, Any], level: str, lang: str) -> list[str]:
    if level == "basic":
        return _basic_conditions(report, lang)
    out = []
    if level == "standard":
        metadata = _part(report, "metadata")
        if not metadata.get("passed"):
            points = points_text(_missing(report, "metadata"))
            total = int(metadata.get("total") or 0)
            if total:
                missing = total - int(metadata.get("complete") or 0)
                out.append(_text("metadata", lang, missing=missing, total=total, points=points))
            else:
                out.append(_text("metadata_points", lang, points=points))
        if not _part(report, "catalog").get("passed"):
            out.append(_text("catalog", lang, points=points_text(_missing(report, "catalog"))))
        return out
    openness = _part(report, "openness")
    if not openness.get("passed"):
        points = points_text(_missing(report, "openness"))
        public = int(openness.get("public") or 0)
        below = _below_top_tier(report)
        if not public:
            out.append(_text("openness_none", lang, points=points))
        elif below:
            out.append(_text("openness", lang, missing=below, total=public, points=points))
        else:
            out.append(_text("openness_points", lang, points=points))
    if not _part(report, "use").get("passed"):
        out.append(_text("use", lang, points=points_text(_missing(report, "use"))))
    return out


def headline(report: dict[str, Any], lang: str = "th") -> dict[str, Any]:
    """The KPI page's headline.

    ``{"score", "score_text", "top", "level", "level_label", "basket",
    "next": None | {"level", "label", "points", "points_text", "conditions", "text"},
    "text"}``: ``next.points`` is what the parts the next level needs still
    lack (for the basic level: what passing it adds to the score);
    ``text`` is the whole line, e.g. "70/100 — ขั้นต้น · ถึงขั้นมาตรฐาน: อีก 5
    คะแนน — คำอธิบายข้อมูลครบ 14 รายการอีก 2 จาก 6 ชุด (+5)"."""
    lang = language(lang)
    report = report if isinstance(report, dict) else {}
    level = report.get("level") if report.get("level") in LEVELS else None
    score_text = points_text(report.get("score"))
    out: dict[str, Any] = {
        "score": report.get("score") or 0, "score_text": score_text, "top": TOP_SCORE,
        "level": level, "level_label": level_label(level, lang),
        "basket": report.get("basket") or 0, "next": None}
    following = next_level(report)
    text = f"{score_text}/{TOP_SCORE} — {out['level_label']}"
    if following is None:
        out["top_text"] = _text("top", lang)
        out["text"] = f"{text} · {out['top_text']}"
        return out
    conditions = _conditions(report, following, lang)
    if following == "basic":
        gain = sum((_points(_part(report, p)) for p in ("metadata", "catalog", "openness",
                                                          "use")), Fraction(50))
    else:
        gain = sum((_missing(report, p) for p in LEVEL_PARTS[following]), Fraction(0))
    label = _text("reach", lang, level=level_label(following, lang))
    if following == "basic":
        next_text = f"{label}: {'; '.join(conditions)}"
    else:
        more = _text("more_points", lang, points=points_text(gain))
        next_text = f"{label}: {more} — {'; '.join(conditions)}"
    out["next"] = {"level": following, "label": label, "points": float(gain),
                   "points_text": points_text(gain), "conditions": conditions,
                   "text": next_text}
    out["text"] = f"{text} · {next_text}"
    return out
