"""What one dataset search may ask for, on either backend.

The inputs of ``package_search`` that multiply a search's work are bounded
before any backend sees them (the ``opdc_kpi`` plugin's
``before_dataset_search``, so Solr sites too): facet fields (and among them
those outside the catalog's own facets, which the PostgreSQL search counts
from the TOASTed document), ``fq_list`` entries, sort clauses and the boolean
clauses of ``q``, ``fq`` and every ``fq_list`` entry together. Each limit is
a config key (``LIMITS``; 0 turns it off). A search over a limit raises
:class:`SearchLimitError`, a ``ValidationError`` naming the parameter and the
limit: the API answers 409, pages 400 (``views/search.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.search.fields import FIELD_ALIASES, is_facet_field
from ckanext.opdc_kpi.search.clauses import count_clauses, count_unindexed

#: limit -> (config key, default)
LIMITS = {
    "facet_fields": ("ckanext.opdc_kpi.search.max_facet_fields", 50),
    "other_facet_fields": ("ckanext.opdc_kpi.search.max_other_facet_fields", 10),
    "fq_list": ("ckanext.opdc_kpi.search.max_fq_list", 50),
    "sort_clauses": ("ckanext.opdc_kpi.search.max_sort_clauses", 10),
    "clauses": ("ckanext.opdc_kpi.search.max_clauses", 1024),
    # issue 28: clauses no index answers (clauses.unindexed_clause), each
    # tested on every candidate row: their own, smaller limit
    "unindexed_clauses": ("ckanext.opdc_kpi.search.max_unindexed_clauses", 8),
}


class SearchLimitError(tk.ValidationError):
    """A search over one of the limits (``error_dict``: parameter -> message)."""


@dataclass(frozen=True)
class Excess:
    """One limit a search goes over."""
    limit: str      # a key of LIMITS
    parameter: str  # the search parameter that carries it
    count: int
    maximum: int

    @property
    def config_key(self) -> str:
        return LIMITS[self.limit][0]


def page_facet(field: str, site_facets: Iterable[str] = ()) -> bool:
    """A facet the catalog's own pages ask for (``search.facets``, the
    PostgreSQL search's facet fields, ``focus_area``) or a ``vocab_*`` one."""
    return (field in site_facets or field in FIELD_ALIASES
            or is_facet_field(FIELD_ALIASES.get(field, field)))


def _facet_fields(params: dict[str, Any]) -> list[str]:
    """The distinct names in ``facet.field`` (CKAN has made it a list)."""
    value = params.get("facet.field")
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    return list(dict.fromkeys(str(v) for v in value))


def _sort_clauses(sort: Any) -> int:
    if not isinstance(sort, str):
        return 0
    return sum(1 for part in sort.split(",") if part.strip())


def _query_strings(params: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """(parameter, text, read as dismax) for q, fq and each fq_list entry."""
    out = [("q", params.get("q"), True), ("fq", params.get("fq"), False)]
    fq_list = params.get("fq_list")
    if isinstance(fq_list, list):
        out += [("fq_list", entry, False) for entry in fq_list]
    return out


def _summed_over(params: dict[str, Any], limit: str, count: Callable[..., int],
                 maximum: int) -> Optional[Excess]:
    """The excess of ``count`` summed over q, fq and each fq_list entry (a
    free-text q counted as dismax reads it), named by the parameter that
    crosses ``maximum``; None within it. Each string is counted only as far
    as the budget left."""
    total = 0
    for parameter, text, dismax in _query_strings(params):
        if text is None:
            continue
        text = str(text)
        total += count(text, free_text=dismax and ":" not in text, stop_after=maximum - total)
        if total > maximum:
            return Excess(limit, parameter, total, maximum)
    return None


def excesses(params: dict[str, Any], maximum: dict[str, int],
             site_facets: Iterable[str] = ()) -> list[Excess]:
    """Every limit ``params`` (a ``package_search`` dict) goes over; a
    maximum of 0 (or missing) is no limit. Pure; linear in the input."""
    found = []

    def over(limit: str, parameter: str, count: int) -> None:
        if maximum.get(limit) and count > maximum[limit]:
            found.append(Excess(limit, parameter, count, maximum[limit]))

    fields = _facet_fields(params)
    site_facets = set(site_facets)
    over("facet_fields", "facet.field", len(fields))
    over("other_facet_fields", "facet.field",
         sum(1 for f in fields if not page_facet(f, site_facets)))
    fq_list = params.get("fq_list")
    if isinstance(fq_list, list):
        over("fq_list", "fq_list", len(fq_list))
    over("sort_clauses", "sort", _sort_clauses(params.get("sort")))
    for limit, count in (("clauses", count_clauses), ("unindexed_clauses", count_unindexed)):
        if maximum.get(limit):
            excess = _summed_over(params, limit, count, maximum[limit])
            if excess:
                found.append(excess)
    return found


def configured() -> dict[str, int]:
    """The site's limits (read at call time)."""
    out = {}
    for limit, (key, default) in LIMITS.items():
        value = tk.config.get(key)
        out[limit] = default if value is None else int(value)
    return out


def _message(excess: Excess) -> str:
    args = {"count": excess.count, "maximum": excess.maximum, "key": excess.config_key}
    messages: dict[str, Callable[[], str]] = {
        "facet_fields": lambda: tk._(
            "Too many facet fields: {count} (at most {maximum}, {key})"),
        "other_facet_fields": lambda: tk._(
            "Too many facet fields other than the catalog's facets and vocab_*: "
            "{count} (at most {maximum}, {key})"),
        "fq_list": lambda: tk._("Too many fq_list entries: {count} (at most {maximum}, {key})"),
        "sort_clauses": lambda: tk._("Too many sort clauses: {count} (at most {maximum}, {key})"),
        "clauses": lambda: tk._(
            "Too many clauses in q, fq and fq_list together: more than {maximum} "
            "({key})"),
        "unindexed_clauses": lambda: tk._(
            "Too many words of one or two characters in q, fq and fq_list together "
            "(no index answers them): more than {maximum} ({key})"),
    }
    return messages[excess.limit]().format(**args)


def enforce(params: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_search``: ``params``, or :class:`SearchLimitError`
    naming each parameter over its limit. A single ``fq_list`` string (an
    API GET with one ``fq_list=``) becomes a list of one entry, which both
    backends read as one filter (they would read each of its characters)."""
    errors: dict[str, list[str]] = {}
    fq_list = params.get("fq_list")
    if isinstance(fq_list, str):
        params["fq_list"] = fq_list = [fq_list] if fq_list.strip() else []
    if fq_list is not None and not (
            isinstance(fq_list, list) and all(isinstance(f, str) for f in fq_list)):
        errors["fq_list"] = [tk._("fq_list must be a list of strings")]
    site_facets: Optional[list[str]] = tk.config.get("search.facets")
    if isinstance(site_facets, str):
        site_facets = site_facets.split()
    for excess in excesses(params, configured(), site_facets or ()):
        errors.setdefault(excess.parameter, []).append(_message(excess))
    if errors:
        raise SearchLimitError(errors)
    return params
