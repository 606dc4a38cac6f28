"""Output validators (``package_show``): stored strings as typed values.

Also used by the dataset check to see a dataset being saved the way
``package_show`` will show it.
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.opdc_kpi.scoring import standard


def opdc_kpi_multiple_choice_output(value: Any) -> list:
    """A stored multiple choice as a list: JSON lists as they are, any other
    legacy text as a one-item list (as ckanext-scheming does)."""
    if isinstance(value, list):
        return value
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except ValueError:
            return [value]
        if isinstance(loaded, list):
            return loaded
        return [value]
    return [value]


def years_input(value: Any) -> Any:
    """A JSON list in a string (the form shows the stored list) as a list."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            loaded = json.loads(value)
        except ValueError:
            return value
        if isinstance(loaded, list):
            return loaded
    return value


def opdc_kpi_kpi_years_output(value: Any) -> Any:
    """A list of ints; a legacy value that does not parse is shown as stored
    (so an edit round trip does not lose it)."""
    if value is None or value == "":
        return []
    years, problems = standard.parse_kpi_years(years_input(value), today=None)
    return value if problems else years
