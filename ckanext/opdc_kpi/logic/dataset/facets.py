"""The facets a citizen finds datasets by, as the standard names them: the
data type (``data_type``, ข้อมูลสถิติ ...) and the focus area (the
``opdc_focus_areas`` vocabulary tag, ``vocab_opdc_focus_areas``), added
before CKAN's own on the dataset search page and the organization and group
pages (``IFacets``). Both are facet fields on either search backend: Solr
indexes the vocabulary as ``vocab_*`` and the extra ``data_type`` under its
name (CKAN's schema's catch-all string field); the PostgreSQL search keeps
both in its facet column. Their values are shown by label
(``value_label``), never changed in ``package_search``'s output."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.dataset.vocabulary import FOCUS_VOCABULARY
from ckanext.opdc_kpi.scoring import standard

FOCUS_FACET = f"vocab_{FOCUS_VOCABULARY}"
#: facet field -> the choice list its values come from
FACET_LISTS = {"data_type": "data_type", FOCUS_FACET: "focus_area"}


def _titles() -> dict[str, str]:
    return {"data_type": tk._("Data type"), FOCUS_FACET: tk._("Focus area")}


def add_facets(facets_dict: Any) -> "OrderedDict[str, str]":
    """The page's facets with the data type and the focus area first."""
    out: OrderedDict[str, str] = OrderedDict(_titles())
    for name, title in (facets_dict or {}).items():
        out.setdefault(name, title)
    return out


def value_label(facet: Any, value: Any, lang: str) -> str | None:
    """A facet value's label in ``lang`` for the data type and focus area
    facets (the value itself when it is not in the list); None for the
    other facets."""
    list_name = FACET_LISTS.get(facet) if isinstance(facet, str) else None
    if list_name is None or not isinstance(value, str):
        return None
    return standard.choice_label(list_name, value, lang)


def query_hints(q: Any, lang: str) -> list[dict[str, str]]:
    """The data types and focus areas a search's words name (their Thai or
    English label, e.g. "ข้อมูลสถิติ"), as filters to offer: ``[{"facet",
    "value", "label"}]``. Free text does not search the choice fields (a
    word such as ข้อมูล would match every dataset through them): a search
    for a type's name is led to its facet instead."""
    if not isinstance(q, str):
        return []
    text = standard.normalize_text(q).casefold()
    if not text or len(text) > 500:
        return []
    out = []
    for facet, list_name in FACET_LISTS.items():
        for choice in standard.CHOICES.get(list_name, ()):
            names = {standard.normalize_text(choice.th).casefold(),
                     standard.normalize_text(choice.en).casefold()}
            if any(name and name in text for name in names):
                out.append({"facet": facet, "value": choice.value,
                            "label": choice.th if lang == "th" else choice.en})
    return out
