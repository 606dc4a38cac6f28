"""``opdc_kpi_dataset_completeness``: the KPI completeness of a dataset as it
is being typed (the 14 mandatory items, and whether it is in a fiscal year's
basket), computed by the scoring core's own rules for the dataset form.

Side-effect free and local: it reads the organization's declared focus areas
and nothing else; it never saves, never calls a remote service.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.inputs import choice, fiscal_year, reject_unknown, validate
from ckanext.opdc_kpi.scoring.completeness import dataset_completeness
from ckanext.opdc_kpi.scoring.criteria import declared_focus_areas

#: Limits of the typed dataset: a form has ~100 fields; a description is long.
MAX_FIELDS = 300
MAX_TEXT = 100_000
MAX_LIST = 100


def typed_dataset(value: Any, context: dict) -> dict[str, Any]:
    """The form's values: an object of field names to text, a list of texts
    (several choices) or nothing."""
    message = tk._("Give the form's values as an object of field names to text "
                   "or lists of text")
    if not isinstance(value, dict) or len(value) > MAX_FIELDS:
        raise tk.Invalid(message)
    for key, item in value.items():
        items = item if isinstance(item, list) else [item]
        if not isinstance(key, str) or len(key) > 200 or len(items) > MAX_LIST:
            raise tk.Invalid(message)
        for text in items:
            if text is not None and not isinstance(text, (str, int, float)):
                raise tk.Invalid(message)
            if isinstance(text, bool) or (isinstance(text, str) and len(text) > MAX_TEXT):
                raise tk.Invalid(message)
    return value


def schema() -> dict[str, list]:
    v = tk.get_validator
    return {
        "dataset": [v("not_missing"), typed_dataset],
        "id": [v("ignore_missing"), v("unicode_safe")],
        "fiscal_year": [v("ignore_missing"), fiscal_year],
        "lang": [v("ignore_missing"), choice(("th", "en"), tk._("Choose th or en"))],
        "__extras": [reject_unknown],
        "__junk": [reject_unknown],
    }


def _focus_areas(context: dict, owner_org: Any) -> list[str]:
    """The organization's declared focus areas ([] when it is unknown or
    not visible to the caller)."""
    if not isinstance(owner_org, str) or not owner_org.strip():
        return []
    try:
        org = tk.get_action("organization_show")(
            tk.fresh_context(context), {"id": owner_org.strip(), "include_datasets": False,
                                        "include_users": False, "include_extras": True})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return []
    return declared_focus_areas(org)


@tk.side_effect_free
def opdc_kpi_dataset_completeness(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """How a dataset as typed in the form counts for the KPI: mandatory items
    complete out of 14, the missing ones (Thai and English labels, a message)
    and whether it is in the fiscal year's basket. Nothing is saved.

    :param dataset: the form's values (field name → text or list of texts),
        as the dataset form holds them (``tag_string``, ``kpi_years`` "2565, 2566")
    :type dataset: dict
    :param id: the dataset being edited, if it exists (decides who may ask)
    :type id: string
    :param fiscal_year: Thai fiscal year (พ.ศ.) of the basket; default: the current one
    :type fiscal_year: int
    :param lang: "th" or "en" for ``label`` and messages; default: the request's
    :type lang: string
    :returns: ``total``, ``complete``, ``is_complete``, ``missing`` (``item``,
        ``field``, ``code``, ``label``, ``labels`` {th, en}, ``message``),
        ``fiscal_year``, ``in_basket``, ``focus_area``, ``basket_reason`` {code, message}
    :rtype: dict
    """
    data = validate(data_dict, schema(), context)
    tk.check_access("opdc_kpi_dataset_completeness", context, data)
    pkg = data["dataset"]
    year = data.get("fiscal_year") or site.current_fiscal_year()
    return dataset_completeness(
        pkg, fiscal_year=year, focus_areas=_focus_areas(context, pkg.get("owner_org")),
        lang=data.get("lang") or site.request_language())
