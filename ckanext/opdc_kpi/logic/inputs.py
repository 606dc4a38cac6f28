"""What every action does with its input: validate it against its navl
schema (one ``ValidationError`` with a message per field), refuse unknown
parameters, and read a Thai fiscal year."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.logic import site


def fiscal_year(value: Any, context: dict) -> int:
    """A plausible Thai fiscal year (พ.ศ.): 2550 .. the current one + 1."""
    latest = site.current_fiscal_year() + 1
    message = tk._("Enter a fiscal year in the Buddhist era (พ.ศ.) from 2550 to {latest}, "
                   "e.g. 2565").format(latest=latest)
    if isinstance(value, bool):
        raise tk.Invalid(message)
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise tk.Invalid(message)
    if not scoring.plausible_fiscal_year(year, site.today()):
        raise tk.Invalid(message)
    return year


def has_nul(value: Any) -> bool:
    """Whether a text anywhere in ``value`` holds a NUL character (PostgreSQL
    refuses them in text: a query with one fails)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def reject_nul(data_dict: dict[str, Any] | None) -> None:
    """A ``ValidationError`` naming every parameter whose text holds a NUL."""
    errors = {str(key): [tk._("Text must not contain NUL characters")]
              for key, value in (data_dict or {}).items() if has_nul(key) or has_nul(value)}
    if errors:
        raise tk.ValidationError(errors)


def validate(data_dict: dict[str, Any] | None, schema_dict: dict, context: dict) -> dict[str, Any]:
    """The action's input through its schema; a ``ValidationError`` with a
    message per field when anything is wrong."""
    reject_nul(data_dict)
    data, errors = tk.navl_validate(dict(data_dict or {}), schema_dict, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def reject_unknown(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """An error on every parameter the action does not take (navl collects
    unknown top-level keys under ``__extras``, nested ones under ``__junk``)."""
    unknown = data.pop(key, None) or {}
    for name in unknown:
        field = name if isinstance(name, tuple) else (name,)
        errors.setdefault(field, []).append(
            tk._("Unknown parameter: this action does not take it"))


def choice(options: Iterable[str], message: str) -> Callable[[Any], Any]:
    """A validator accepting one of ``options`` (else ``message``)."""
    allowed = tuple(options)

    def validator(value: Any) -> Any:
        if value not in allowed:
            raise tk.Invalid(message)
        return value
    return validator


_TRUE = ("true", "yes", "t", "y", "1", "on")
_FALSE = ("false", "no", "f", "n", "0", "off", "")


def boolean(value: Any, context: dict) -> bool:
    """A flag: true/false (JSON), or the usual words and digits; anything else
    (a list, a number other than 0/1, other text) is a field error. CKAN's own
    ``boolean_validator`` fails with a 500 on a list."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise tk.Invalid(tk._("Enter true or false"))
