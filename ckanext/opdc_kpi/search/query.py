"""``package_search`` answered from the search table.

CKAN's ``package_search`` action prepares a Solr query dict (``q``, ``fq``,
``sort``, ``rows``, ``start``, ``fl``, ``facet.*``) and hands it, with the
user's permission labels, to :meth:`PgPackageSearchQuery.run`, exactly as it
would hand it to Solr. Statements per search:

1. with facets: one pass counting the matching rows and every facet
   (``facets.py``); without: ``count(*)`` (index-only for the visibility
   filters, thanks to the covering primary key);
2. the ids of the requested page, ordered by the sort and then ``id`` in the
   same direction (served by the ``(column, id)`` indexes, deterministic, so
   paging with ``start`` sees each dataset exactly once);
3. the stored dicts of those ids.
They run in a savepoint under ``ckanext.opdc_kpi.search.timeout``, so a
failing or runaway search never breaks the request's transaction.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Collection, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.common import config

from ckanext.opdc_kpi.search import bitmaps, ckan_internals
from ckanext.opdc_kpi.search import parser as qp
from ckanext.opdc_kpi.search.facets import (FacetRequest, count_and_facets,
                                              count_facets_and_page, one_pass)
from ckanext.opdc_kpi.search.grouping import Condition
from ckanext.opdc_kpi.search.sql import like_escape
from ckanext.opdc_kpi.search.text import normalize_for_search

SearchError, SearchQueryError = ckan_internals.search_errors()
PackageSearchQuery = ckan_internals.package_query_base()
VALID_SOLR_PARAMETERS = ckan_internals.valid_solr_parameters()

log = logging.getLogger(__name__)

TABLE = "opdc_kpi_search"

# sort field -> column; "score" is computed per query
SORT_COLUMNS = {
    "id": "id",
    "name": "name",
    "title_string": "title_sort",
    "title": "title_sort",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "owner_org": "owner_org",
    "state": "state",
    # Solr's schema has page-view counts (ckanext-tracking); without them the
    # home page's "recent"/"popular" orders fall back to the latest modified.
    "view_recent": "metadata_modified",
    "views_recent": "metadata_modified",
    "views_total": "metadata_modified",
}
_SORT_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(asc|desc)\s*$", re.IGNORECASE)
COLUMN_RESULTS = ("id", "name", "owner_org", "state", "data_dict", "validated_data_dict")
EXTRA_SEARCH_PARAMETERS = {"q.op", "fq_list", "extras"}
# Solr ranking (CKAN's qf "name^4 title^4 tags^2 groups^2 text"): points per
# matched term and column
SCORE_WEIGHTS = (("title_text", 4), ("name", 4), ("tag_text", 2), ("search_text", 1))


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            try:
                return [str(v) for v in json.loads(value)]
            except ValueError:
                pass
        return [value] if value else []
    return [str(v) for v in value]


def _int(query: dict[str, Any], key: str, default: int) -> int:
    value = query.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(f"{key} must be an integer, not {value!r}")


def parse_q(q: Any) -> qp.Node:
    """``q`` as CKAN has Solr read it: with a colon the standard (Lucene)
    syntax, strictly; without, dismax's lenient reading of a user's words."""
    if q is None or not str(q).strip():
        return qp.MatchAll()
    q = str(q)
    return qp.parse(q) if ":" in q else qp.parse_free_text(q)


def _text_terms(node: qp.Node, negated: bool = False) -> list[str]:
    """Free-text terms of q that add to the relevance score."""
    if isinstance(node, qp.Term):
        if (not negated and node.field in (None, "text", "title", "name_ngram", "title_ngram")
                and node.kind in ("word", "phrase", "prefix")):
            return [t for t in [normalize_for_search(node.value)] if t]
        return []
    if isinstance(node, qp.Not):
        return []
    if isinstance(node, (qp.And, qp.Or, qp.AtLeast)):
        return [t for n in node.nodes for t in _text_terms(n)]
    return []


@dataclass
class SearchPlan:
    where_sql: str
    visible_sql: str
    params: dict[str, Any]
    order_keys: list[tuple[str, str]]  # (expression, ASC or DESC), in order
    rows: int
    start: int
    fields: list[str]
    facets: Optional[FacetRequest]
    # the matching set as bitmaps (search/bitmaps.py), when they answer it
    bitmap: Optional[bitmaps.BitmapFilter] = None

    @property
    def order_sql(self) -> str:
        return ", ".join(f"{expression} {direction}" for expression, direction in self.order_keys)


def plan(query: dict[str, Any], permission_labels: Optional[list[str]]) -> SearchPlan:
    """Check the query dict and turn it into SQL; raises SearchQueryError."""
    unknown = set(query.keys()) - VALID_SOLR_PARAMETERS - EXTRA_SEARCH_PARAMETERS
    if unknown:
        raise SearchQueryError("Invalid search parameters: %s" % sorted(unknown))
    for param in ("bf", "boost"):
        if query.get(param) not in (None, ""):
            raise SearchQueryError(
                f"Search parameter {param!r} (function queries) is not supported without Solr")
    if query.get("defType") not in (None, "", "dismax", "edismax", "lucene"):
        raise SearchQueryError(f"Query parser defType={query['defType']!r} is not supported")
    # qf, mm, tie, df, wt, q.op: Solr tuning, accepted; the ranking is ours

    condition = Condition()
    try:
        q_node = parse_q(query.get("q"))
        fqs = _as_list(query.get("fq")) if not isinstance(query.get("fq"), list) else [
            str(f) for f in query["fq"]]
        fqs += [str(f) for f in query.get("fq_list") or []]
        nodes = [q_node, *(qp.parse(fq) for fq in fqs)]
        where = condition.build_conjunction(nodes)
        visible = []
        # as CKAN's Solr query: only active datasets unless a filter says "+state:"
        active_only = not any("+state:" in fq for fq in fqs)
        if active_only:
            visible.append("state = 'active'")
        if permission_labels is not None:
            visible.append(
                f"permission_labels && CAST({condition.bind(list(permission_labels))} AS text[])")
        order = _order_by(query.get("sort"), q_node, condition,
                          _required_likes(where, condition))
    except qp.QuerySyntaxError as error:
        raise SearchQueryError(str(error))

    rows = _int(query, "rows", 10)
    start = _int(query, "start", 0)
    if rows < 0 or start < 0:
        raise SearchQueryError("rows and start must not be negative")
    facets = _facet_request(query)
    bitmap = (bitmaps.compile_filter(nodes, active_only, permission_labels)
              if facets is not None and bitmaps.answers(facets)
              and config.get("ckanext.opdc_kpi.search.facet_bitmaps") is not False else None)
    fl = query.get("fl") or "name"
    fields = [f for f in re.split(r"[\s,]+", fl) if f] if isinstance(fl, str) else list(fl)
    return SearchPlan(
        where_sql=" AND ".join(f"({w})" for w in where + visible),
        visible_sql=" AND ".join(f"({w})" for w in visible) or "TRUE",
        params=dict(condition.params), order_keys=order, rows=rows, start=start,
        fields=fields, facets=facets, bitmap=bitmap,
    )


def _facet_request(query: dict[str, Any]) -> Optional[FacetRequest]:
    if str(query.get("facet", "true")).lower() == "false":
        return None
    fields = list(dict.fromkeys(_as_list(query.get("facet.field"))))
    if not fields:
        return None
    for field in fields:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_.\-]*$", field):
            raise SearchQueryError(f"Invalid facet field {field!r}")
    limit = _int(query, "facet.limit", config.get("search.facets.limit") or 50)
    mincount = _int(query, "facet.mincount", 1)
    return FacetRequest(tuple(fields), limit, mincount)


def _required_likes(where: list[str], condition: Condition) -> set[tuple[str, str]]:
    """(column, LIKE pattern) of the conditions in ``where`` (each ANDed)
    that are one word's or phrase's match (``Condition.text_matches``):
    every matching row has the pattern."""
    return {condition.text_matches[w] for w in where if w in condition.text_matches}


def _order_by(sort: Any, q_node: qp.Node, condition: Condition,
              required: Collection[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The sort as (expression, direction) keys, ``id`` last; ``required``:
    see ``_required_likes``."""
    text = (sort or config.get("ckan.search.default_package_sort") or "").strip()
    clauses: list[tuple[str, str]] = []
    direction = "ASC"
    for part in [s for s in text.split(",") if s.strip()]:
        match = _SORT_RE.match(part)
        if not match:
            raise qp.QuerySyntaxError(f'Invalid "sort" parameter: {part.strip()!r}')
        field, direction = match.group(1), match.group(2).upper()
        if field == "score":
            terms = list(dict.fromkeys(_text_terms(q_node)))[:32]
            score = _score_sql(terms, condition, required)
            if score:
                clauses.append((f"({score})", direction))
            continue
        column = SORT_COLUMNS.get(field)
        if column is None:
            raise qp.QuerySyntaxError(f'Invalid "sort" parameter: unknown field {field!r}')
        clauses.append((column, direction))
    # the tie-break that makes paging stable, in the direction of the last
    # key, so the (column, id) indexes serve the whole ORDER BY
    clauses.append(("id", direction))
    return clauses


def _score_sql(terms: list[str], condition: Condition,
               required: Collection[tuple[str, str]] = ()) -> str:
    """The points of a row; '' when every row scores the same. A column
    the WHERE requires the term in (a required word in ``search_text``)
    adds the same points to every matching row, so it is left out: the
    order is the same, and the text (TOASTed) is not read a second time
    per row for a test every row passes."""
    pieces = []
    for term in terms:
        pattern = "%" + like_escape(term) + "%"
        like = None
        for column, weight in SCORE_WEIGHTS:
            if (column, pattern) in required:
                continue
            like = like or condition.bind(pattern)
            pieces.append(f"CASE WHEN {column} LIKE {like} THEN {weight} ELSE 0 END")
    return " + ".join(pieces)


class PgPackageSearchQuery(PackageSearchQuery):
    """Package search over the ``opdc_kpi_search`` table."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        rows = model.Session.execute(
            sa.text(f"SELECT id FROM {TABLE} WHERE state = 'active' ORDER BY id LIMIT :n"),
            {"n": max_results},
        )
        return [r[0] for r in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
        if not isinstance(reference, str):
            # CKAN 2.12's bulk_update_* pass a Row as the id: Solr finds no
            # such document and package_show reads the database; so here
            raise SearchError("Dataset not found in the search index: %s" % (reference,))
        row = model.Session.execute(
            sa.text(
                f"SELECT id, name, data_dict, validated_data_dict, metadata_modified_text "
                f"FROM {TABLE} WHERE id = :r OR name = :r LIMIT 1"
            ),
            {"r": reference},
        ).first()
        if row is None:
            raise SearchError("Dataset not found in the search index: %s" % reference)
        return {
            "id": row.id,
            "name": row.name,
            "data_dict": row.data_dict,
            "validated_data_dict": row.validated_data_dict,
            "metadata_modified": row.metadata_modified_text or "",
        }

    def run(self, query: dict[str, Any], permission_labels: Optional[list[str]] = None,
            **kwargs: Any) -> dict[str, Any]:
        search = plan(query, permission_labels)
        with _guarded_statements() as execute:
            self.facets = {}
            ids = None  # the page's ids, when the counting statement gave them
            if (search.facets is not None and search.bitmap is None and search.rows > 0
                    and one_pass(search.facets)):
                # the matching rows read once for the counts and the page
                self.count, self.facets, ids = count_facets_and_page(
                    execute, search.facets, search.where_sql, search.params,
                    search.order_keys, search.start, search.rows)
            elif search.facets is not None:
                self.count, self.facets = count_and_facets(
                    execute, search.facets, search.where_sql, search.params,
                    search.visible_sql, bitmap=search.bitmap)
            else:
                self.count = execute(
                    f"SELECT count(*) FROM {TABLE} WHERE {search.where_sql}",
                    search.params).scalar()
            results: list[Any] = []
            if ids is not None:
                results = self._page(execute, ids, search.fields)
            elif search.rows > 0 and search.start < self.count:
                ids = [r[0] for r in execute(
                    f"SELECT id FROM {TABLE} WHERE {search.where_sql} "
                    f"ORDER BY {search.order_sql} LIMIT :_limit OFFSET :_offset",
                    dict(search.params, _limit=search.rows, _offset=search.start))]
                results = self._page(execute, ids, search.fields)
        if search.fields in (["id"], ["name"]):
            results = [r.get(search.fields[0]) for r in results]
        self.results = results
        return {"results": self.results, "count": self.count}

    @staticmethod
    def _page(execute, ids: list[str], fields: list[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        wanted_columns = [c for c in COLUMN_RESULTS if c in fields or "*" in fields]
        need_doc = "*" in fields or any(f not in COLUMN_RESULTS for f in fields)
        columns = ["id"] + [c for c in wanted_columns if c != "id"] + (["doc"] if need_doc else [])
        rows = {row.id: row for row in execute(
            f"SELECT {', '.join(columns)} FROM {TABLE} WHERE id = ANY(:_ids)", {"_ids": ids})}
        return [_result(rows[i], fields) for i in ids if i in rows]


def _result(row: Any, fields: list[str]) -> dict[str, Any]:
    doc = getattr(row, "doc", None) or {}
    out: dict[str, Any] = {}
    for field in fields:
        if field == "*":
            out.update(doc)
            out.update({c: getattr(row, c) for c in COLUMN_RESULTS})
        elif field in COLUMN_RESULTS:
            out[field] = getattr(row, field)
        elif field in doc:
            out[field] = doc[field]
    extras = {k[len("extras_"):]: out.pop(k) for k in list(out) if k.startswith("extras_")}
    if extras:
        out["extras"] = extras
    return out


class _guarded_statements:
    """Run the search's statements in a savepoint with a statement timeout;
    a database error becomes a SearchQueryError (bad input) or SearchError."""

    def __enter__(self):
        self.session = model.Session
        self.savepoint = self.session.begin_nested()
        self.previous_timeout = None
        timeout = config.get("ckanext.opdc_kpi.search.timeout") or 0
        if timeout:
            self.previous_timeout = self.session.execute(sa.text(
                "SELECT current_setting('statement_timeout'), "
                "set_config('statement_timeout', :t, true)"), {"t": f"{int(timeout)}ms"}).scalar()

        def execute(sql: str, params: dict[str, Any]):
            return self.session.execute(sa.text(sql), params)

        return execute

    def __exit__(self, kind, error, traceback) -> bool:
        if error is None:
            if self.previous_timeout is not None:  # a released savepoint keeps SET LOCAL
                self.session.execute(sa.text("SELECT set_config('statement_timeout', :t, true)"),
                                     {"t": self.previous_timeout})
            self.savepoint.commit()
            return False
        if self.savepoint.is_active:
            self.savepoint.rollback()
        if isinstance(error, sa.exc.DataError):
            raise SearchQueryError(f"Invalid search query: {error.orig}") from error
        if isinstance(error, sa.exc.OperationalError) and "statement timeout" in str(error):
            raise SearchError("The search took too long; make it more specific") from error
        if isinstance(error, sa.exc.DBAPIError):
            log.exception("PostgreSQL search failed")
            raise SearchError("The search failed") from error
        return False
