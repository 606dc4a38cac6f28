"""A free-text ``q`` as Solr's dismax parser reads it (CKAN sends a ``q``
without a colon to dismax with ``mm=2<-1 5<80%``): Lucene's classic rules
with the default operator OR, then the minimum match over the optional
clauses. ``search/parser.py``'s ``parse_free_text`` cleans the text first."""
from __future__ import annotations

from typing import Optional

from ckanext.opdc_kpi.search.clauses import _CLAUSE_TOKEN
from ckanext.opdc_kpi.search.nodes import And, AtLeast, MatchAll, Node, Not, Or, Term


def minimum_should_match(optional: int) -> int:
    """CKAN's ``mm`` (``2<-1 5<80%``) for ``optional`` optional clauses."""
    if optional <= 2:
        return optional
    if optional <= 5:
        return optional - 1
    return int(optional * 80 // 100)


def dismax_node(text: str) -> Node:
    """Lucene's classic rules with the default operator OR (what dismax's
    parser applies), then ``mm`` over the optional clauses."""
    clauses: list[list] = []  # [occur, node]; occur "must" | "should" | "not"
    conj: Optional[str] = None
    mods: Optional[str] = None
    for match in _CLAUSE_TOKEN.finditer(text):
        token = match.group(0)
        if token in ("AND", "&&"):
            conj = "AND"
            continue
        if token in ("OR", "||"):
            conj = "OR"
            continue
        if token == "NOT":
            mods = "NOT"
            continue
        if token[0] != '"':
            body = token.lstrip("+-!")
            if token != body and mods is None:
                mods = "REQ" if token[0] == "+" else "NOT"
            if not body:
                continue  # a sign before a phrase: the phrase's modifier
            node: Node = Term(None, body, "word")
        else:
            value = token[1:-1] if len(token) > 1 and token.endswith('"') else token[1:]
            if not value.strip():
                conj = mods = None
                continue
            node = Term(None, value, "phrase")
        if clauses and conj == "AND" and clauses[-1][0] != "not":
            clauses[-1][0] = "must"
        occur = {"NOT": "not", "REQ": "must"}.get(mods or "", "should")
        if conj == "AND" and occur != "not":
            occur = "must"
        clauses.append([occur, node])
        conj = mods = None
    if not clauses:
        return MatchAll()
    must = [n for o, n in clauses if o == "must"]
    should = [n for o, n in clauses if o == "should"]
    excluded = [Not(n) for o, n in clauses if o == "not"]
    if not must and not should:
        return Not(MatchAll())  # only excluded words: dismax matches nothing
    parts = list(must)
    if should:
        minimum = minimum_should_match(len(should))
        if minimum >= len(should):
            parts.extend(should)
        elif minimum <= 1:
            parts.append(should[0] if len(should) == 1 else Or(tuple(should)))
        else:
            parts.append(AtLeast(minimum, tuple(should)))
    parts.extend(excluded)
    return parts[0] if len(parts) == 1 else And(tuple(parts))
