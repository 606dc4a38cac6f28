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


def signed_alternatives(arms: list[tuple[bool, Node]]) -> Node:
    """Clauses joined by ``OR`` (``(prohibited, node)`` each), as Lucene's
    classic parser reads them with CKAN's ``q.op=AND``: a prohibited clause
    stays prohibited, every other one is optional, ``+`` or not (Lucene: "+a
    OR b --> a OR b"). ``a OR -b`` is a and not b; ``-a OR -b`` neither
    (purely negative: everything else at the top of a query, nothing in
    brackets)."""
    optional = [node for prohibited, node in arms if not prohibited]
    excluded = [node for prohibited, node in arms if prohibited]
    if not excluded:
        return Or(tuple(optional))
    nodes = ([optional[0] if len(optional) == 1 else Or(tuple(optional))] if optional else [])
    nodes += excluded
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))
