"""Input schemas of the score actions (navl)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.inputs import boolean as boolean_input
from ckanext.opdc_kpi.logic.inputs import fiscal_year, reject_unknown


def _common() -> dict[str, list]:
    v = tk.get_validator
    return {
        "fiscal_year": [v("ignore_missing"), fiscal_year],
        "public_only": [v("ignore_missing"), boolean_input],
        "__extras": [reject_unknown],
        "__junk": [reject_unknown],
    }


def score() -> dict[str, list]:
    v = tk.get_validator
    return dict(_common(), id=[v("not_empty"), v("unicode_safe")],
                live=[v("ignore_missing"), boolean_input])


def score_list() -> dict[str, list]:
    return _common()
