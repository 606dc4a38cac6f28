"""The DGA metadata standard: its lists and labels (re-exported here from
``choices`` and ``labels``), text rules, and the pure checks of a dataset.

``dataset_problems`` is the one check of a ``package_show`` dict: the CKAN
validators (field errors), the KPI (the 14 items) and the harvest check all
use it, so the form, the API and the score agree. It never raises.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable

from ckanext.opdc_kpi.scoring.choices import (  # noqa: F401 (re-exported)
    ACCEPTED, ADDED_VALUES, CHOICES, DATA_TYPE_GROUPS, FOCUS_AREA_CODES, FOCUS_AREAS,
    MULTI_CHOICE_FIELDS, OPEN_CLASSIFICATION, OPEN_LICENSES, OTHER, OTHER_DATA_TYPE,
    OTHER_VALUE, PUBLIC_CATEGORY, UNKNOWN, Choice, choice_label)
from ckanext.opdc_kpi.scoring.fiscal import (  # noqa: F401 (re-exported)
    FIRST_FISCAL_YEAR, fiscal_year_of, parse_kpi_years, plausible_fiscal_year)
from ckanext.opdc_kpi.scoring.labels import (  # noqa: F401 (re-exported)
    FIELD_LABELS, MANDATORY_FIELDS, MANDATORY_ITEMS, RESOURCE_FIELD_LABELS, field_label,
    item_of)
from ckanext.opdc_kpi.scoring.model import Problem
from ckanext.opdc_kpi.scoring.text import (  # noqa: F401 (re-exported)
    KEYWORD_MAX_LENGTH, KEYWORD_MIN_LENGTH, as_list, bad_keyword_char, is_blank, is_email,
    is_http_url, keyword_problem, normalize_text, shown, split_keywords)

#: Problem codes meaning "not given" (a draft may still lack these).
NOT_GIVEN_CODES = frozenset({
    "required", "keyword_required", "other_required", "resource_other_required"})

#: Choice fields of the dataset beyond the 14 items, checked when given.
OPTIONAL_CHOICE_FIELDS = (
    "allow_harvest", "data_classification", "data_support", "data_collect", "data_language",
    "disaggregate", "unit_of_multiplier", "geographic_data_set", "equivalent_scale",
    "high_value_dataset", "reference_data", "official_statistics", "single_source_of_truth",
)

#: Choice fields of a resource, checked when given.
RESOURCE_CHOICE_FIELDS = (
    "resource_data_collect", "resource_disaggregate", "resource_unit_of_multiplier",
    "resource_geographic_data_set", "resource_equivalent_scale", "resource_official_statistics",
)

_POSITIVE_INT = re.compile(r"\d{1,9}")   # Thai digits too; 9 digits is plenty


def is_not_given(problem: Problem) -> bool:
    """The problem is that something required is not given (not a bad value)."""
    return getattr(problem, "code", None) in NOT_GIVEN_CODES


def _p(field: str, code: str, **params: Any) -> Problem:
    return Problem(field, code, {"field": field, **params})


def email_problem(field: str, value: Any) -> Problem | None:
    """A problem when a given ``value`` is not one valid e-mail address
    (blank is not this check's business: see ``required``)."""
    if is_blank(value) or is_email(value):
        return None
    return _p(field, "invalid_email", value=shown(value))


def positive_int_problem(field: str, value: Any) -> Problem | None:
    """A problem when a given ``value`` is not a positive whole number
    (an int, or a string of at most 9 digits)."""
    if is_blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        ok = value > 0
    elif isinstance(value, str):
        text = normalize_text(value)
        ok = bool(_POSITIVE_INT.fullmatch(text)) and int(text) > 0
    else:
        ok = False
    return None if ok else _p(field, "not_positive_int", value=shown(value))


def free_keywords(pkg: dict) -> list[Any]:
    """The dataset's free keywords: from ``tag_string`` when present, else the
    ``tags`` without a vocabulary (the focus-area vocabulary tag never counts)."""
    value = pkg.get("tag_string")
    if value is not None:
        return split_keywords(value)
    tags = pkg.get("tags")
    if not isinstance(tags, (list, tuple)):
        return []
    words: list[Any] = []
    for tag in tags:
        if isinstance(tag, dict):
            if is_blank(tag.get("vocabulary_id")) and not is_blank(tag.get("name")):
                words.append(tag.get("name"))
        elif isinstance(tag, str) and not is_blank(tag):
            words.append(tag)
    return words


# --- field kinds ----------------------------------------------------------

def _text(pkg: dict, field: str, required: bool) -> list[Problem]:
    value = pkg.get(field)
    if is_blank(value):
        return [_p(field, "required")] if required else []
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return [_p(field, "not_text")]
    return []


def _single_value(value: Any) -> str | None:
    """A one-choice value as text; None when it is no single scalar."""
    if isinstance(value, (list, tuple)):
        items = as_list(value)
        return items[0] if len(items) == 1 else None
    if isinstance(value, (dict, set, frozenset)):
        return None
    return normalize_text(value)


def _choice(pkg: dict, field: str, required: bool, list_name: str | None = None,
            where: str | None = None, index: int | None = None) -> list[Problem]:
    """A choice field: given (when required), every value from its list, and
    the "other" value backed by a non-blank ``<field>_other``.

    For a resource field, ``where`` is "resources" and ``index`` its position.
    """
    list_name = list_name or field
    value = pkg.get(field)
    extra = {} if index is None else {"resource": index}
    problem_field = where or field
    if is_blank(value):
        return [_p(field, "required")] if required else []
    if field in MULTI_CHOICE_FIELDS:
        values = as_list(value)
        if not values:
            return [_p(field, "required")] if required else []
    else:
        single = _single_value(value)
        values = [single] if single else []
        if single is None:
            code = "resource_invalid_choice" if where else "invalid_choice"
            return [Problem(problem_field, code, {"field": field, "value": shown(value), **extra})]
    accepted = ACCEPTED.get(list_name, frozenset())
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in values:
        if item not in accepted and item not in seen:
            seen.add(item)
            code = "resource_invalid_choice" if where else "invalid_choice"
            problems.append(Problem(problem_field, code,
                                    {"field": field, "value": shown(item), **extra}))
    other = OTHER_VALUE.get(list_name)
    other_field = f"{field}_other"
    if other and other in values and is_blank(pkg.get(other_field)):
        if where:
            problems.append(Problem(where, "resource_other_required",
                                    {"field": other_field, "choice_field": field, **extra}))
        else:
            problems.append(Problem(other_field, "other_required",
                                    {"field": other_field, "choice_field": field,
                                     "choice": other}))
    return problems


def _keywords(pkg: dict) -> list[Problem]:
    words = free_keywords(pkg)
    if not words:
        return [_p("tag_string", "keyword_required")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for word in words:
        code = keyword_problem(word)
        if code is None:
            continue
        keyword = shown(word)
        if (code, keyword) in seen:
            continue
        seen.add((code, keyword))
        params: dict[str, Any] = {"keyword": keyword}
        if code == "keyword_invalid_char":
            char = bad_keyword_char(normalize_text(word)) or ""
            params["char"] = char if char.isprintable() else f"U+{ord(char):04X}"
        elif code in ("keyword_too_short", "keyword_too_long"):
            params.update(min=KEYWORD_MIN_LENGTH, max=KEYWORD_MAX_LENGTH)
        problems.append(_p("tag_string", code, **params))
    return problems


def _licence(pkg: dict) -> list[Problem]:
    problems = _choice(pkg, "license_id", required=True)
    licence = _single_value(pkg.get("license_id"))
    category = _single_value(pkg.get("data_category"))
    if (licence in OPEN_LICENSES and category in ACCEPTED["data_category"]
            and category != PUBLIC_CATEGORY):
        problems.append(_p("license_id", "open_license_not_public",
                           license=licence, category=category))
    return problems


# --- the checks -----------------------------------------------------------

def _mandatory(pkg: dict) -> list[Problem]:
    email = pkg.get("maintainer_email")
    interval = positive_int_problem("update_frequency_interval",
                                    pkg.get("update_frequency_interval"))
    problems: list[Problem] = []
    problems += _choice(pkg, "data_type", required=True)                 # 1
    problems += _text(pkg, "title", required=True)                       # 2
    problems += _text(pkg, "owner_org", required=True)                   # 3
    problems += _text(pkg, "maintainer", required=True)                  # 4
    problems += ([_p("maintainer_email", "required")] if is_blank(email)  # 5
                 else [p for p in [email_problem("maintainer_email", email)] if p])
    problems += _keywords(pkg)                                           # 6
    problems += _text(pkg, "notes", required=True)                       # 7
    problems += _choice(pkg, "objective", required=True)                 # 8
    problems += _choice(pkg, "update_frequency_unit", required=True)     # 9.1
    problems += [interval] if interval else []                          # 9.2
    problems += _choice(pkg, "geo_coverage", required=True)              # 10
    problems += _text(pkg, "data_source", required=True)                 # 11
    problems += _choice(pkg, "data_format", required=True)               # 12
    problems += _choice(pkg, "data_category", required=True)             # 13
    problems += _licence(pkg)                                            # 14
    return problems


def _others(pkg: dict, today: date) -> list[Problem]:
    problems: list[Problem] = []
    for name in OPTIONAL_CHOICE_FIELDS:
        problems += _choice(pkg, name, required=False)
    focus = pkg.get("focus_area")
    if is_blank(focus):
        problems.append(_p("focus_area", "required"))
    elif _single_value(focus) is None or _single_value(focus).lower() not in FOCUS_AREA_CODES:
        problems.append(_p("focus_area", "invalid_focus_area", value=shown(focus)))
    problems += parse_kpi_years(pkg.get("kpi_years"), today=today)[1]
    category = _single_value(pkg.get("data_category"))
    classification = _single_value(pkg.get("data_classification"))
    if (category == PUBLIC_CATEGORY and classification
            and classification in ACCEPTED["data_classification"]
            and classification != OPEN_CLASSIFICATION):
        problems.append(_p("data_classification", "classification_not_open",
                           value=classification, category=category))
    url = pkg.get("use_case_url")
    if not is_blank(url) and not is_http_url(url):
        problems.append(_p("use_case_url", "invalid_url", value=shown(url)))
    resources = pkg.get("resources")
    if isinstance(resources, (list, tuple)):
        for position, resource in enumerate(resources, start=1):
            if not isinstance(resource, dict):
                continue
            for name in RESOURCE_CHOICE_FIELDS:
                problems += _choice(resource, name, required=False,
                                    list_name=name, where="resources", index=position)
    return problems


def _guarded(check, pkg: Any, *args: Any) -> list[Problem]:
    if not isinstance(pkg, dict):
        pkg = {}
    try:
        return _unique(check(pkg, *args))
    except Exception as error:   # a bug must not turn a save into a server error
        return [Problem("", "check_failed", {"error": type(error).__name__})]


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple] = set()
    for problem in problems:
        key = (problem.field, problem.code, repr(sorted(problem.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


# The 14-item check depends on the choice items' values, on whether each
# free-text item is given, and on the keywords; datasets of a catalog share
# most of these, so the problems are remembered per signature (bounded).
_TEXT_ITEMS = ("title", "owner_org", "maintainer", "notes", "data_source")
_VALUE_ITEMS = ("data_type", "maintainer_email", "objective", "update_frequency_unit",
                "update_frequency_interval", "geo_coverage", "data_format", "data_category",
                "license_id")
_VALUE_ITEMS_OTHER = tuple(f"{name}_other" for name in _VALUE_ITEMS)
_CHECKED: dict[tuple, tuple[Problem, ...]] = {}
_CHECKED_SIZE = 20000


_NONE = ("NoneType", None)


def _frozen(value: Any, depth: int = 0) -> Any:
    """A hashable, type-exact stand-in of a value (TypeError when none)."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return _NONE
    if kind is list and all(type(v) is str for v in value):
        return ("list", tuple(value))
    if depth > 5:
        raise TypeError("too deep")
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_frozen(v, depth + 1) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _frozen(v, depth + 1)) for k, v in value.items())))
    if value is None or type(value) in (int, float, bool):
        return (type(value).__name__, value)
    raise TypeError(type(value).__name__)


def _text_kind(value: Any) -> int:
    if is_blank(value):
        return 0
    return 1 if isinstance(value, (dict, list, tuple, set, frozenset)) else 2


def _signature(pkg: dict) -> tuple:
    get = pkg.get
    return (
        tuple(_text_kind(get(name)) for name in _TEXT_ITEMS),
        tuple(map(_frozen, map(get, _VALUE_ITEMS))),
        tuple(map(_frozen, map(get, _VALUE_ITEMS_OTHER))),
        # which of the two the keywords come from is part of the signature
        ("tag_string", _frozen(pkg.get("tag_string"))) if pkg.get("tag_string") is not None
        else ("tags", _tags_signature(pkg.get("tags"))),
    )


def _tags_signature(tags: Any) -> Any:
    """What free_keywords reads of ``tags``: each dict tag's name and
    vocabulary (other keys, such as ids, never matter)."""
    if isinstance(tags, list) and all(type(t) is dict for t in tags):
        return ("tags", tuple((_frozen(t.get("name")), _frozen(t.get("vocabulary_id")))
                              for t in tags))
    return _frozen(tags)


def mandatory_problems(pkg: dict) -> list[Problem]:
    """Why the 14 mandatory items of the DGA standard are not all "given and
    valid" (kpi-rules.md); ``[]`` means the dataset is complete."""
    if not isinstance(pkg, dict):
        return _guarded(_mandatory, pkg)
    try:
        key = _signature(pkg)
    except (TypeError, ValueError, RecursionError):
        return _guarded(_mandatory, pkg)
    known = _CHECKED.get(key)
    if known is None:
        known = tuple(_guarded(_mandatory, pkg))
        if len(_CHECKED) >= _CHECKED_SIZE:
            _CHECKED.clear()
        _CHECKED[key] = known
    return list(known)


def dataset_problems(pkg: dict, *, today: date) -> list[Problem]:
    """Every problem of a ``package_show`` dict: the 14 items, then every
    other choice field when given (resources too), the focus area (required),
    plausible ``kpi_years``, the classification of public data, yes/no values
    and the use-case URL. Never raises, whatever the input."""
    return _guarded(lambda p: _mandatory(p) + _others(p, today), pkg)
