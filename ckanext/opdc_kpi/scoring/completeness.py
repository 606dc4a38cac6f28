"""How complete a dataset is for the KPI while it is being written: the
14 mandatory items (the same check as the score's metadata part) and whether
it falls in a fiscal year's basket (the same rule as the score's basket).

Pure: the caller gives the dataset as typed, the organization's declared
focus areas, the fiscal year and the language.
"""
from __future__ import annotations

from typing import Any, Iterable

from ckanext.opdc_kpi.scoring.criteria import focus_area_of, in_basket, kpi_years_of
from ckanext.opdc_kpi.scoring.labels import MANDATORY_ITEMS, field_label, item_of
from ckanext.opdc_kpi.scoring.messages import message
from ckanext.opdc_kpi.scoring.standard import NOT_GIVEN_CODES, mandatory_problems

#: Problem codes of a value typed in the wrong form (the panel says
#: "รูปแบบไม่ถูกต้อง" with an example); other problems are shown by their message.
FORMAT_CODES = frozenset({
    "not_text", "not_a_list", "invalid_choice", "invalid_email", "not_positive_int",
    "keyword_not_text", "keyword_too_short", "keyword_too_long", "keyword_invalid_char"})

#: An example of a well-formed value, per field (shown with "รูปแบบไม่ถูกต้อง").
EXAMPLES = {
    "maintainer_email": "stat@agency.go.th",
    "update_frequency_interval": "1",
    "tag_string": "ท่องเที่ยว, สถิติ",
}

_BASKET_REASONS = {
    "basket_in": {"th": "อยู่ในตะกร้าการประเมินปีงบประมาณ {year}",
                  "en": "In the fiscal year {year} assessment basket"},
    "basket_no_year": {"th": "ไม่อยู่ในตะกร้าปีงบประมาณ {year}: ยังไม่ได้เลือกปี {year} "
                             "ในปีงบประมาณที่ประเมินตัวชี้วัด",
                       "en": "Not in the fiscal year {year} basket: {year} is not among "
                             "its KPI fiscal years"},
    "basket_focus_area": {"th": "ไม่อยู่ในตะกร้าปีงบประมาณ {year}: Focus Area ของชุดข้อมูล"
                                "ไม่ใช่ด้านที่องค์กรประกาศไว้",
                          "en": "Not in the fiscal year {year} basket: its focus area is "
                                "not one the organization declared"},
}


def _reason(code: str, lang: str, year: int) -> dict[str, str]:
    text = _BASKET_REASONS[code]["th" if lang == "th" else "en"]
    return {"code": code, "message": text.format(year=year)}


def dataset_completeness(pkg: dict, *, fiscal_year: int, focus_areas: Iterable[str],
                         lang: str = "th") -> dict[str, Any]:
    """``{"total": 14, "complete": n, "is_complete", "missing": [item],
    "fiscal_year", "in_basket", "basket_reason"}``; each missing item is
    ``{"item", "field", "code", "label", "labels": {"th", "en"}, "message",
    "invalid", "example"}`` (the first problem of the item), in the standard's
    order; ``invalid``: something was given but is not right (``example``: a
    well-formed value when the problem is its form, else "")."""
    first: dict[str, Any] = {}
    for problem in mandatory_problems(pkg):
        number = item_of(problem.field)
        if number is not None and number not in first:
            first[number] = problem
    missing = []
    for number, _fields in MANDATORY_ITEMS:
        problem = first.get(number)
        if problem is None:
            continue
        field = problem.params.get("field") or problem.field
        missing.append({
            "item": number, "field": field, "code": problem.code,
            "label": field_label(field, lang),
            "labels": {"th": field_label(field, "th"), "en": field_label(field, "en")},
            "message": message(problem.code, lang, **problem.params),
            "invalid": problem.code not in NOT_GIVEN_CODES,
            "example": EXAMPLES.get(field, "") if problem.code in FORMAT_CODES else "",
        })
    declared = [str(f) for f in focus_areas]
    basket = in_basket(pkg, declared, fiscal_year)
    if basket:
        code = "basket_in"
    elif fiscal_year not in kpi_years_of(pkg):
        code = "basket_no_year"
    else:
        code = "basket_focus_area"
    total = len(MANDATORY_ITEMS)
    return {
        "total": total, "complete": total - len(missing), "is_complete": not missing,
        "missing": missing, "fiscal_year": fiscal_year, "in_basket": basket,
        "focus_area": focus_area_of(pkg) or None,
        "basket_reason": _reason(code, lang, fiscal_year),
    }
