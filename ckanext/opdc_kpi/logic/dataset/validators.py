"""Field validators named by the scheming YAML (schemas/*.yaml).

Every choice list, normalisation and rule comes from
``ckanext.opdc_kpi.scoring.standard`` and every message from
``scoring.messages``; nothing here keeps a second copy. Field validators
normalise and convert; a value they cannot accept is a field error, unless it
is an untouched legacy value (``legacy.py``). The rules that need the whole
dataset (the 14 items, "other" texts, licence and category, ...) are checked
once by ``checks.opdc_kpi_dataset_checks``.

Whatever the input (any JSON type, any Unicode), a validator either returns a
value or reports a field error: it never raises anything else.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.dataset import checks, legacy, names
from ckanext.opdc_kpi.logic.dataset.output import (
    opdc_kpi_kpi_years_output, opdc_kpi_multiple_choice_output, years_input)
from ckanext.opdc_kpi.logic.site import msg, today
from ckanext.opdc_kpi.scoring import standard
from ckanext.scheming.validation import scheming_validator

missing = tk.missing
Invalid = tk.Invalid
StopOnError = tk.StopOnError

_ISO_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]*(?:Z|[+-]\d{2}:?\d{2})?)?")
BUDDHIST_ERA_FROM = 2400    # a year from here on is พ.ศ. (CE + 543)


def get_validators() -> dict[str, Any]:
    return {
        "opdc_kpi_text": opdc_kpi_text,
        "opdc_kpi_length": opdc_kpi_length,
        "opdc_kpi_choice": opdc_kpi_choice,
        "opdc_kpi_multiple_choice": opdc_kpi_multiple_choice,
        "opdc_kpi_multiple_choice_output": opdc_kpi_multiple_choice_output,
        "opdc_kpi_email": opdc_kpi_email,
        "opdc_kpi_positive_int": opdc_kpi_positive_int,
        "opdc_kpi_http_url": opdc_kpi_http_url,
        "opdc_kpi_date": opdc_kpi_date,
        "opdc_kpi_tag_string": opdc_kpi_tag_string,
        "opdc_kpi_keyword": opdc_kpi_keyword,
        # CKAN's own rejects Thai words (their vowel and tone marks are not
        # \w), so an agency dataset's own tags sent back by an edit would fail:
        # the `tags` list of every dataset is validated with this one instead.
        "tag_name_validator": opdc_kpi_keyword,
        "opdc_kpi_focus_area": opdc_kpi_focus_area,
        "opdc_kpi_kpi_years": opdc_kpi_kpi_years,
        "opdc_kpi_kpi_years_output": opdc_kpi_kpi_years_output,
        "opdc_kpi_allow_harvest_default": opdc_kpi_allow_harvest_default,
        "opdc_kpi_dataset_checks": checks.opdc_kpi_dataset_checks,
        "opdc_kpi_dataset_name": names.opdc_kpi_dataset_name,
    }


# --- shared ----------------------------------------------------------------

def _blank(value: Any) -> bool:
    return value is missing or standard.is_blank(value)


def _text(value: Any) -> str | None:
    """A scalar as normalised text (True -> "True", 3 -> "3"); None for
    lists, dicts and other structures."""
    if isinstance(value, (str, bool, int, float)):
        return standard.normalize_text(value)
    return None


def _error(errors: dict, key: tuple, code: str, **params: Any) -> None:
    errors[key].append(msg(code, field=key[-1], **params))


def _keep_legacy(key: tuple, data: dict, context: dict, raw: Any) -> bool:
    """True, with the stored value put back as it is, for an untouched legacy
    value; False when the value must be checked like any new one."""
    try:
        if not legacy.untouched_legacy(key, data, context, raw):
            return False
        stored = legacy.stored_raw(key, data, context)
    except Exception:  # noqa: BLE001 - a broken stored dataset must not turn into a 500
        return False
    if stored is not None:
        data[key] = stored
    elif isinstance(raw, str):
        data[key] = raw
    else:
        data[key] = json.dumps(raw, ensure_ascii=False, default=str)
    return True


def _store_or_refuse(key: tuple, data: dict, errors: dict, context: dict,
                     problem: Any, stored: Callable[[], Any]) -> None:
    """No problem: store ``stored()``; else keep an untouched legacy value,
    or report the problem on the field and stop its chain."""
    if problem is None:
        data[key] = stored()
    elif not _keep_legacy(key, data, context, data.get(key)):
        errors[key].append(msg(problem.code, **problem.params))
        raise StopOnError


def _accepted(field: dict) -> dict[str, str]:
    """The field's list (``choices_list``, default its name): normalised
    value -> stored value. A choice's Thai label (as the agency extension
    shows it, e.g. ``XLS/XLSX`` for ``XLS``) and its English label are
    accepted too and stored as the value; a value wins over a label that
    happens to spell another value."""
    name = field.get("choices_list") or field["field_name"]
    return accepted_spellings(name)


def accepted_spellings(list_name: str) -> dict[str, str]:
    """Every accepted spelling of a choice list's values (labels first, so
    the values themselves win): normalised text -> stored value."""
    choices = standard.CHOICES.get(list_name, ())
    accepted: dict[str, str] = {}
    for c in choices:
        for label in (c.en, c.th):
            accepted.setdefault(standard.normalize_text(label), c.value)
    accepted.update({standard.normalize_text(c.value): c.value for c in choices})
    return accepted


# --- text ------------------------------------------------------------------

def opdc_kpi_text(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Optional text: NFC, the split ำ joined, trimmed. Anything but text or a
    number is a field error (and ends the chain)."""
    value = data.get(key)
    if value is missing or value is None:
        return
    text = _text(value)
    if text is None:
        _error(errors, key, "not_text")
        raise StopOnError
    data[key] = text


MAX_FORMAT_CHARS = 200  # one facet value of the search index (its GIN: 2,712 bytes)
# a title: CKAN's index on it holds 2,704 bytes (~900 Thai letters were a 500)
MAX_CHARS = {"format": MAX_FORMAT_CHARS, "title": 500}


def opdc_kpi_length(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """At most ``MAX_CHARS`` characters (a format, a title), or the value it had before."""
    value, limit = data.get(key), MAX_CHARS.get(key[-1], MAX_FORMAT_CHARS)
    if isinstance(value, str) and len(value) > limit and not _keep_legacy(
            key, data, context, value):
        _error(errors, key, "too_long", max=limit)
        raise StopOnError


def opdc_kpi_email(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """One e-mail address (checked on drafts too: blank is a draft's right,
    a wrong address is not)."""
    value = data.get(key)
    if _blank(value):
        return
    _store_or_refuse(key, data, errors, context, standard.email_problem(key[-1], value),
                     lambda: _text(value))


def opdc_kpi_positive_int(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """A positive whole number, stored as its (ASCII) digits, or blank."""
    value = data.get(key)
    if _blank(value):
        if value is not missing:
            data[key] = ""
        return
    _store_or_refuse(key, data, errors, context, standard.positive_int_problem(key[-1], value),
                     lambda: str(int(_text(value))))


def opdc_kpi_http_url(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """An absolute http(s) URL, or blank."""
    value = data.get(key)
    if _blank(value):
        return
    if standard.is_http_url(value):
        data[key] = _text(value)
    elif not _keep_legacy(key, data, context, value):
        _error(errors, key, "invalid_url", value=standard.shown(value))
        raise StopOnError


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.fullmatch(standard.normalize_text(value))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if year >= BUDDHIST_ERA_FROM:
        year -= 543
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def opdc_kpi_date(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """A date YYYY-MM-DD, stored ISO in the Christian era as the agency
    extension stores it; a year from 2400 on is พ.ศ. (Template 3 asks for
    Buddhist-era dates) and converted."""
    value = data.get(key)
    if _blank(value):
        return
    parsed = _parse_date(value)
    if parsed is not None:
        data[key] = parsed.isoformat()
    elif not _keep_legacy(key, data, context, value):
        _error(errors, key, "invalid_date", value=standard.shown(value))
        raise StopOnError


# --- choices ---------------------------------------------------------------

@scheming_validator
def opdc_kpi_choice(field: dict, schema: dict):
    """One value from the field's list, compared after normalisation and
    stored as the list spells it."""

    def validator(key, data, errors, context):
        value = data.get(key)
        if _blank(value):
            if value is not missing:
                data[key] = ""
            return
        accepted = _accepted(field)
        text = _text(value)
        if text is not None and text in accepted:
            data[key] = accepted[text]
        elif not _keep_legacy(key, data, context, value):
            _error(errors, key, "invalid_choice", value=standard.shown(value))
            raise StopOnError

    return validator


@scheming_validator
def opdc_kpi_multiple_choice(field: dict, schema: dict):
    """Values from the field's list: a list, one string or a JSON list.
    Stored as ckanext-scheming stores them: a JSON list, in the list's order."""

    def validator(key, data, errors, context):
        value = data.get(key)
        items = _items(value)
        if items is None:
            _error(errors, key, "not_a_list")
            raise StopOnError
        accepted = _accepted(field)
        selected, unknown = set(), []
        for item in items:
            text = _text(item)
            if text == "":
                continue
            if text is not None and text in accepted:
                selected.add(accepted[text])
            elif item not in unknown:
                unknown.append(item)
        if unknown:
            if _keep_legacy(key, data, context, value):
                return
            for item in unknown:
                _error(errors, key, "invalid_choice", value=standard.shown(item))
            raise StopOnError
        order = [c.value for c in standard.CHOICES.get(
            field.get("choices_list") or field["field_name"], ())]
        data[key] = json.dumps([v for v in order if v in selected])

    return validator


def _items(value: Any) -> list | None:
    """The elements of a multiple-choice input; None when it is no list."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                loaded = json.loads(text)
            except (ValueError, RecursionError):
                loaded = None
            if isinstance(loaded, list):
                return loaded
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


# --- keywords --------------------------------------------------------------

def opdc_kpi_keyword(value: Any, context: dict) -> Any:
    """One keyword: letters of any script with their vowel and tone marks
    (Thai ข้อมูล, สถิติ, น้ำ), digits, space, - _ . ; not commas or control
    characters."""
    code = standard.keyword_problem(value)
    if code:
        params: dict[str, Any] = {"field": "tag_string", "keyword": standard.shown(value)}
        if code == "keyword_invalid_char":
            char = standard.bad_keyword_char(standard.normalize_text(value)) or ""
            params["char"] = char if char.isprintable() else f"U+{ord(char):04X}"
        elif code in ("keyword_too_short", "keyword_too_long"):
            params.update(min=standard.KEYWORD_MIN_LENGTH, max=standard.KEYWORD_MAX_LENGTH)
        raise Invalid(msg(code, **params))
    return standard.normalize_text(value)


def opdc_kpi_tag_string(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Comma-separated keywords (or a list of them), added to ``tags``.

    "At least one keyword" is checked on the resulting tags by the dataset
    check, so a ``tags`` list sent without ``tag_string`` cannot bypass it.
    """
    value = data.get(key)
    if value is missing or value is None:
        return
    if not isinstance(value, (str, list, tuple)):
        _error(errors, key, "not_text")
        raise StopOnError
    words: Iterable[Any] = standard.split_keywords(value)
    keywords: list[str] = []
    for word in words:
        try:
            keyword = opdc_kpi_keyword(word, context)
        except Invalid as e:
            errors[key].append(e.error)
            continue
        if keyword not in keywords:
            keywords.append(keyword)
    if errors[key]:
        raise StopOnError
    start = 1 + max([k[1] for k in data if len(k) == 3 and k[0] == "tags"
                     and isinstance(k[1], int)] + [-1])
    for offset, keyword in enumerate(keywords):
        data[("tags", start + offset, "name")] = keyword
    data[key] = ", ".join(keywords)


# --- OPDC KPI fields -------------------------------------------------------

def opdc_kpi_focus_area(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """One of the 10 focus area codes, or blank (required on active datasets:
    the dataset check). Never stored as an extra: the dataset check makes it
    the dataset's tag of the ``opdc_focus_areas`` vocabulary."""
    value = data.get(key)
    codes = {k.lower(): v for k, v in accepted_spellings("focus_area").items()}
    text = "" if _blank(value) else _text(value)
    if text is not None and (text == "" or text.lower() in codes):
        data[key] = codes.get(text.lower(), "")
    elif _keep_legacy(key, data, context, value):
        data[key] = text or ""
    else:
        _error(errors, key, "invalid_focus_area", value=standard.shown(value))
    # end the chain here: scheming appends convert_to_extras to it
    raise StopOnError


def opdc_kpi_kpi_years(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Thai fiscal years (พ.ศ., 2550 .. the current one + 1): ints, numeric
    strings or a comma-separated string; stored as a JSON list of ints."""
    value = data.get(key)
    years, problems = standard.parse_kpi_years(years_input(value),
                                               today=today())
    if not problems:
        data[key] = json.dumps(years)
    elif not _keep_legacy(key, data, context, value):
        for problem in problems:
            errors[key].append(msg(problem.code, **problem.params))
        raise StopOnError


def opdc_kpi_allow_harvest_default(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Blank on a dataset that is not private: "True", as the agency
    extension does (a private dataset's blank stays blank)."""
    if not _blank(data.get(key)):
        return
    private = data.get(("private",))
    if private is missing or private is None or (_text(private) or "").lower() in _FALSE:
        data[key] = "True"


_FALSE = ("", "false", "f", "no", "n", "off", "0")
