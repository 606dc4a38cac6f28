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

from ckanext.opdc_kpi.logic.dataset.vocabulary import FOCUS_VOCABULARY, focus_vocabulary_id
from ckanext.opdc_kpi.logic.site import request_language
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


def licence_titles(lang: str) -> dict[str, str]:
    """The site's licences by id -> their title in ``lang`` where the
    licence list (``licenses_group_url``) gives one (``title_th``); CKAN's
    facet and dataset page show only the list's ``title`` (English)."""
    if lang == "en":
        return {}
    key = f"title_{lang}"
    licences = tk.get_action("license_list")({"ignore_auth": True}, {})
    return {entry["id"]: entry[key] for entry in licences if entry.get(key)}


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


# --- the templates' helpers (``helpers.get_helpers`` registers them) ---------------------

def template_helpers() -> dict[str, Any]:
    return {"opdc_kpi_facet_labeller": opdc_kpi_facet_labeller,
            "opdc_kpi_facet_value_label": opdc_kpi_facet_value_label,
            "opdc_kpi_search_hints": opdc_kpi_search_hints,
            "opdc_kpi_facet_url": opdc_kpi_facet_url,
            "opdc_kpi_dataset_tags": opdc_kpi_dataset_tags,
            "opdc_kpi_licence_title": opdc_kpi_licence_title}


def opdc_kpi_licence_title(pkg_dict: Any) -> str:
    """A dataset's licence title in the page's language (its
    ``license_title`` when the licence list has none in that language)."""
    pkg_dict = pkg_dict or {}
    titles = licence_titles(request_language())
    return titles.get(pkg_dict.get("license_id") or "") or pkg_dict.get("license_title") or ""


def opdc_kpi_facet_value_label(facet: Any, value: Any) -> str | None:
    """The label of a data type or focus area facet value in the page's
    language; None for the other facets (CKAN's display name stays)."""
    return value_label(facet, value, request_language())


def opdc_kpi_facet_labeller(facet: Any) -> Any:
    """``label_function`` of CKAN's facet list for a facet: its values by
    label for the data type and focus area, None (CKAN's own) otherwise."""
    lang = request_language()
    if facet == "license_id":
        titles = licence_titles(lang)
        return lambda item: titles.get(item.get("name")) or item.get("display_name")
    if facet not in FACET_LISTS:
        return None
    return lambda item: value_label(facet, item.get("name"), lang) or item.get("display_name")


def opdc_kpi_search_hints(q: Any) -> list[dict[str, str]]:
    """The data types and focus areas a search's words name, as filters to
    offer beside its results."""
    return query_hints(q, request_language())


def opdc_kpi_facet_url(facet: str, value: str) -> str:
    """This search page (dataset search, an organization's or a group's
    page, in the page's language) filtered by one facet value alone."""
    args = dict(tk.request.view_args or {})
    args[facet] = value
    return tk.h.url_for(tk.request.endpoint, **args)


def opdc_kpi_dataset_tags(tags: Any) -> dict[str, list]:
    """A dataset's tags for its page: ``free`` (its keywords, as CKAN lists
    them) and ``focus`` (its focus area: ``{"facet", "value", "label"}``, shown
    by label and linked to the facet, not as a keyword pill: a search by
    keyword finds no dataset by it). Tags of other vocabularies are left out,
    as CKAN's index leaves them out of ``tags``."""
    focus_id = focus_vocabulary_id()
    lang = request_language()
    free, focus = [], []
    for tag in tags if isinstance(tags, list) else []:
        if not isinstance(tag, dict):
            continue
        if not tag.get("vocabulary_id"):
            free.append(tag)
        elif focus_id and tag["vocabulary_id"] == focus_id and tag.get("name"):
            focus.append({"facet": FOCUS_FACET, "value": tag["name"],
                          "label": standard.choice_label("focus_area", tag["name"], lang)})
    return {"free": free, "focus": focus}
