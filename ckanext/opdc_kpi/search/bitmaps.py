"""Facet counts from per-value bitmaps (migration a1c3e5f70005).

Every dataset row has a document number; every facet value, state and
permission label a bitmap of the documents that have it, in blocks of 4,096
documents (``opdc_kpi_search_bits``: field, value, block, bits), kept by a
trigger on the search table in the writing transaction.

A search whose ``q`` and filters use only facet values (``organization:``,
``tags:``, ``res_format:``, ``owner_org:``, ``groups:``, ``vocab_*:``, ...),
``capacity:``, ``state:``, ``*:*`` and ``AND``/``OR``/``NOT`` (the catalog's
own pages and what their facet links add) is compiled here into bitwise
algebra per block: the matching documents of a block are one bit string,
built from the bitmaps of the values the search names and of the user's
permission labels. Each facet value's count is then ``bit_count`` of its
bitmap ANDed with that, summed over its blocks (one statement, no dataset
row read), and the number of matches the bits of the matching set.

Anything else (words, ranges, wildcards, document fields, ``id:``/``name:``)
raises :class:`NotBitmap` and the facets are counted from the matching rows
as before (``facets.py``). The answer is the same either way: each operation
is the set algebra of the SQL condition it stands for.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any, Optional

from . import parser as qp
from .fields import FIELD_ALIASES, facet_text, is_facet_field

BITS = "opdc_kpi_search_bits"
ZERO = "CAST(B'0' AS bit(4096))"
ROW = "g.bits"  # the driving row of each block: every stored document
#: more value lookups than this per block: counted from the rows instead
MAX_LOOKUPS = 64


class NotBitmap(Exception):
    """The search uses a term no bitmap answers."""


@dataclass
class BitmapFilter:
    """The matching documents of a block as a SQL bit string expression over
    ``g`` (the block's ``#row`` bitmap), with its bound parameters."""
    expression: str
    params: dict[str, Any] = dc_field(default_factory=dict)


class _Compiler:
    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.lookups = 0

    def bind(self, value: Any) -> str:
        key = f"_b{len(self.params)}"
        self.params[key] = value
        return f":{key}"

    # -- keys ------------------------------------------------------------
    def any_of(self, field: str, values: list[str]) -> str:
        """The documents with any of ``values`` of ``field`` in this block."""
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise NotBitmap("too many value lookups")
        values = list(dict.fromkeys(facet_text(v) for v in values))
        if len(values) == 1:
            return (f"coalesce((SELECT b.bits FROM {BITS} AS b WHERE b.field = "
                    f"{self.bind(field)} AND b.value = {self.bind(values[0])} "
                    f"AND b.block = g.block), {ZERO})")
        return (f"coalesce((SELECT bit_or(b.bits) FROM {BITS} AS b WHERE b.field = "
                f"{self.bind(field)} AND b.value = ANY(CAST({self.bind(values)} AS text[])) "
                f"AND b.block = g.block), {ZERO})")

    def all_of(self, field: str, values: list[str]) -> str:
        """The documents with every one of ``values`` of ``field``."""
        values = list(dict.fromkeys(facet_text(v) for v in values))
        if len(values) == 1:
            return self.any_of(field, values)
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise NotBitmap("too many value lookups")
        return (f"coalesce((SELECT CASE WHEN count(*) = {len(values)} THEN bit_and(b.bits) END "
                f"FROM {BITS} AS b WHERE b.field = {self.bind(field)} "
                f"AND b.value = ANY(CAST({self.bind(values)} AS text[])) "
                f"AND b.block = g.block), {ZERO})")

    # -- tree ------------------------------------------------------------
    def build(self, node: qp.Node) -> str:
        if isinstance(node, qp.MatchAll):
            return ROW
        if isinstance(node, qp.Not):
            return f"~({self.build(node.node)})"
        if isinstance(node, qp.And):
            return self._combine(node.nodes, " & ")
        if isinstance(node, qp.Or):
            return self._combine(node.nodes, " | ")
        if isinstance(node, qp.AtLeast):
            raise NotBitmap("at least k of n")
        if isinstance(node, qp.Term):
            kind, payload = key_of(node)
            if kind == "const":
                return payload
            return self.any_of(payload[0], [payload[1]])
        raise NotBitmap(f"unknown node {node!r}")

    def _combine(self, nodes: tuple, operator: str) -> str:
        """AND or OR of ``nodes``, the keys of one field in one lookup:
        ``a OR b`` any of them, ``a AND b`` all of them, ``NOT a AND NOT b``
        not any of them."""
        if not nodes:
            return ROW if operator == " & " else ZERO
        conjunction = operator == " & "
        grouped: dict[str, list[str]] = {}
        negated: dict[str, list[str]] = {}
        parts: list[str] = []
        for child in nodes:
            target, inner = grouped, child
            if conjunction and isinstance(child, qp.Not) and isinstance(child.node, qp.Term):
                target, inner = negated, child.node
            if isinstance(inner, qp.Term):
                kind, payload = key_of(inner)
                if kind == "key":
                    target.setdefault(payload[0], []).append(payload[1])
                else:
                    parts.append(f"~({payload})" if target is negated else payload)
                continue
            parts.append(self.build(child))
        parts += [self.all_of(f, values) if conjunction else self.any_of(f, values)
                  for f, values in grouped.items()]
        parts += [f"~({self.any_of(f, values)})" for f, values in negated.items()]
        return "(" + operator.join(parts) + ")"

def key_of(term: qp.Term) -> tuple[str, Any]:
    """``("key", (field, value))`` for a term a bitmap answers, ``("const",
    ROW or ZERO)`` for one that matches every or no document; NotBitmap
    otherwise. Mirrors ``sql.Condition.term`` for these fields."""
    field = term.field
    if field == "*" and term.kind == "any":
        return "const", ROW
    if field is None or field == "*":
        raise NotBitmap("free text")
    field = FIELD_ALIASES.get(field, field)
    if field in ("site_id", "index_id"):
        return "const", ROW
    if field == "entity_type":
        return "const", ROW if term.value in ("package", "") or term.kind == "any" else ZERO
    if field == "capacity":
        if term.kind == "any":
            return "const", ROW
        if term.kind in ("word", "phrase"):
            if term.value in ("public", "private"):
                return "key", ("capacity", term.value)
            return "const", ZERO
        raise NotBitmap("capacity pattern")
    if field == "private":
        if term.kind == "any":
            return "const", ROW
        if term.kind in ("word", "phrase"):
            value = term.value.lower()
            if value in ("true", "false"):
                return "key", ("capacity", "private" if value == "true" else "public")
            return "const", ZERO
        raise NotBitmap("private pattern")
    if field == "state" and term.kind in ("word", "phrase"):
        return "key", ("#state", term.value)
    if is_facet_field(field) and term.kind in ("word", "phrase"):
        return "key", (field, term.value)
    raise NotBitmap(f"{field}:{term.kind}")


def compile_filter(nodes: list[qp.Node], active_only: bool,
                   labels: Optional[list[str]]) -> Optional[BitmapFilter]:
    """The bitmap of the documents ``nodes`` (ANDed) match among those the
    user sees (``labels``; None: all) in the states searched (``active_only``:
    state ``active``), or None when a term needs the rows."""
    compiler = _Compiler()
    try:
        parts = [ROW, compiler.build(qp.And(tuple(nodes)))]
        if active_only:
            parts.append(compiler.any_of("#state", ["active"]))
        if labels is not None:
            parts.append(compiler.any_of("#label", list(labels)) if labels else ZERO)
    except NotBitmap:
        return None
    return BitmapFilter(" & ".join(f"({p})" for p in parts), compiler.params)


def count_and_facets(execute, request, bitmap: BitmapFilter) -> tuple[int, dict[str, dict[str, int]]]:
    """``(number of matches, {field: {value: count}})`` of a facet request
    whose fields are all facet fields (``FacetRequest.column_fields``) and
    ``facet.mincount`` ≥ 1, in one statement over the bitmaps."""
    wanted = request.wanted_columns()
    params = dict(bitmap.params, _bit_fields=list(wanted), _bit_mincount=request.mincount)
    rows = execute(
        f"WITH m AS MATERIALIZED (SELECT block, bits FROM (SELECT g.block, "
        f"{bitmap.expression} AS bits FROM {BITS} AS g WHERE g.field = '#row' "
        f"AND g.value = '') AS blocks WHERE bits <> {ZERO}) "
        f"SELECT v.field, v.value, sum(bit_count(v.bits & m.bits)) AS n "
        f"FROM m JOIN {BITS} AS v ON v.block = m.block "
        f"WHERE v.field = ANY(CAST(:_bit_fields AS text[])) "
        f"GROUP BY v.field, v.value HAVING sum(bit_count(v.bits & m.bits)) >= :_bit_mincount "
        f"UNION ALL SELECT NULL, NULL, coalesce(sum(bit_count(m.bits)), 0) FROM m",
        params)
    total = 0
    counts: dict[str, dict[str, int]] = {f: {} for f in request.fields}
    for field, value, n in rows:
        if field is None:
            total = int(n)
            continue
        for name in wanted.get(field, ()):
            counts[name][value] = int(n)
    return total, counts


def answers(request) -> bool:
    """Whether the bitmaps can count this facet request."""
    return (request.mincount >= 1
            and len(request.column_fields) == len(request.fields))
