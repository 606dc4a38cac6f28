"""Thai fiscal years (ปีงบประมาณ พ.ศ.): 1 October to 30 September.

FY2565 = 2021-10-01 .. 2022-09-30; พ.ศ. = CE + 543. Which day is "today" is
the caller's business (Asia/Bangkok): the core never reads the clock.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from ckanext.opdc_kpi.scoring.model import Problem
from ckanext.opdc_kpi.scoring.text import as_list, normalize_text, shown

BUDDHIST_ERA_OFFSET = 543
FIRST_FISCAL_YEAR = 2550
_DIGITS = re.compile(r"\d{1,6}")


def fiscal_year_of(d: date) -> int:
    """The Thai fiscal year (พ.ศ.) holding day ``d``."""
    return d.year + BUDDHIST_ERA_OFFSET + (1 if d.month >= 10 else 0)


def plausible_fiscal_year(year: Any, today: date) -> bool:
    """2550 .. the current fiscal year + 1 (``year`` an int, not a bool)."""
    if isinstance(year, bool) or not isinstance(year, int):
        return False
    return FIRST_FISCAL_YEAR <= year <= fiscal_year_of(today) + 1


def parse_year(value: Any) -> int | None:
    """One year: an int or a string of digits (Thai digits too), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 10 ** 6:
        return int(value)
    if isinstance(value, str):
        text = normalize_text(value)
        if _DIGITS.fullmatch(text):
            return int(text)
    return None


def parse_kpi_years(value: Any, today: date | None = None) -> tuple[list[int], list[Problem]]:
    """``kpi_years`` as sorted distinct ints, and the problems found.

    Accepts an int, a numeric string, a list of either, a comma-separated
    string or a JSON-list string; blank is ``[]``. With ``today``, every year
    must also be plausible (2550 .. current fiscal year + 1). Never raises:
    the years that parse are returned alongside the problems of the others.
    """
    problems: list[Problem] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        items: list[Any] = [value]
    elif isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if isinstance(item, (list, tuple, str)) and not isinstance(item, bool):
                items.extend(as_list(item) if isinstance(item, str) else item)
            else:
                items.append(item)
    else:
        items = as_list(value)
    years: set[int] = set()
    for item in items:
        if isinstance(item, str) and not normalize_text(item):
            continue
        year = parse_year(item)
        if year is None:
            problems.append(Problem("kpi_years", "invalid_kpi_year",
                                    {"field": "kpi_years", "value": shown(item)}))
            continue
        if today is not None and not plausible_fiscal_year(year, today):
            problems.append(Problem("kpi_years", "implausible_kpi_year", {
                "field": "kpi_years", "year": year, "min": FIRST_FISCAL_YEAR,
                "max": fiscal_year_of(today) + 1}))
            continue
        years.add(year)
    return sorted(years), problems
