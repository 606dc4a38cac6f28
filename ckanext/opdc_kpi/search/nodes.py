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
