"""Facet counts (``facet.field``, ``facet.limit``, ``facet.mincount``) over
the rows a search matches, in Solr's shape: ``{field: {value: count}}``,
most frequent first, ties in value order; each dataset counts once per value.

Every facet is counted in one statement, however many fields are asked for:
one pass over the matching rows that unnests the ``facets`` column (the facet
fields, ``fields.FACET_FIELDS`` and every ``vocab_*``) and counts the rows
themselves (the ``NULL`` element appended to each row's array), so a page
with facets needs no separate ``count(*)``. Any other field is a key of the
TOASTed ``fields`` document: one statement first asks the index of the
documents' keys (``opdc_kpi_search_keys(fields)``, migration a1c3e5f70004)
which of the asked keys any stored dataset has; only those are read, each
matching row's document once for all of them, so a field no dataset has is
answered empty without reading a document.
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

    def wanted_documents(self) -> dict[str, list[str]]:
        """Document key -> the requested names that read it (the fields
        that are not facet fields)."""
        wanted: dict[str, list[str]] = {}
        for field in self.fields:
            if not is_facet_field(self.storage_key(field)):
                wanted.setdefault(self.storage_key(field), []).append(field)
        return wanted


Execute = Callable[[str, dict[str, Any]], Any]
KEYS_FUNCTION = "opdc_kpi_search_keys"
DOCUMENT_MARK = "\x1e"  # RS: a document field's value, apart from the facet fields'


def present_keys(execute: Execute, keys: list[str]) -> list[str]:
    """The document keys some stored dataset has, from the index of the
    documents' keys alone (no document is read)."""
    rows = execute(
        f"SELECT k.key FROM unnest(CAST(:_doc_keys AS text[])) AS k(key) "
        f"WHERE EXISTS (SELECT 1 FROM {TABLE} AS d WHERE {KEYS_FUNCTION}(d.fields) "
        f"@> ARRAY[k.key])", {"_doc_keys": keys})
    return [key for (key,) in rows]


def _values_sql(select: str, where_sql: str, documents: bool) -> str:
    """``SELECT {select} FROM (each matching row's facet values) AS s(kv)``:
    its ``facets`` (and a NULL, to count the row), and with ``documents``
    the values of the document keys ``:_doc_keys`` (``RS key US value``),
    each document read once (``jsonb_each``), each value once per row."""
    sql = (f"SELECT unnest(facets || CAST(ARRAY[NULL] AS text[])) AS kv "
           f"FROM {TABLE} WHERE {where_sql}")
    if documents:
        sql += (f" UNION ALL SELECT chr(30) || f.key || chr(31) || v.value "
                f"FROM {TABLE}, jsonb_each({TABLE}.fields) AS f(key, vals), "
                f"LATERAL (SELECT DISTINCT e.value FROM jsonb_array_elements_text(f.vals) "
                f"AS e(value)) AS v "
                f"WHERE f.key = ANY(CAST(:_doc_keys AS text[])) AND {where_sql}")
    return f"SELECT {select} FROM ({sql}) AS s"


def _field_values(rows: Any, request: FacetRequest) -> Any:
    """(requested field, value, n) for each counted ``kv``; the row count
    (``kv`` NULL) as (None, None, n)."""
    columns = request.wanted_columns()
    documents = request.wanted_documents()
    for kv, n in rows:
        if kv is None:
            yield None, None, n
            continue
        wanted = columns
        if kv.startswith(DOCUMENT_MARK):
            kv, wanted = kv[1:], documents
        key, _, value = kv.partition(FACET_SEPARATOR)
        for field in wanted.get(key, ()):
            yield field, value, n


def count_and_facets(execute: Execute, request: FacetRequest, where_sql: str,
                     params: dict[str, Any],
                     visible_sql: Optional[str] = None,
                     bitmap: Any = None) -> tuple[int, dict[str, dict[str, int]]]:
    """``(number of matching rows, facets)``, in one statement over the
    matching rows, after one over the index of document keys when fields
    other than the facet fields are asked for. ``visible_sql`` (the rows the
    user may see at all) is needed only for ``facet.mincount`` 0, which lists
    values with no match too, as Solr does (but never values of datasets the
    user may not see): one more statement. ``bitmap`` (a
    ``bitmaps.BitmapFilter`` of the same matching set, for a request
    ``bitmaps.answers``): counted from the bitmaps, no row read."""
    if bitmap is not None:
        from .bitmaps import count_and_facets as from_bitmaps

        total, counts = from_bitmaps(execute, request, bitmap)
        return total, {field: _trim(values, request) for field, values in counts.items()}
    wanted_documents = list(request.wanted_documents())
    documents = present_keys(execute, wanted_documents) if wanted_documents else []
    params = dict(params, _doc_keys=documents)
    counts: dict[str, dict[str, int]] = {f: {} for f in request.fields}
    counted, params = _counted_sql(request, where_sql, params, bool(documents))
    total = _tally(execute(counted, params), request, counts)
    if request.mincount <= 0 and visible_sql is not None:
        rows = execute(_values_sql("DISTINCT kv, 0", visible_sql, bool(documents)), params)
        for field, value, _ in _field_values(rows, request):
            if field is not None:
                counts[field].setdefault(value, 0)
    return total, {field: _trim(values, request) for field, values in counts.items()}


def _counted_sql(request: FacetRequest, where_sql: str, params: dict[str, Any],
                 documents: bool) -> tuple[str, dict[str, Any]]:
    """The statement of (kv, n) rows: each value's count, and the rows' (kv NULL)."""
    counted = _values_sql("kv, count(*) AS n", where_sql, documents) + " GROUP BY kv"
    return _first_values(counted, request, params, rows_counted=True)


def _first_values(counted: str, request: FacetRequest, params: dict[str, Any],
                  rows_counted: bool) -> tuple[str, dict[str, Any]]:
    """``counted`` (kv, n) cut to each field's first facet.limit values:
    only those leave the database (a facet on a document field can have a
    value per dataset), in the order _trim keeps: most frequent first, ties
    by value's code points. ``rows_counted``: the row count (kv NULL) is
    among them, and kept."""
    if request.limit < 0 or request.mincount < 1:
        return counted, params
    rows = " OR kv IS NULL" if rows_counted else ""
    counted = (
        f"SELECT kv, n FROM (SELECT kv, n, row_number() OVER (PARTITION BY "
        f"split_part(kv, chr(31), 1) ORDER BY n DESC, kv COLLATE \"C\") AS r "
        f"FROM ({counted}) AS g WHERE n >= :_mincount{rows}) AS ranked "
        f"WHERE r <= :_limit{rows}")
    return counted, dict(params, _mincount=request.mincount, _limit=request.limit)


def one_pass(request: FacetRequest) -> bool:
    """Whether ``count_facets_and_page`` answers this request: facet fields
    only (no document is read) and ``facet.mincount`` ≥ 1."""
    return request.mincount >= 1 and not request.wanted_documents()


def count_facets_and_page(execute: Execute, request: FacetRequest, where_sql: str,
                          params: dict[str, Any], order_keys: list[tuple[str, str]],
                          start: int, rows: int
                          ) -> tuple[int, dict[str, dict[str, int]], list[str]]:
    """``(number of matches, facets, the page's ids)`` in one statement that
    reads the matching rows once: their ids, facets and sort keys
    (``order_keys``: (expression, direction)) materialized, the counts and
    the page both taken from that. For the searches the bitmaps do not
    answer (words, ranges, patterns), where the separate count and page
    statements each read and recheck every matching row (a word's trigram
    candidates, their TOASTed text).

    The page is the first ``start + rows`` of the matches in a bounded sort
    of their keys alone (numbering every match in a window sorted all the
    rows with their facets); the rows are counted apart from their values
    (appending a NULL to every row's array copied each array). Counting a
    few hundred matches from the bitmaps instead (their bitmap built from
    their document numbers) cost more: every value's bitmap of every block
    is read whatever the matches (20 against 14 ms for a Thai word's 889
    matches of 50,000)."""
    keys = [(f"_k{i}", expression, direction)
            for i, (expression, direction) in enumerate(order_keys)]
    order = ", ".join(f"{key} {direction}" for key, _, direction in keys)
    matched = (f"SELECT id, facets, {', '.join(f'{e} AS {k}' for k, e, _ in keys)} "
               f"FROM {TABLE} WHERE {where_sql}")
    counted, params = _first_values(
        "SELECT kv, count(*) AS n FROM (SELECT unnest(facets) AS kv FROM m) AS s GROUP BY kv",
        request, params, rows_counted=False)
    statement = (f"WITH m AS MATERIALIZED ({matched}) "
                 f"SELECT 0 AS part, kv, n FROM ({counted}) AS c "
                 f"UNION ALL SELECT 0, NULL, count(*) FROM m "
                 f"UNION ALL SELECT 1, id, row_number() OVER (ORDER BY {order}) "
                 f"FROM (SELECT id, {', '.join(k for k, _, _ in keys)} FROM m ORDER BY {order} "
                 f"LIMIT :_page_rows OFFSET :_page_offset) AS p")
    counts: dict[str, dict[str, int]] = {f: {} for f in request.fields}
    page: list[tuple[int, str]] = []
    facet_rows = []
    for part, kv, n in execute(statement, dict(params, _page_offset=start, _page_rows=rows)):
        if part == 1:
            page.append((n, kv))
        else:
            facet_rows.append((kv, n))
    total = _tally(facet_rows, request, counts)
    return (total, {field: _trim(values, request) for field, values in counts.items()},
            [i for _, i in sorted(page)])


def _tally(rows: Any, request: FacetRequest, counts: dict[str, dict[str, int]]) -> int:
    """Each counted (kv, n) into ``counts``; returns the rows' count (kv NULL)."""
    total = 0
    for field, value, n in _field_values(rows, request):
        if field is None:
            total = n
        else:
            counts[field][value] = n
    return total


def _trim(values: dict[str, int], request: FacetRequest) -> dict[str, int]:
    ordered = sorted(((v, n) for v, n in values.items() if n >= request.mincount),
                     key=lambda item: (-item[1], item[0]))
    if request.limit >= 0:
        ordered = ordered[:request.limit]
    return dict(ordered)
