"""Solr dates in range bounds and filters: ISO 8601 or ``NOW``, then Solr's
date math (``-7DAYS``, ``/DAY``, ...), as naive UTC datetimes (pure Python).
Every pattern here is linear in the caller's text."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from . import parser as qp

_DATE_MATH_RE = re.compile(
    r"(?P<op>[+-]\d{1,9}|/)"
    r"(?P<unit>YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?|MILLISECONDS?|MILLIS?)",
)


def parse_solr_date(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """A Solr date as a naive UTC datetime (CKAN stores metadata dates that way):
    ISO 8601 with or without ``Z``, with or without a fraction of a second,
    or ``NOW``, either followed by Solr date math (``-7DAYS``, ``/DAY``, ...)."""
    text = value.strip()
    base, math = _split_date_math(text)
    if base == "NOW":
        moment = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    else:
        moment = _parse_iso(base, value)
    try:
        for match in _DATE_MATH_RE.finditer(math):
            moment = _apply_date_math(moment, match.group("op"), match.group("unit"))
    except (OverflowError, ValueError):
        raise qp.QuerySyntaxError(f"date out of range: {value!r}")
    return moment


def _split_date_math(text: str) -> tuple[str, str]:
    """``(date, date math)``: the shortest start of ``text`` that ends like a
    date (``Z``, an offset ``+07:00``, a time ``T...`` or a day
    ``2022-01-01``) and is followed by date math only (``+1DAY``, ``/DAY``,
    ...); no such split: all of it is the date. Found by one walk back over
    the math and one check per place it may start: linear. (A regular
    expression ``^(.*?(?:...))((?:[+-]\\d+[A-Z]+|/[A-Z]+)*)$`` says the same,
    but tries the math again from every place the date may end: quadratic.)"""
    if text.startswith("NOW"):
        base, math = "NOW", text[3:]
    else:
        base, math = text, ""
        # (as the pattern's ``.`` and ``$``: no line break but a last one)
        body = text[:-1] if text.endswith("\n") else text
        if "\n" not in body:
            for start in _math_suffix_starts(body):
                if _ends_like_a_date(body, start):
                    base, math = body[:start], body[start:]
                    break
    if math and "".join(m.group(0) for m in _DATE_MATH_RE.finditer(math)) != math:
        raise qp.QuerySyntaxError(f"unsupported date math in {text!r}")
    return base, math


_OFFSET_RE = re.compile(r"[+-]\d\d:\d\d")
_DAY_RE = re.compile(r"\d{4}-\d\d-\d\d")


def _math_suffix_starts(text: str) -> list[int]:
    """Every ``i`` (ascending) such that ``text[i:]`` is date math only:
    tokens ``[+-]<digits><A-Z letters>`` or ``/<A-Z letters>``, read from
    the end (each token's start is found from its letters backwards)."""
    starts = [len(text)]
    end = len(text)
    while True:
        i = end
        while i > 0 and "A" <= text[i - 1] <= "Z":
            i -= 1
        if i == end:
            break
        if i > 0 and text[i - 1] == "/":
            i -= 1
        else:
            digits = i
            while digits > 0 and text[digits - 1].isdecimal():
                digits -= 1
            if digits == i or digits == 0 or text[digits - 1] not in "+-":
                break
            i = digits - 1
        starts.append(i)
        end = i
    return starts[::-1]


def _ends_like_a_date(text: str, end: int) -> bool:
    """``text[:end]`` ends with ``Z``, ``[+-]hh:mm``, ``T[digits:.]+`` or
    ``yyyy-mm-dd``."""
    if end >= 1 and text[end - 1] == "Z":
        return True
    if end >= 6 and _OFFSET_RE.fullmatch(text, end - 6, end):
        return True
    if end >= 10 and _DAY_RE.fullmatch(text, end - 10, end):
        return True
    start = end
    while start > 0 and (text[start - 1].isdecimal() or text[start - 1] in ":."):
        start -= 1
    return start < end and start >= 1 and text[start - 1] == "T"


def _parse_iso(text: str, original: str) -> dt.datetime:
    if not re.match(r"^\d{4}-\d\d-\d\d", text):
        raise qp.QuerySyntaxError(f"not a date: {original!r} (use e.g. 2022-01-01T00:00:00Z)")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # nanoseconds: keep microseconds
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise qp.QuerySyntaxError(f"not a date: {original!r} (use e.g. 2022-01-01T00:00:00Z)")
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise qp.QuerySyntaxError(f"date out of range: {original!r}")
    return parsed


def _apply_date_math(moment: dt.datetime, op: str, unit: str) -> dt.datetime:
    unit = unit.rstrip("S")
    unit = {"DATE": "DAY", "MILLISECOND": "MILLI"}.get(unit, unit)
    if op == "/":
        fields = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLI"]
        keep = fields.index(unit)
        reset = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
        names = ["month", "day", "hour", "minute", "second", "microsecond"]
        return moment.replace(**{n: reset[n] for n in names[keep:]})
    amount = int(op)
    if unit in ("YEAR", "MONTH"):
        months = amount * (12 if unit == "YEAR" else 1)
        year, month = divmod(moment.month - 1 + months, 12)
        year += moment.year
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)
    seconds = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1, "MILLI": 0.001}[unit]
    return moment + dt.timedelta(seconds=amount * seconds)
