"""Many terms of one kind as one condition, so that a search's work does not
grow with its number of clauses faster than its indexes allow.

``q``, ``fq`` and every ``fq_list`` entry are ANDed; their top-level terms
are read together (``build_conjunction``):

- negated terms an index answers (a facet value, an exact value of the
  document, a document key, text of three characters or more), from all of
  them, become one anti-join per kind: the rows any of them matches are
  found through the index, one lookup per term, and left out. Tested row by
  row instead, 1,024 ``-tags:x`` took 9.5 s at 50,000 datasets and 1,024
  ``-word`` ran into the statement timeout; the anti-joins take ~60 ms;
- required facet values become one containment of the ``facets`` array,
  required exact values of the document one containment of ``fields``,
  required keys one containment of the keys' index;
- alternatives all of which an index answers (``a OR b OR ...``), required
  ranges and patterns (the values' table) and dismax's "at least k of n"
  become one semi-join on the intersection of the ids each finds, one lookup
  per term (a semi-join each, 100 of them took the planner past a second).

Within a group of alternatives (``tags:a OR tags:b``) the facet values and
the document keys become one overlap (``&&``). Everything else is built term
by term (``sql.Condition.build``), as before. The answer is the same either
way: each rewrite is the set algebra of the terms it replaces.
"""
from __future__ import annotations

import json
from typing import Optional

from . import parser as qp
from . import sql
from .fields import FIELD_ALIASES, facet_value, is_facet_field
from .text import normalize_for_search

TABLE = "opdc_kpi_search"
KEYS = "opdc_kpi_search_keys"
VALUES = sql.VALUES_TABLE
_NOT_GROUPED = {"site_id", "index_id", "entity_type", "capacity", "private",
                "permission_labels", "*"}


class Condition(sql.Condition):
    """``sql.Condition`` that builds many terms of one kind as one condition."""

    def build_conjunction(self, nodes: list[qp.Node]) -> list[str]:
        return build_conjunction(self, nodes)

    def build(self, node: qp.Node) -> str:
        if isinstance(node, qp.Or):
            return build_alternatives(self, node)
        return super().build(node)


def kind_of(term: qp.Node) -> Optional[tuple]:
    """``("facet", value)``, ``("document", (key, value))``, ``("key", key)``
    or ``("text", column, like pattern, word-start regex or None, field of
    ``sql.FIELD_TEXTS`` or None)`` when an
    index answers the term; None otherwise (left to ``sql.Condition.term``)."""
    if not isinstance(term, qp.Term) or term.field in _NOT_GROUPED:
        return None
    if term.field is not None and not sql._FIELD_RE.match(term.field):
        return None  # the term's own translation names the error
    field = FIELD_ALIASES.get(term.field, term.field)
    if field in _NOT_GROUPED or field in sql.DATE_COLUMNS or field in sql.EXACT_COLUMNS:
        return None
    if field in sql.TEXT_COLUMNS:
        if term.kind not in ("word", "phrase", "prefix") or field in sql.NOT_IN_TEXT:
            return None
        needle = normalize_for_search(term.value)
        if len(needle) < 3:  # no trigram: the index cannot find it
            return None
        regex = (sql.word_start_regex(needle)
                 if term.field not in sql.SUBSTRING_FIELDS and sql.starts_a_word(needle) else None)
        # a field of its own (notes:x): found through the text, decided on
        # the field's text
        own = field if field in sql.FIELD_TEXTS else None
        return ("text", sql.TEXT_COLUMNS[field], "%" + sql.like_escape(needle) + "%", regex, own)
    if term.kind == "any":
        return ("key", field)
    if term.kind in ("word", "phrase"):
        if is_facet_field(field):
            return ("facet", facet_value(field, term.value))
        return ("document", (field, term.value))
    if term.kind in ("range", "prefix", "wildcard") and field not in sql.ALWAYS_TRUE:
        return ("value", (field, term))  # the values' table (migration a1c3e5f70006)
    return None


def _arms(node: qp.Node) -> list[qp.Node]:
    """The alternatives of ``node`` (nested ORs flattened)."""
    if isinstance(node, qp.Or):
        return [arm for child in node.nodes for arm in _arms(child)]
    return [node]


def build_conjunction(condition: sql.Condition, nodes: list[qp.Node]) -> list[str]:
    """The SQL of ``nodes`` (q and each filter), as conditions to AND."""
    conjuncts: list[qp.Node] = []
    for node in nodes:
        _flatten_and(node, conjuncts)
    # at least k of n (dismax's mm): when an index finds each of them, the
    # datasets found by k of the lookups; else one of them at least, found
    # through the indexes first, and the count decides on those rows only
    at_least: list[tuple[int, list[tuple]]] = []
    for node in list(conjuncts):
        if isinstance(node, qp.AtLeast) and node.minimum >= 1:
            kinds = [kind_of(arm) for arm in node.nodes]
            if all(k and k[0] == "text" for k in kinds):
                conjuncts.remove(node)
                at_least.append((node.minimum, kinds))
            else:
                conjuncts.append(qp.Or(node.nodes))
    excluded: dict[tuple, list] = {}
    required: dict[str, list] = {}
    alternatives: list[list[tuple]] = []
    rest: list[qp.Node] = []
    for node in conjuncts:
        if isinstance(node, qp.Not):
            kinds = [kind_of(arm) for arm in _arms(node.node)]
            if all(kinds):  # NOT (a OR b) = NOT a AND NOT b
                for group, members in _grouped(kinds).items():
                    excluded.setdefault(group, []).extend(members)
                continue
        elif isinstance(node, qp.Or):
            kinds = [kind_of(arm) for arm in _arms(node)]
            if all(kinds):
                alternatives.append(kinds)
                continue
        else:
            kind = kind_of(node)
            if kind and kind[0] in ("facet", "document", "key", "value"):
                required.setdefault(kind[0], []).append(kind[1])
                continue
        rest.append(node)
    out = [condition.build(node) for node in rest]
    # the ids each of these finds, intersected: one semi-join however many
    # there are (one ``IN`` each is a join each, and 100 of them took the
    # planner, GEQO, past a second; an INTERSECT's arms are planned one by one)
    found = [f"SELECT x.id FROM {VALUES} AS x WHERE {condition.value_match(field, term, 'x')}"
             for field, term in required.pop("value", [])]
    out += [_required(condition, kind, values) for kind, values in required.items()]
    out += [_excluded(condition, group, kinds) for group, kinds in excluded.items()]
    found += [_any_of(condition, kinds) for kinds in alternatives]
    found += [_at_least(condition, minimum, kinds) for minimum, kinds in at_least]
    if len(found) == 1:
        out.append(f"{TABLE}.id IN ({found[0]})")
    elif found:
        out.append(f"{TABLE}.id IN ({' INTERSECT '.join(f'({ids})' for ids in found)})")
    return out or ["TRUE"]


def _at_least(condition: sql.Condition, minimum: int, kinds: list[tuple]) -> str:
    """The ids at least ``minimum`` of ``kinds`` (text terms) match: each
    term looked up in its index, the rows found by ``minimum`` lookups or more."""
    lookups = [_lookup(condition, group, members) for group, members in _grouped(kinds).items()]
    return (f"SELECT u.id FROM ({' UNION ALL '.join(lookups)}) AS u "
            f"GROUP BY u.id HAVING count(*) >= {int(minimum)}")


def _document(pairs: list[tuple[str, str]]) -> str:
    merged: dict[str, list[str]] = {}
    for key, value in pairs:
        merged.setdefault(key, []).append(value)
    return json.dumps(merged)


def _required(condition: sql.Condition, kind: str, values: list) -> str:
    if kind == "facet":
        return f"facets @> CAST({condition.bind(values)} AS text[])"
    if kind == "document":
        return f"fields @> CAST({condition.bind(_document(values))} AS jsonb)"
    return f"{KEYS}(fields) @> CAST({condition.bind(values)} AS text[])"


def _grouped(kinds: list[tuple]) -> dict[tuple, list[tuple]]:
    groups: dict[tuple, list[tuple]] = {}
    for kind in kinds:
        groups.setdefault(kind[:2] if kind[0] == "text" else kind[:1], []).append(kind)
    return groups


def _any_of(condition: sql.Condition, kinds: list[tuple]) -> str:
    """The ids any of ``kinds`` matches (a top-level ``a OR b OR ...``): the
    ids each kind's index finds."""
    lookups = [_lookup(condition, group, members) for group, members in _grouped(kinds).items()]
    return " UNION ALL ".join(lookups)


def _excluded(condition: sql.Condition, group: tuple, kinds: list[tuple]) -> str:
    """Rows none of ``kinds`` matches: an anti-join on the ids the index finds."""
    if group[0] == "value":
        return (f"NOT EXISTS (SELECT 1 FROM ({_lookup(condition, group, kinds)}) AS u "
                f"WHERE u.id = {TABLE}.id)")
    return f"NOT EXISTS ({_lookup(condition, group, kinds)} AND x.id = {TABLE}.id)"


def _lookup(condition: sql.Condition, group: tuple, kinds: list[tuple]) -> str:
    """``SELECT x.id ...`` of the rows any of ``kinds`` (one kind) matches,
    each term looked up in its index (``unnest`` of the terms, then the
    index): the statement's cost follows the terms, not the rows."""
    if group[0] == "facet":
        terms = f"unnest(CAST({condition.bind([k[1] for k in kinds])} AS text[])) AS e(v)"
        match = "x.facets @> ARRAY[e.v]"
    elif group[0] == "document":
        documents = [json.dumps({k[1][0]: [k[1][1]]}) for k in kinds]
        terms = f"unnest(CAST({condition.bind(documents)} AS jsonb[])) AS e(v)"
        match = "x.fields @> e.v"
    elif group[0] == "key":
        terms = f"unnest(CAST({condition.bind([k[1] for k in kinds])} AS text[])) AS e(v)"
        match = f"{KEYS}(x.fields) @> ARRAY[e.v]"
    elif group[0] == "value":
        # one scan of the values' indexes for all of them (a BitmapOr)
        matches = " OR ".join(condition.value_match(field, term, alias="x")
                              for field, term in (k[1] for k in kinds))
        return f"SELECT x.id FROM {VALUES} AS x WHERE ({matches})"
    else:
        column = group[1]
        terms = (f"unnest(CAST({condition.bind([k[2] for k in kinds])} AS text[]), "
                 f"CAST({condition.bind([k[3] for k in kinds])} AS text[]), "
                 f"CAST({condition.bind([k[4] for k in kinds])} AS text[])) AS e(v, r, f)")
        match = f"x.{column} LIKE e.v AND (e.r IS NULL OR x.{column} ~ e.r)"
        if any(k[4] for k in kinds):
            own = "coalesce(x.field_text ->> e.f, '')"
            match += (f" AND (e.f IS NULL OR ({own} LIKE e.v "
                      f"AND (e.r IS NULL OR {own} ~ e.r)))")
    return f"SELECT x.id FROM {terms}, {TABLE} AS x WHERE {match}"


def build_alternatives(condition: sql.Condition, node: qp.Or) -> str:
    """``a OR b OR ...``: the facet values among them as one overlap of the
    ``facets`` array, the document keys as one overlap of the keys' index;
    the other alternatives term by term."""
    facets, keys, rest = [], [], []
    for arm in _arms(node):
        kind = kind_of(arm)
        if kind and kind[0] == "facet":
            facets.append(kind[1])
        elif kind and kind[0] == "key":
            keys.append(kind[1])
        else:
            rest.append(arm)
    parts = [condition.build(arm) for arm in rest]
    if facets:
        parts.append(f"facets && CAST({condition.bind(facets)} AS text[])")
    if keys:
        parts.append(f"{KEYS}(fields) && CAST({condition.bind(keys)} AS text[])")
    return "(" + " OR ".join(parts) + ")"


def _flatten_and(node: qp.Node, out: list[qp.Node]) -> None:
    if isinstance(node, qp.And):
        for child in node.nodes:
            _flatten_and(child, out)
    elif not isinstance(node, qp.MatchAll):
        out.append(node)
