"""``package_search`` answered from the search table."""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.common import config
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.lib.search.query import VALID_SOLR_PARAMETERS, PackageSearchQuery

from . import parser as qp
from .sql import Condition
from .text import normalize_for_search

log = logging.getLogger(__name__)

TABLE = "opdc_kpi_search"

# sort field -> SQL expression; "score" is filled in per query
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
    # home page's "recent" order falls back to the latest modified.
    "view_recent": "metadata_modified",
    "views_recent": "metadata_modified",
    "views_total": "metadata_modified",
}
_SORT_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(asc|desc)\s*$", re.IGNORECASE)
COLUMN_RESULTS = {"id", "name", "owner_org", "state", "validated_data_dict", "data_dict"}
EXTRA_SEARCH_PARAMETERS = {"q.op", "fq_list", "extras"}


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


def _text_terms(node: qp.Node) -> list[str]:
    """Free-text terms of q (for relevance ranking)."""
    if isinstance(node, qp.Term):
        if node.field in (None, "text", "title", "name_ngram", "title_ngram") and node.kind in (
            "word", "phrase", "prefix"
        ):
            return [normalize_for_search(node.value)]
        return []
    if isinstance(node, (qp.And, qp.Or)):
        return [t for n in node.nodes for t in _text_terms(n)]
    return []


class PgPackageSearchQuery(PackageSearchQuery):
    """Package search over the ``opdc_kpi_search`` table."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        rows = model.Session.execute(
            sa.text(f"SELECT id FROM {TABLE} WHERE state = 'active' ORDER BY id LIMIT :n"),
            {"n": max_results},
        )
        return [r[0] for r in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
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

    # -----------------------------------------------------------------
    def run(
        self,
        query: dict[str, Any],
        permission_labels: Optional[list[str]] = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        unknown = set(query.keys()) - VALID_SOLR_PARAMETERS - EXTRA_SEARCH_PARAMETERS
        if unknown:
            raise SearchQueryError("Invalid search parameters: %s" % sorted(unknown))
        for param in ("qf", "bf", "boost", "defType", "mm", "tie"):
            value = query.get(param)
            if param == "defType" and value in (None, "", "dismax", "edismax", "lucene"):
                continue
            if param in ("mm", "tie", "qf") and value is not None:
                continue  # tuning of Solr's ranking: accepted, ranking is ours
            if value not in (None, ""):
                raise SearchQueryError(f"Search parameter {param!r} is not supported without Solr")

        condition = Condition()
        try:
            q_node = qp.parse(query.get("q") or "")
            where = [condition.build(q_node)]
            fqs = _as_list(query.get("fq")) if not isinstance(query.get("fq"), list) else [
                str(f) for f in query["fq"]
            ]
            fqs += [str(f) for f in query.get("fq_list") or []]
            state_given = any(re.search(r"(^|[\s+(])state:", f) for f in fqs)
            for fq in fqs:
                where.append(condition.build(qp.parse(fq)))
            if not state_given:
                where.append("state = 'active'")
            if permission_labels is not None:
                where.append(
                    f"permission_labels && CAST({condition.bind(list(permission_labels))} AS text[])"
                )
            order = self._order_by(query.get("sort"), q_node, condition)
        except qp.QuerySyntaxError as error:
            raise SearchQueryError(str(error))

        try:
            rows = int(query.get("rows", 10))
            start = int(query.get("start", 0) or 0)
        except (TypeError, ValueError):
            raise SearchQueryError("rows and start must be integers")
        if rows < 0 or start < 0:
            raise SearchQueryError("rows and start must not be negative")

        where_sql = " AND ".join(f"({w})" for w in where)
        params = dict(condition.params)
        session = model.Session
        self.count = session.execute(
            sa.text(f"SELECT count(*) FROM {TABLE} WHERE {where_sql}"), params
        ).scalar()

        fl = query.get("fl") or "id"
        fields = fl.split() if isinstance(fl, str) else list(fl)
        results: list[Any] = []
        if rows > 0 and self.count:
            page = session.execute(
                sa.text(
                    f"SELECT id, name, owner_org, state, data_dict, validated_data_dict, doc "
                    f"FROM {TABLE} WHERE {where_sql} ORDER BY {order} "
                    f"LIMIT :_limit OFFSET :_offset"
                ),
                dict(params, _limit=rows, _offset=start),
            )
            for row in page:
                results.append(self._result(row, fields))
        if fields in (["id"], ["name"]):
            results = [r.get(fields[0]) for r in results]
        self.results = results
        self.facets = self._facets(query, where_sql, params)
        return {"results": self.results, "count": self.count}

    # -----------------------------------------------------------------
    @staticmethod
    def _result(row: Any, fields: list[str]) -> dict[str, Any]:
        doc = row.doc or {}
        out: dict[str, Any] = {}
        for field in fields:
            if field in COLUMN_RESULTS:
                out[field] = getattr(row, field)
            elif field == "*":
                out.update(doc)
            elif field in doc:
                out[field] = doc[field]
        extras = {k[len("extras_"):]: out.pop(k) for k in list(out) if k.startswith("extras_")}
        if extras:
            out["extras"] = extras
        return out

    def _order_by(self, sort: Any, q_node: qp.Node, condition: Condition) -> str:
        text = (sort or config.get("ckan.search.default_package_sort") or "").strip()
        clauses = []
        for part in [s for s in text.split(",") if s.strip()]:
            match = _SORT_RE.match(part)
            if not match:
                raise qp.QuerySyntaxError(f'Invalid "sort" parameter: {part.strip()!r}')
            field, direction = match.group(1), match.group(2).upper()
            if field == "score":
                terms = [t for t in _text_terms(q_node) if t]
                if not terms:
                    continue
                pieces = []
                for term in terms:
                    like = condition.bind("%" + term.replace("%", "\\%").replace("_", "\\_") + "%")
                    pieces.append(
                        f"(CASE WHEN title_text LIKE {like} THEN 4 ELSE 0 END"
                        f" + CASE WHEN name LIKE {like} THEN 4 ELSE 0 END"
                        f" + CASE WHEN tag_text LIKE {like} THEN 2 ELSE 0 END)"
                    )
                clauses.append(f"({' + '.join(pieces)}) {direction}")
                continue
            column = SORT_COLUMNS.get(field)
            if column is None:
                raise qp.QuerySyntaxError(f'Invalid "sort" parameter: unknown field {field!r}')
            nulls = "NULLS LAST" if direction == "DESC" else "NULLS FIRST"
            clauses.append(f"{column} {direction} {nulls}")
        clauses.append("id ASC")  # stable paging
        return ", ".join(clauses)

    def _facets(self, query: dict[str, Any], where_sql: str, params: dict[str, Any]) -> dict:
        if str(query.get("facet", "true")).lower() == "false":
            return {}
        facet_fields = _as_list(query.get("facet.field"))
        if not facet_fields:
            return {}
        try:
            limit = int(query.get("facet.limit", config.get("search.facets.limit")) or 50)
            mincount = int(query.get("facet.mincount", 1) or 0)
        except (TypeError, ValueError):
            raise SearchQueryError("facet.limit and facet.mincount must be integers")
        facets: dict[str, dict[str, int]] = {}
        for field in facet_fields:
            sql = (
                f"SELECT v.value AS value, count(*) AS n FROM {TABLE}, "
                f"jsonb_array_elements_text(fields -> :_facet) AS v(value) "
                f"WHERE {where_sql} GROUP BY v.value HAVING count(*) >= :_mincount "
                f"ORDER BY n DESC, v.value ASC"
            )
            bind = dict(params, _facet=field, _mincount=max(mincount, 1))
            if limit >= 0:
                sql += " LIMIT :_limit"
                bind["_limit"] = limit
            rows = model.Session.execute(sa.text(sql), bind)
            facets[field] = {r.value: r.n for r in rows}
        return facets
