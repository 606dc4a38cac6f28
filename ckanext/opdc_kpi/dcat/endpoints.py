"""The catalog pages (``/catalog.ttl|rdf|jsonld``, ckanext-dcat's actions
``dcat_catalog_show`` and ``dcat_catalog_search``), made here with
ckanext-dcat's serializer and profiles: its own action (chained, not called)
got four things wrong on a site like this one, on either search backend.

- Input: ``page`` must be a whole number within
  ``ckanext.opdc_kpi.dcat.max_page``; ``modified_since`` an ISO 8601 date or
  time in UTC. ckanext-dcat appends ``Z`` to whatever it parsed, so any
  offset (Thai ``+07:00``, even ``Z``) made a date the search refused. A time
  given with ``Z`` or ``+00:00`` is used without it; another offset is
  refused (and a ``+`` not written ``%2B`` arrives as a space). The pages
  answer 400 (``views/dcat.py``), the API 409, naming the parameter.
- Whose catalog: the search runs as an anonymous caller, so no private or
  draft dataset is on a page whoever asks (an editor's ``fq=+state:draft``
  listed the drafts they may see).
- Errors: a ``q``/``fq`` the backend refuses, or search unavailable, is a
  ``ValidationError`` naming it (ckanext-dcat let it through: a 500).
- Formats and profiles: a format ckanext-dcat has no content type for
  (``/catalog.foo``, ``/dataset/<id>.json``) is a 404 on the pages
  (``views/dcat.py``) and a ``ValidationError`` in the API, as is a profile
  no entry point names (both were a 500).
- Page links: URL-encoded (a ``q`` with a space or an ``fq`` with a quote
  made the link no URI, and the Turtle and RDF/XML serializers raised: a
  500), and datasets whose ``metadata_modified`` ties are ordered by id, so
  a walk of the pages is the same on every backend.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from urllib.parse import urlencode

from flask import has_request_context

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SearchQueryError

from ckanext.opdc_kpi.dcat import fragments

#: endpoints of ckanext-dcat's blueprint that serve catalog pages
CATALOG_ENDPOINTS = frozenset({"dcat.read_catalog"})
#: and those that serve one dataset (``/dataset/<id>.<format>``)
DATASET_ENDPOINTS = frozenset({"dcat.read_dataset", "dcat.read_dataset_series"})
MAX_PAGE_KEY = "ckanext.opdc_kpi.dcat.max_page"


def _max_page() -> int:
    return tk.asint(tk.config.get(MAX_PAGE_KEY))


def check_page(value: Any) -> Optional[str]:
    """The message for a ``page`` that is not a whole number within the
    limit, else None (blank: the first page)."""
    if value is None or str(value).strip() == "":
        return None
    digits = str(value).strip().lstrip("0")
    maximum = _max_page()
    if (not digits.isascii() or not digits.isdigit() or len(digits) > 9
            or (maximum and int(digits) > maximum)):
        return tk._("page: a whole number from 1 to {max} ({key})").format(
            max=maximum or 999999999, key=MAX_PAGE_KEY)
    return None


def formats() -> list[str]:
    """The formats ckanext-dcat serves (its content types' keys)."""
    from ckanext.dcat.utils import CONTENT_TYPES

    return sorted(CONTENT_TYPES)


def check_format(value: Any) -> Optional[str]:
    """The message for a format ckanext-dcat cannot serve, else None (none
    given: ckanext-dcat's default, RDF/XML). Its view would look the format
    up in its content types after rdflib raised for it: a 500."""
    if value is None or value in formats():
        return None
    return tk._("format: one of {formats}").format(formats=", ".join(formats()))


def utc_modified_since(value: Any) -> Optional[str]:
    """``modified_since`` as ckanext-dcat can use it (a date or a time in UTC,
    without an offset); raises ``tk.Invalid`` with the message."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if len(text) > 40:
            raise ValueError(text[:40])
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise tk.Invalid(tk._(
            "modified_since: not an ISO 8601 date or time in UTC, e.g. 2025-01-31 or "
            "2025-01-31T17:00:00Z (a + in a URL must be written %2B)"))
    if parsed.tzinfo is not None:
        if parsed.utcoffset() != dt.timedelta(0):
            raise tk.Invalid(tk._(
                "modified_since: give the time in UTC, with Z or without an offset: "
                "2025-01-31T17:00:00Z is 2025-02-01 00:00 in Thailand (+07:00)"))
        parsed = parsed.replace(tzinfo=None)
    # whole seconds: what every backend's date syntax takes (a few fractions
    # of a second earlier only widen "modified since")
    return parsed.replace(microsecond=0).isoformat()


def input_problems(params: Any) -> list[str]:
    """The messages for a catalog page's ``page`` and ``modified_since``."""
    problems = []
    page = check_page(params.get("page"))
    if page:
        problems.append(page)
    try:
        utc_modified_since(params.get("modified_since"))
    except tk.Invalid as error:
        problems.append(error.error)
    return problems


def _page_url(params: dict[str, Any], page: int) -> str:
    """A page's URL, its parameters URL-encoded (ckanext-dcat writes them as
    given: a ``q`` with a space or an ``fq`` with a quote is no URI, and the
    Turtle and RDF/XML serializers raised on it, a 500)."""
    from ckanext.dcat.utils import catalog_uri

    path = tk.request.path if has_request_context() else "/catalog.ttl"
    query = [(key, str(params[key])) for key in ("modified_since", "profiles", "q", "fq")
             if params.get(key) not in (None, "", [])]
    return f"{catalog_uri().rstrip('/')}{path}?{urlencode(query + [('page', page)])}"


def catalog_page(data_dict: dict[str, Any]) -> str:
    """A page of the catalog as ckanext-dcat's ``dcat_catalog_show`` makes it
    (its serializer and profiles, its search parameters), with the checks and
    the anonymous search above, ties in ``metadata_modified`` ordered by id
    (the same order on every backend), and encoded page links."""
    from ckanext.dcat.exceptions import RDFProfileException
    from ckanext.dcat.processors import RDFSerializer

    data = dict(data_dict or {})
    problems = input_problems(data)
    if check_format(data.get("format")):
        problems.append(check_format(data.get("format")))
    if problems:
        raise tk.ValidationError({"catalog": problems})
    rows = tk.asint(tk.config.get("ckanext.dcat.datasets_per_page") or 100)
    page = int(str(data.get("page") or "1").strip())
    since = utc_modified_since(data.get("modified_since"))
    fq_list = ["-dataset_type:harvest", "-dataset_type:showcase"]
    if since:
        fq_list.append(f"metadata_modified:[{since}Z TO NOW]")
    search = {"q": data.get("q") or "*:*", "fq": data.get("fq") or "", "fq_list": fq_list,
              "rows": rows, "start": rows * (page - 1), "sort": "metadata_modified desc, id desc"}
    try:
        result = tk.get_action("package_search")({"user": ""}, search)
    except SearchQueryError as error:
        raise tk.ValidationError({"search": [tk._("The search query is not valid: {error}")
                                             .format(error=error)]})
    except SearchError:
        raise tk.ValidationError({"search": [tk._("Search is not available now")]})
    profiles = data.get("profiles")
    if isinstance(profiles, str):
        profiles = [p for p in profiles.split(",") if p]
    try:
        serializer = RDFSerializer(profiles=profiles or None)
    except RDFProfileException:
        # a profile no ckan.rdf.profiles entry point names (ckanext-dcat's
        # message repeats it: the caller's own input)
        raise tk.ValidationError({"profiles": [tk._("profiles: an unknown profile")]})
    pagination = _pagination(result["count"], rows, page, data)
    if not profiles and fragments.enabled():
        from ckanext.opdc_kpi.dcat.profiles import licences

        joined = fragments.catalog_page(serializer, result["results"], data.get("format"),
                                        pagination, licences())
        if joined is not None:
            return joined
        serializer = RDFSerializer()
    return serializer.serialize_catalog({}, result["results"], _format=data.get("format"),
                                        pagination_info=pagination)


def _pagination(count: int, rows: int, page: int, params: dict[str, Any]) -> dict[str, Any]:
    if not count:
        return {}
    last = max(1, -(-count // rows))
    info = {"count": count, "items_per_page": rows, "current": _page_url(params, page),
            "first": _page_url(params, 1), "last": _page_url(params, last)}
    if page > 1:
        info["previous"] = _page_url(params, min(page - 1, last))
    if page * rows < count:
        info["next"] = _page_url(params, page + 1)
    return info


def _params(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The action's input; on a catalog page, ``profiles`` as the page got it."""
    data = dict(data_dict or {})
    if has_request_context() and tk.request.endpoint in CATALOG_ENDPOINTS:
        data["profiles"] = tk.request.args.get("profiles") or None
    return data


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original, context, data_dict):
    """ckanext-dcat's catalog page: made here (``catalog_page``), not by the
    original, which searched as the caller and wrote page links no
    serializer could write."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    return catalog_page(_params(data_dict))


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(original, context, data_dict):
    """ckanext-dcat's catalog search: as ``dcat_catalog_show``."""
    tk.check_access("dcat_catalog_search", context, data_dict)
    return catalog_page(_params(data_dict))


def get_actions() -> dict[str, Any]:
    """The chains, where ckanext-dcat's ``dcat`` plugin (their base) runs."""
    if not p.plugin_loaded("dcat"):
        return {}
    return {"dcat_catalog_show": dcat_catalog_show, "dcat_catalog_search": dcat_catalog_search}
