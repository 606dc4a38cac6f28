"""Facet counts (``facet.field``, ``facet.limit``, ``facet.mincount``) over
the rows a search matches, in Solr's shape: ``{field: {value: count}}``,
most frequent first, ties in value order; each dataset counts once per value.

The facet fields (``fields.FACET_FIELDS`` and every ``vocab_*``) are
counted in one pass over the ``facets`` column of the matching rows; that
pass also counts the rows themselves (the ``NULL`` element appended to each
row's array), so a page with facets needs no separate ``count(*)``. Any
other field is counted from the ``fields`` document, one statement per field.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from .fields import FACET_SEPARATOR, FIELD_ALIASES, is_facet_field

TABLE = "opdc_kpi_search"


@dataclass(frozen=True)
class FacetRequest:
    fields: tuple[str, ...]  # as requested (``focus_area`` stays ``focus_area``)
    limit: int  # negative: no limit
    mincount: int

    def storage_key(self, field: str) -> str:
        return FIELD_ALIASES.get(field, field)

    @property
    def column_fields(self) -> list[str]:
        return [f for f in self.fields if is_facet_field(self.storage_key(f))]

    def wanted_columns(self) -> dict[str, list[str]]:
        """Stored facet key -> the requested names that read it."""
        wanted: dict[str, list[str]] = {}
        for field in self.column_fields:
            wanted.setdefault(self.storage_key(field), []).append(field)
        return wanted

    @property
    def document_fields(self) -> list[str]:
        return [f for f in self.fields if not is_facet_field(self.storage_key(f))]


Execute = Callable[[str, dict[str, Any]], Any]


def count_and_facets(execute: Execute, request: FacetRequest, where_sql: str,
                     params: dict[str, Any],
                     visible_sql: Optional[str] = None) -> tuple[int, dict[str, dict[str, int]]]:
    """``(number of matching rows, facets)``. ``visible_sql`` (the rows the
    user may see at all) is needed only for ``facet.mincount`` 0, which lists
    values with no match too, as Solr does (but never values of datasets the
    user may not see)."""
    wanted = request.wanted_columns()
    counts: dict[str, dict[str, int]] = {f: {} for f in request.fields}
    rows = execute(
        f"SELECT kv, count(*) AS n FROM (SELECT unnest(facets || CAST(ARRAY[NULL] AS text[])) "
        f"AS kv FROM {TABLE} WHERE {where_sql}) AS s GROUP BY kv",
        params,
    )
    total = 0
    for kv, n in rows:
        if kv is None:
            total = n
            continue
        key, _, value = kv.partition(FACET_SEPARATOR)
        for field in wanted.get(key, ()):
            counts[field][value] = n
    for field in request.document_fields:
        counts[field] = _document_field_counts(execute, request.storage_key(field),
                                               where_sql, params)
    if request.mincount <= 0 and visible_sql is not None:
        _add_zero_counts(execute, request, counts, visible_sql, params)
    return total, {field: _trim(values, request) for field, values in counts.items()}


def _document_field_counts(execute: Execute, key: str, where_sql: str,
                           params: dict[str, Any]) -> dict[str, int]:
    rows = execute(
        f"SELECT v.value, count(*) FROM {TABLE}, LATERAL (SELECT DISTINCT e.value "
        f"FROM jsonb_array_elements_text(fields -> :_facet_key) AS e(value)) AS v "
        f"WHERE {where_sql} GROUP BY v.value",
        dict(params, _facet_key=key),
    )
    return {value: n for value, n in rows}


def _add_zero_counts(execute: Execute, request: FacetRequest,
                     counts: dict[str, dict[str, int]], visible_sql: str,
                     params: dict[str, Any]) -> None:
    wanted = request.wanted_columns()
    if wanted:
        rows = execute(f"SELECT DISTINCT unnest(facets) FROM {TABLE} WHERE {visible_sql}", params)
        for (kv,) in rows:
            key, _, value = kv.partition(FACET_SEPARATOR)
            for field in wanted.get(key, ()):
                counts[field].setdefault(value, 0)
    for field in request.document_fields:
        for value in _document_field_counts(execute, request.storage_key(field),
                                            visible_sql, params):
            counts[field].setdefault(value, 0)


def _trim(values: dict[str, int], request: FacetRequest) -> dict[str, int]:
    ordered = sorted(((v, n) for v, n in values.items() if n >= request.mincount),
                     key=lambda item: (-item[1], item[0]))
    if request.limit >= 0:
        ordered = ordered[:request.limit]
    return dict(ordered)
