"""The parsed form of a Solr-syntax query (``parser`` makes it, ``query``
turns it into SQL)."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Optional, Union


class QuerySyntaxError(ValueError):
    """The query uses syntax this search does not support or is malformed."""


@dataclass(frozen=True)
class Term:
    field: Optional[str]  # None: the default field (free text)
    value: str = ""
    kind: str = "word"  # word | phrase | prefix | wildcard | any | range
    low: Optional[str] = None  # range bounds; None means * (open)
    high: Optional[str] = None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class And:
    nodes: tuple = dc_field(default_factory=tuple)


@dataclass(frozen=True)
class Or:
    nodes: tuple = dc_field(default_factory=tuple)


@dataclass(frozen=True)
class AtLeast:
    """At least ``minimum`` of ``nodes`` (dismax's ``mm`` over the optional
    words of a free-text ``q``)."""
    minimum: int
    nodes: tuple = dc_field(default_factory=tuple)


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Union[Term, Not, And, Or, AtLeast, MatchAll]


def signed_alternatives(arms: list[tuple[str, Node]]) -> Node:
    """Clauses joined by ``OR``, as Lucene's classic parser reads their signs
    with CKAN's ``q.op=AND``: a prohibited clause stays prohibited, and every
    other one is optional, ``+`` or not (Lucene: "+a OR b --> a OR b").
    ``a OR b`` is either; ``a OR -b`` is a and not b; ``-a OR -b`` neither
    (purely negative: everything else at the top of a query, nothing in
    brackets)."""
    if all(sign != "-" for sign, _node in arms):
        return Or(tuple(node for _sign, node in arms))
    optional = [node for sign, node in arms if sign != "-"]
    prohibited = [node for sign, node in arms if sign == "-"]
    nodes = ([optional[0] if len(optional) == 1 else Or(tuple(optional))] if optional else [])
    nodes += prohibited
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))
