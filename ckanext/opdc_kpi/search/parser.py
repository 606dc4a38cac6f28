"""A parser for the subset of Solr's standard query syntax that CKAN, its
templates, ckanext-scheming and CKAN-API harvesters send in ``q`` and ``fq``.

Pure Python: it turns a query string into a small tree that ``sql.py``
translates. Anything outside the subset raises :class:`QuerySyntaxError`,
naming the unsupported part, so the caller can answer 400 instead of 500.

Operator precedence: ``OR`` binds tighter than juxtaposition (implicit AND)
and explicit ``AND``. So ``organization:a OR organization:b metadata_modified:[x TO *]``
means "(a or b) and modified since x", which is what a harvester joining its
filter terms with spaces means.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Optional, Union


class QuerySyntaxError(ValueError):
    """The query uses syntax this search does not support or is malformed."""


@dataclass(frozen=True)
class Term:
    field: Optional[str]  # None: the default field (free text)
    value: str = ""
    kind: str = "word"  # word | phrase | prefix | any | range
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
class MatchAll:
    pass


Node = Union[Term, Not, And, Or, MatchAll]

_SPECIAL = set('()"[]{}:\\')
_UNSUPPORTED = {
    "^": "boosts (^)",
    "~": "fuzzy or proximity search (~)",
}


def parse(text: str) -> Node:
    """Parse a query string; an empty query or ``*:*`` matches everything."""
    if text is None:
        return MatchAll()
    if not isinstance(text, str):
        raise QuerySyntaxError("query must be a string")
    stripped = text.strip()
    if stripped.startswith("{!") or "{!" in stripped:
        raise QuerySyntaxError("Solr local parameters ({!...}) are not supported")
    for magic in ("_query_", "_val_"):
        if magic in stripped:
            raise QuerySyntaxError(f"Solr magic field {magic} is not supported")
    if stripped in ("", "*:*", "*", '""', "''"):
        return MatchAll()
    parser = _Parser(stripped)
    node = parser.parse_query(top=True)
    return node


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    # -- low level -----------------------------------------------------
    def _skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _at_keyword(self, word: str) -> bool:
        self._skip_ws()
        end = self.pos + len(word)
        if self.text[self.pos:end] != word:
            return False
        return end >= len(self.text) or self.text[end].isspace() or self.text[end] == "("

    def _read_word(self) -> str:
        """A bare word up to whitespace, a bracket, a quote or an unescaped colon."""
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\":
                if self.pos + 1 >= len(self.text):
                    raise QuerySyntaxError("query ends with a lone backslash")
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch.isspace() or ch in '()"[]{}:':
                break
            if ch in _UNSUPPORTED:
                raise QuerySyntaxError(f"{_UNSUPPORTED[ch]} not supported: {self.text!r}")
            out.append(ch)
            self.pos += 1
        return "".join(out)

    def _read_quoted(self) -> str:
        assert self.text[self.pos] == '"'
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch == '"':
                self.pos += 1
                if self.pos < len(self.text) and self.text[self.pos] in _UNSUPPORTED:
                    raise QuerySyntaxError(
                        f"{_UNSUPPORTED[self.text[self.pos]]} not supported: {self.text!r}"
                    )
                return "".join(out)
            out.append(ch)
            self.pos += 1
        raise QuerySyntaxError(f"unbalanced quote in {self.text!r}")

    # -- grammar -------------------------------------------------------
    def parse_query(self, top: bool = False) -> Node:
        groups = []
        while True:
            ch = self._peek()
            if not ch:
                break
            if ch == ")":
                if top:
                    raise QuerySyntaxError(f"unbalanced parenthesis in {self.text!r}")
                break
            if self._at_keyword("AND"):
                self.pos += 3
                if not groups:
                    raise QuerySyntaxError("AND without a left-hand side")
                continue
            groups.append(self._parse_or())
        if not groups:
            if top:
                return MatchAll()
            raise QuerySyntaxError(f"empty group in {self.text!r}")
        return groups[0] if len(groups) == 1 else And(tuple(groups))

    def _parse_or(self) -> Node:
        nodes = [self._parse_clause()]
        while self._at_keyword("OR"):
            self.pos += 2
            if not self._peek() or self._peek() == ")":
                raise QuerySyntaxError("OR without a right-hand side")
            nodes.append(self._parse_clause())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def _parse_clause(self) -> Node:
        ch = self._peek()
        negate = False
        if ch in "+-":
            negate = ch == "-"
            self.pos += 1
        elif self._at_keyword("NOT"):
            negate = True
            self.pos += 3
        node = self._parse_primary(field=None)
        return Not(node) if negate else node

    def _parse_primary(self, field: Optional[str]) -> Node:
        ch = self._peek()
        if not ch:
            raise QuerySyntaxError(f"query ends where a value was expected: {self.text!r}")
        if ch == "(":
            self.pos += 1
            inner = self.parse_query()
            if self._peek() != ")":
                raise QuerySyntaxError(f"unbalanced parenthesis in {self.text!r}")
            self.pos += 1
            return _with_field(inner, field) if field else inner
        if ch == '"':
            return Term(field, self._read_quoted(), "phrase")
        if ch in "[{":
            if field is None:
                raise QuerySyntaxError("a range needs a field, as in field:[a TO b]")
            return self._parse_range(field)
        if ch in ")]}:":
            raise QuerySyntaxError(f"unexpected {ch!r} in {self.text!r}")
        word = self._read_word()
        if self.pos < len(self.text) and self.text[self.pos] == ":":
            if field is not None:
                raise QuerySyntaxError(f"nested field in {self.text!r}")
            if not word:
                raise QuerySyntaxError(f"empty field name in {self.text!r}")
            self.pos += 1
            if self.pos >= len(self.text) or self.text[self.pos].isspace():
                raise QuerySyntaxError(f"field {word!r} has no value")
            return self._parse_primary(field=word)
        if not word:
            raise QuerySyntaxError(f"unexpected character in {self.text!r}")
        if word == "*":
            return Term(field, "", "any")
        if "*" in word or "?" in word:
            if word.endswith("*") and "*" not in word[:-1] and "?" not in word:
                return Term(field, word[:-1], "prefix")
            raise QuerySyntaxError(f"wildcards are only supported at the end of a word: {word!r}")
        return Term(field, word, "word")

    def _parse_range(self, field: str) -> Node:
        opening = self.text[self.pos]
        self.pos += 1
        self._skip_ws()
        low = self._range_bound()
        self._skip_ws()
        if not self._at_keyword("TO"):
            raise QuerySyntaxError(f"range without TO in {self.text!r}")
        self.pos += 2
        self._skip_ws()
        high = self._range_bound()
        self._skip_ws()
        if self.pos >= len(self.text) or self.text[self.pos] not in "]}":
            raise QuerySyntaxError(f"unclosed range in {self.text!r}")
        closing = self.text[self.pos]
        self.pos += 1
        return Term(
            field,
            kind="range",
            low=None if low == "*" else low,
            high=None if high == "*" else high,
            include_low=opening == "[",
            include_high=closing == "]",
        )

    def _range_bound(self) -> str:
        if self.pos < len(self.text) and self.text[self.pos] == '"':
            return self._read_quoted()
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch.isspace() or ch in "]}":
                break
            out.append(ch)
            self.pos += 1
        if not out:
            raise QuerySyntaxError(f"empty range bound in {self.text!r}")
        return "".join(out)


def _with_field(node: Node, field: str) -> Node:
    """``field:(a OR b)``: give the group's unfielded terms that field."""
    if isinstance(node, Term):
        if node.field is not None:
            raise QuerySyntaxError(f"nested field inside {field}:( ... )")
        return Term(field, node.value, node.kind, node.low, node.high,
                    node.include_low, node.include_high)
    if isinstance(node, Not):
        return Not(_with_field(node.node, field))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_with_field(n, field) for n in node.nodes))
    return node
