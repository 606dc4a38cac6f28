"""Text as agency catalogs store it: normalisation, blanks, lists, keywords,
URLs and e-mail addresses. Pure functions; none of them raises."""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from ckanext.opdc_kpi.scoring.choices import CHOICES

_NIKHAHIT = "\u0e4d"   # ํ
_SARA_AA = "\u0e32"    # า
_SARA_AM = "\u0e33"    # ำ
_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
# ํ + tone + า (typed in that order) -> tone + ำ
_NIKHAHIT_TONE_AA = re.compile(f"{_NIKHAHIT}([{_TONE_MARKS}]){_SARA_AA}")

KEYWORD_MIN_LENGTH = 2     # as CKAN's tag validator
KEYWORD_MAX_LENGTH = 100
_KEYWORD_PUNCTUATION = frozenset(" -_.")

_MAX_DEPTH = 20            # nested junk deeper than this is ignored, not recursed


# A catalog repeats the same few thousand values (choices, agency names,
# units) across its datasets: each is normalised once. Bounded: cleared when
# full, so memory stays flat on any catalog.
_NORMALIZED: dict[str, str] = {}
_CACHE_SIZE = 50000
_CACHED_LENGTH = 200


def normalize_text(value: Any) -> str:
    """Text in the form the extension stores and compares.

    NFC, then the split sara am (U+0E4D U+0E32) joined into U+0E33; a tone
    mark typed before U+0E4D stays before it ("น" U+0E49 U+0E4D U+0E32 ->
    "น" U+0E49 U+0E33), one typed between them moves before the joined vowel;
    then surrounding white space trimmed. ``None`` is ""; other non-text
    values are turned into text first (``True`` -> "True", 3 -> "3").
    """
    if type(value) is str:
        cached = _NORMALIZED.get(value)
        if cached is not None:
            return cached
        text = _normalize(value)
        if len(value) <= _CACHED_LENGTH:
            if len(_NORMALIZED) >= _CACHE_SIZE:
                _NORMALIZED.clear()
            _NORMALIZED[value] = text
        return text
    if value is None:
        return ""
    try:
        value = str(value)
    except Exception:  # a hostile __str__: nothing usable
        return ""
    return _normalize(value)


def _normalize(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    if _NIKHAHIT in text:
        text = _NIKHAHIT_TONE_AA.sub(lambda m: m.group(1) + _SARA_AM, text)
        text = text.replace(_NIKHAHIT + _SARA_AA, _SARA_AM)
    return text.strip()


def is_blank(value: Any, _depth: int = 0) -> bool:
    """"Not given": absent/None, "", white space, an empty list or dict, or a
    list whose every element is blank."""
    if value is None:
        return True
    if type(value) is str:
        # normalisation never turns visible characters into white space, so
        # a long text with any is given (no need to normalise all of it)
        if len(value) > _CACHED_LENGTH:
            return not value.strip()
        return not normalize_text(value)
    if isinstance(value, str):
        return normalize_text(value) == ""
    if isinstance(value, (list, tuple, set, frozenset)):
        if _depth > _MAX_DEPTH:
            return True
        return all(is_blank(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return not value
    return False


_ALL_CHOICE_VALUES = frozenset(c.value for choices in CHOICES.values() for c in choices)


def as_list(value: Any) -> list[str]:
    """A multiple-choice value as a list of normalised, non-blank strings.

    Accepts a list, a JSON-list string (``'["CSV","XML"]'``, as old CKAN 2.9
    agency catalogs store it), a PostgreSQL-array string (``'{CSV,XML}'``), a
    comma-separated string or one string. A string that is itself one known
    choice value (``"1:10,000"``) is not split. Non-text elements become text
    (so they fail a choice check rather than vanish).
    """
    out: list[str] = []
    _collect(value, out, 0)
    return out


def _collect(value: Any, out: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH or value is None:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, out, depth + 1)
        return
    if isinstance(value, (set, frozenset)):
        for item in sorted(value, key=repr):
            _collect(item, out, depth + 1)
        return
    if isinstance(value, dict):   # junk, kept as text so a choice check reports it
        text = normalize_text(_json_text(value))
        if text:
            out.append(text)
        return
    text = normalize_text(value)
    if not text:
        return
    if text in _ALL_CHOICE_VALUES:
        out.append(text)
        return
    if text.startswith("[") and text.endswith("]"):
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError):
            loaded = None
        if isinstance(loaded, list):
            _collect(loaded, out, depth + 1)
            return
    if text.startswith("{") and text.endswith("}"):
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError):
            loaded = None
        if isinstance(loaded, dict):   # junk, kept whole so a check reports it
            out.append(text)
            return
        parts = [p.strip().strip('"') for p in text[1:-1].split(",")]   # {CSV,XML}
        out.extend(p for p in (normalize_text(p) for p in parts) if p)
        return
    if "," in text:
        out.extend(p for p in (normalize_text(p) for p in text.split(",")) if p)
        return
    out.append(text)


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return "?"


def shown(value: Any, limit: int = 80) -> str:
    """A value as text for a message: normalised, at most ``limit`` characters."""
    if isinstance(value, str):
        text = normalize_text(value)
    elif isinstance(value, (list, tuple, dict)):
        text = normalize_text(_json_text(value))
    else:
        text = normalize_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def keyword_problem(tag: Any) -> str | None:
    """Why ``tag`` is not a valid keyword (a problem code), or None.

    Letters of any script with their combining vowel and tone marks (Unicode
    Mn/Mc: Thai ข้อมูล, สถิติ, น้ำ), digits, space, ``-``, ``_`` and ``.`` are
    valid: a superset of what CKAN's own tag validator accepts. Commas,
    control characters and other punctuation are not. Length 2..100 after
    normalisation, as CKAN.
    """
    if not isinstance(tag, str):
        return "keyword_not_text"
    text = normalize_text(tag)
    if len(text) < KEYWORD_MIN_LENGTH:
        return "keyword_too_short"
    if len(text) > KEYWORD_MAX_LENGTH:
        return "keyword_too_long"
    if bad_keyword_char(text) is not None:
        return "keyword_invalid_char"
    return None


def bad_keyword_char(text: str) -> str | None:
    """The first character a keyword may not hold, or None."""
    for char in text:
        if char.isalnum() or char in _KEYWORD_PUNCTUATION:
            continue
        if unicodedata.category(char) in ("Mn", "Mc"):
            continue
        return char
    return None


def split_keywords(value: Any) -> list[Any]:
    """The keywords of a ``tag_string``: comma-separated text or a list."""
    if isinstance(value, str):
        return [p for p in value.split(",") if not is_blank(p)]
    if isinstance(value, (list, tuple)):
        return [v for v in value if not is_blank(v)]
    return [value]


def is_http_url(value: Any) -> bool:
    """An absolute http(s) URL with a host (no white space inside)."""
    if not isinstance(value, str):
        return False
    text = normalize_text(value)
    if not text or any(c.isspace() or unicodedata.category(c) == "Cc" for c in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


_EMAIL_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_EMAIL_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_EMAIL = re.compile(rf"{_EMAIL_LOCAL}@(?:{_EMAIL_LABEL}\.)+[^\W\d_]{{2,63}}")


def is_email(value: Any) -> bool:
    """A syntactically valid single e-mail address (internationalised domains
    allowed; no display name, no list)."""
    if not isinstance(value, str):
        return False
    text = normalize_text(value)
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None

