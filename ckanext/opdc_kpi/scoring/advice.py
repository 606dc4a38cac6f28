""""What to fix next": the fixes a KPI report points to, ordered by the points
each would gain (``next_fixes``), or grouped by the level each works towards
with the same fix of many datasets folded into one line (``fix_plan``, the
KPI page). Pure: it reads an ``opdc_kpi_score`` report only."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from ckanext.opdc_kpi.scoring import progress
from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS, level_label
from ckanext.opdc_kpi.scoring.messages import language
from ckanext.opdc_kpi.scoring.model import round_points

_TIER_POINTS = {0: 0, 1: 6, 2: 12, 3: 20}
_CRITERIA = ("access", "granularity", "format")

_MESSAGES = {
    "fix_basic": {
        "th": "ผ่านขั้นต้น: ประกาศ Focus Area ของหน่วยงาน และระบุภารกิจกับกระบวนการทำงานหลักให้ชุดข้อมูลในตะกร้าอย่างน้อย 1 ชุด",
        "en": "Pass the basic level: declare the organization's focus areas and give at "
              "least one basket dataset its mission and main work process"},
    "fix_metadata": {
        "th": "กรอกคำอธิบายข้อมูลให้ครบ 14 รายการ: {items}",
        "en": "Complete the 14 metadata items: {items}"},
    "fix_catalog": {
        "th": "ระบุ URL ระบบบัญชีข้อมูลของหน่วยงาน (http/https)",
        "en": "Give the organization's data catalog URL (http/https)"},
    "fix_publish": {
        "th": "เผยแพร่ชุดข้อมูลสาธารณะ (ไม่เป็นส่วนตัว และมีทรัพยากรที่มี URL)",
        "en": "Publish the public data (not private, with a resource that has a URL)"},
    "fix_openness": {
        "th": "ยกระดับการเปิดเผยจากระดับ {tier} เป็น {next}: ปรับ{criterion}",
        "en": "Raise openness from tier {tier} to {next}: improve the {criterion}"},
    "fix_use": {
        "th": "เพิ่มหลักฐานการนำข้อมูลไปใช้ประโยชน์ (URL และรายละเอียด) ในชุดข้อมูลสาธารณะของตะกร้า",
        "en": "Add evidence of use (URL and description) to a public basket dataset"},
    # fix_plan's groups
    "heading": {"th": "ถึง{level}", "en": "Towards {level}"},
    "note_after_basic": {
        "th": "คะแนนส่วนนี้ยังไม่นับจนกว่าจะผ่านขั้นต้น (คะแนนรวมเป็น 0 เมื่อไม่ผ่านขั้นต้น)",
        "en": "These points do not count until the basic level passes (the score is 0 "
              "without it)"},
    "note_after_standard": {
        "th": "คะแนนส่วนนี้นับรวมในคะแนนได้ แต่จะถึงขั้นก้าวหน้าเมื่อถึงขั้นมาตรฐานแล้วเท่านั้น",
        "en": "These points count in the score, but the advanced level comes only after "
              "the standard level"},
}
_CRITERION_WORDS = {
    "access": {"th": "ช่องทางการเข้าถึง (แหล่งข้อมูลต้นทาง / API)",
               "en": "access (single source of truth / API)"},
    "granularity": {"th": "ความละเอียดของข้อมูล", "en": "granularity"},
    "format": {"th": "รูปแบบไฟล์", "en": "file format"},
}


def _text(code: str, lang: str, **params: Any) -> str:
    return _MESSAGES[code][lang].format(**params)


def _label(field: str, lang: str) -> str:
    labels = FIELD_LABELS.get(field)
    if not labels:
        return field
    return labels[0] if lang == "th" else labels[1]


#: the level each fix works towards
_LEVEL_OF = {"fix_basic": "basic", "fix_metadata": "standard", "fix_catalog": "standard",
             "fix_publish": "advanced", "fix_openness": "advanced", "fix_use": "advanced"}


def _candidates(report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Every fix with its exact gain (``exact``, a Fraction), unordered."""
    parts = report.get("parts") or {}
    datasets = report.get("datasets") or []
    fixes: list[dict[str, Any]] = []

    def add(points: Fraction, code: str, dataset: dict | None = None, **params: Any) -> None:
        if points > 0:
            fixes.append({"points": round_points(points), "exact": points, "code": code,
                          "message": _text(code, lang, **params),
                          "dataset": (dataset or {}).get("name"),
                          "title": (dataset or {}).get("title")})

    basic = parts.get("basic") or {}
    if not basic.get("passed"):
        others = sum(Fraction(str((parts.get(p) or {}).get("points", 0)))
                     for p in ("metadata", "catalog", "openness", "use"))
        add(Fraction(50) + others, "fix_basic")
    metadata = parts.get("metadata") or {}
    total = metadata.get("total") or 0
    for d in datasets:
        if total and not d.get("complete"):
            items = list(d.get("missing") or []) + list((d.get("invalid") or {}).keys())
            add(Fraction(15, total), "fix_metadata", d,
                items=", ".join(_label(f, lang) for f in items))
    if not (parts.get("catalog") or {}).get("points"):
        add(Fraction(10), "fix_catalog")
    public = (parts.get("openness") or {}).get("public") or 0
    for d in datasets:
        openness = d.get("openness")
        if not public or not openness:
            continue
        tier = int(openness.get("tier") or 0)
        if tier >= 3:
            continue
        gain = Fraction(_TIER_POINTS[tier + 1] - _TIER_POINTS[tier], public)
        if not openness.get("published"):
            add(gain, "fix_publish", d)
            continue
        criteria = openness.get("criteria") or {}
        lowest = min((c for c in _CRITERIA if criteria.get(c)),
                     key=lambda c: criteria[c].get("tier", 0), default="format")
        add(gain, "fix_openness", d, tier=tier, next=tier + 1,
            criterion=_CRITERION_WORDS[lowest][lang])
    if not (parts.get("use") or {}).get("points"):
        add(Fraction(5), "fix_use")
    return fixes


def next_fixes(report: dict[str, Any], lang: str = "th") -> list[dict[str, Any]]:
    """``[{"points", "code", "message", "dataset", "title"}]``, most points
    first. The points of a dataset-level fix are what the organization's
    score gains."""
    fixes = _candidates(report, language(lang))
    for fix in fixes:
        del fix["exact"]
    fixes.sort(key=lambda f: (-f["points"], f["dataset"] or ""))
    return fixes


def fix_plan(report: dict[str, Any], lang: str = "th") -> list[dict[str, Any]]:
    """"What to fix next" grouped by the level each fix works towards, in the
    ladder's order, the same fix of many datasets folded into one item.

    ``[{"level", "heading", "next", "note", "points", "items": [{"code",
    "message", "points", "count", "total", "datasets": [{"name", "title"}]}]}]``:
    ``next`` marks the group of the level the organization reaches next
    (``progress.next_level``); ``points`` (each fix) and ``total`` (all of
    them) are what the score gains; ``note`` says when a group's points do
    not count yet (basic not passed) or do not make its level alone
    (advanced before standard). A level the organization has reached, or
    with nothing left to fix, has no group."""
    lang = language(lang)
    following = progress.next_level(report)
    basic_passed = bool(((report.get("parts") or {}).get("basic") or {}).get("passed"))
    level = report.get("level")
    folded: dict[str, dict[tuple[str, str, Fraction], dict[str, Any]]] = {}
    for fix in _candidates(report, lang):
        key = (fix["code"], fix["message"], fix["exact"])
        group = folded.setdefault(_LEVEL_OF[fix["code"]], {})
        item = group.get(key)
        if item is None:
            item = group[key] = {"code": fix["code"], "message": fix["message"],
                                 "points": fix["points"], "exact": fix["exact"], "count": 0,
                                 "datasets": []}
        item["count"] += 1
        if fix["dataset"]:
            item["datasets"].append({"name": fix["dataset"], "title": fix["title"]})
    plan = []
    for name in progress.LEVELS:
        if name not in folded:
            continue
        items = list(folded[name].values())
        for item in items:
            item["total"] = round_points(item["exact"] * item["count"])
            item["datasets"].sort(key=lambda d: d["name"] or "")
        total = sum((item.pop("exact") * item["count"] for item in items), Fraction(0))
        items.sort(key=lambda i: (-i["total"], i["message"]))
        note = None
        if name != "basic" and not basic_passed:
            note = _text("note_after_basic", lang)
        elif name == "advanced" and level not in ("standard", "advanced"):
            note = _text("note_after_standard", lang)
        plan.append({"level": name, "next": name == following, "note": note,
                     "heading": _text("heading", lang, level=level_label(name, lang)),
                     "points": round_points(total), "items": items})
    return plan
