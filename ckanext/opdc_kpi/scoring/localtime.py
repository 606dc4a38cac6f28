"""Times as people in Thailand read them (standard library only).

The extension stores times as naive UTC (``datetime.utcnow()``, ISO text
such as ``2026-12-06T13:57:04.511207``). Pages show them in Asia/Bangkok:
Thai pages in the Buddhist era with the short month and "น." ("6 ธ.ค. 2569
20:57 น."), English pages as "6 Dec 2026 20:57 (UTC+7)". One function,
``time_text``, for every page, export and message that shows a time.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")

THAI_SHORT_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.",
                     "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
ENGLISH_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec")


def parse_utc(value: Any) -> dt.datetime | None:
    """A stored time as an aware UTC datetime: a datetime (naive: UTC) or
    ISO text (a trailing ``Z`` or an offset is honoured); None for anything
    else (blank, a date alone, not a time)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and len(value.strip()) >= 16 and value.strip()[10] in "T ":
        text = value.strip()
        if text[-1] in "Zz":
            text = text[:-1] + "+00:00"
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def iso_utc(value: Any) -> str:
    """The time as ISO 8601 UTC with a ``Z`` (for ``<time datetime>``);
    "" when it is no time."""
    moment = parse_utc(value)
    if moment is None:
        return ""
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def time_text(value: Any, lang: str = "th") -> str:
    """A stored time in Bangkok time, in the page's language:
    "6 ธ.ค. 2569 20:57 น." (Thai, Buddhist era) or "6 Dec 2026 20:57 (UTC+7)".
    Anything that is no time is returned as text, unchanged ("" for None)."""
    moment = parse_utc(value)
    if moment is None:
        return "" if value is None else str(value)
    try:
        local = moment.astimezone(BANGKOK)
    except OverflowError:   # the last hours of year 9999
        return str(value)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if lang == "th":
        month = THAI_SHORT_MONTHS[local.month - 1]
        return f"{local.day} {month} {local.year + 543} {clock} น."
    month = ENGLISH_SHORT_MONTHS[local.month - 1]
    return f"{local.day} {month} {local.year} {clock} (UTC+7)"
