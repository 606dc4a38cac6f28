"""Assessors' confirmations and overrides (kpi-rules.md, "Reasons,
confirmations, views"), pure: which criteria can be assessed, how a value is
read, which record of a history counts, and how an override changes one
dataset's openness.

A record is a dict: ``dataset`` (a dataset id, or None for the
organization), ``criterion``, ``action`` ("confirm" | "override"), ``value``
(the override; for a confirmation, the computed value it agreed with),
``note``, ``user``, ``created`` (ISO text) and ``deleted`` (ISO text or None).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping

from ckanext.opdc_kpi.scoring.messages import language, message
from ckanext.opdc_kpi.scoring.model import Criterion, Openness, Reason, Rules
from ckanext.opdc_kpi.scoring.text import normalize_text

ORGANIZATION = "organization"
DATASET = "dataset"
ACTIONS = ("confirm", "override")
#: the assessors' parts (logic/assessor.py): NSO checks basic/standard, DGA advanced
PART_BASIC_STANDARD = "basic_standard"
PART_ADVANCED = "advanced"
PARTS = (PART_BASIC_STANDARD, PART_ADVANCED)

#: criterion: (what it is about, the assessors' part, kind of value, labels th/en)
CRITERIA: dict[str, tuple[str, str, str, tuple[str, str]]] = {
    "basic": (ORGANIZATION, PART_BASIC_STANDARD, "bool",
              ("ผ่านขั้นต้น (Focus Area และภารกิจ/กระบวนการทำงาน)",
               "Basic level (focus areas, mission and work process)")),
    "catalog": (ORGANIZATION, PART_BASIC_STANDARD, "bool",
                ("มีระบบบัญชีข้อมูลของหน่วยงาน (URL)", "The organization's catalog URL")),
    "use": (ORGANIZATION, PART_ADVANCED, "bool",
            ("มีการนำข้อมูลไปใช้ประโยชน์", "Use of the data")),
    "complete": (DATASET, PART_BASIC_STANDARD, "bool",
                 ("คำอธิบายข้อมูลครบ 14 รายการ", "All 14 metadata items")),
    "single_source_of_truth": (DATASET, PART_ADVANCED, "bool",
                               ("แหล่งข้อมูลต้นทางที่ถูกต้องเชื่อถือได้ (single source of truth)",
                                "Single source of truth")),
    "searchable_text": (DATASET, PART_ADVANCED, "bool",
                        ("ไฟล์ค้นหาข้อความได้ (ไม่ใช่ภาพสแกน)",
                         "Searchable text (not a scanned image)")),
    "access": (DATASET, PART_ADVANCED, "tier", ("การเข้าถึงข้อมูล", "Access")),
    "granularity": (DATASET, PART_ADVANCED, "tier", ("ความละเอียดของข้อมูล", "Granularity")),
    "format": (DATASET, PART_ADVANCED, "tier", ("รูปแบบไฟล์", "Format")),
    "openness": (DATASET, PART_ADVANCED, "tier",
                 ("ระดับการเปิดเผยของชุดข้อมูล", "The dataset's openness tier")),
    "use_evidence": (DATASET, PART_ADVANCED, "bool",
                     ("หลักฐานการนำชุดข้อมูลไปใช้ประโยชน์", "Evidence of the dataset's use")),
}
ORGANIZATION_CRITERIA = tuple(c for c, spec in CRITERIA.items() if spec[0] == ORGANIZATION)
DATASET_CRITERIA = tuple(c for c, spec in CRITERIA.items() if spec[0] == DATASET)
TIERS = (0, 1, 2, 3)
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y", "pass", "passed", "ผ่าน", "ใช่"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n", "fail", "failed", "ไม่ผ่าน", "ไม่ใช่"})


def part_of(criterion: str) -> str | None:
    """The assessors' part (``basic_standard`` | ``advanced``) of a criterion."""
    spec = CRITERIA.get(criterion)
    return spec[1] if spec else None


def level_of(criterion: str) -> str | None:
    """``organization`` or ``dataset``: what the criterion is about."""
    spec = CRITERIA.get(criterion)
    return spec[0] if spec else None


def criterion_label(criterion: str, lang: str = "th") -> str:
    spec = CRITERIA.get(criterion)
    if not spec:
        return str(criterion)
    return spec[3][0] if language(lang) == "th" else spec[3][1]


def parse_value(criterion: str, value: Any) -> bool | int:
    """The override value of a criterion: a bool (passed or not) or a tier
    0..3. Raises ``ValueError`` with a message code when it cannot be read."""
    kind = CRITERIA[criterion][2]
    if kind == "tier":
        if isinstance(value, bool):
            raise ValueError("assessment_bad_tier")
        try:
            number = int(normalize_text(value)) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise ValueError("assessment_bad_tier") from None
        if isinstance(value, float) and value != number or number not in TIERS:
            raise ValueError("assessment_bad_tier")
        return number
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = normalize_text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError("assessment_bad_bool")


def value_text(criterion: str, value: Any, lang: str = "th") -> str:
    """A value as the pages show it: ผ่าน/ไม่ผ่าน, ระดับ 2; "-" when unknown."""
    th = language(lang) == "th"
    if value is None:
        return "-"
    if CRITERIA.get(criterion, ("", "", "bool"))[2] == "tier":
        return f"ระดับ {value}" if th else f"tier {value}"
    if value:
        return "ผ่าน" if th else "yes"
    return "ไม่ผ่าน" if th else "no"


def key_of(record: Mapping[str, Any]) -> tuple[str, str]:
    return (normalize_text(record.get("dataset") or ""), normalize_text(record.get("criterion")))


def current(records: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The record that counts for each (dataset or "", criterion): the newest
    not deleted. Older ones stay in the history; deleting the newest brings
    back the one before it. Unknown criteria are left out."""
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for record in records:
        if record.get("deleted") or record.get("criterion") not in CRITERIA:
            continue
        if record.get("action") not in ACTIONS:
            continue
        key = key_of(record)
        if key not in out or str(record.get("created") or "") >= str(out[key].get("created") or ""):
            out[key] = record
    return out


def overrides_of(effective: Mapping[tuple[str, str], Mapping[str, Any]]
                 ) -> dict[tuple[str, str], bool | int]:
    """Only the overrides among the records that count, as parsed values
    (a confirmation changes nothing; an unreadable value is skipped)."""
    out: dict[tuple[str, str], bool | int] = {}
    for key, record in effective.items():
        if record.get("action") != "override":
            continue
        try:
            out[key] = parse_value(key[1], record.get("value"))
        except ValueError:
            continue
    return out


def _assessed(tier: int, lang: str) -> Reason:
    return Reason("assessor_tier", message("assessor_tier", lang, tier=tier))


def apply_to_openness(openness: Openness, values: Mapping[str, bool | int], rules: Rules,
                      lang: str) -> Openness:
    """One dataset's openness with the assessors' overrides of its criteria
    (``access``, ``granularity``, ``format``: tiers; ``searchable_text``: the
    gate of unstructured data) and of its tier (``openness``), in that order.
    Granularity and format apply to structured datasets only."""
    if not values:
        return openness
    access, granularity, fmt = openness.access, openness.granularity, openness.format
    changed = False
    if "access" in values:
        access = Criterion(int(values["access"]), _assessed(int(values["access"]), lang))
        changed = True
    if openness.structured:
        if "granularity" in values and granularity is not None:
            granularity = Criterion(int(values["granularity"]),
                                    _assessed(int(values["granularity"]), lang))
            changed = True
        if "format" in values and fmt is not None:
            fmt = Criterion(int(values["format"]), _assessed(int(values["format"]), lang))
            changed = True
    tier, why = openness.tier, openness.reason
    if changed:
        if openness.structured:
            pick = min if rules.structured_tier == "min" else max
            tier = pick(access.tier, granularity.tier, fmt.tier)
            why = Reason("tier_structured", message(
                "tier_structured", lang, rule=rules.structured_tier, access=access.tier,
                granularity=granularity.tier, format=fmt.tier, tier=tier))
        elif openness.reason.code == "tier_unstructured":
            # unstructured behind an open searchable-text gate: the access tier
            tier = access.tier
            why = Reason("tier_unstructured", message("tier_unstructured", lang, tier=tier))
    if not openness.structured and values.get("searchable_text") is False:
        tier, why = 0, Reason("tier_scanned_image", message("tier_scanned_image", lang))
    if "openness" in values:
        tier = int(values["openness"])
        why = _assessed(tier, lang)
    return replace(openness, tier=tier, access=access, granularity=granularity, format=fmt,
                   reason=why)
