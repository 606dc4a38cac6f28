"""A parser for the subset of Solr's standard query syntax that CKAN, its
templates, ckanext-scheming and CKAN-API harvesters send in ``q`` and ``fq``.

Pure Python: it turns a query string into a small tree that ``sql.py``
translates. Anything outside the subset raises :class:`QuerySyntaxError`,
naming the unsupported part, so the caller can answer 400 instead of 500.

Supported: words, ``"phrases"``, ``field:value``, ``field:"value"`` (white
space around the colon allowed, as Lucene's classic parser allows it),
``field:(a OR b)``, ``+``/``-``/``NOT``/``!`` prefixes, ``AND``/``&&``,
``OR``/``||``, parentheses, ``*:*``, ``field:*``, wildcards ``*`` and ``?``,
ranges ``field:[a TO b]`` / ``{a TO b}`` (``*`` for an open end), ``\\``
escapes. Not supported (400): local parameters ``{!...}`` (so function
queries and joins), the magic fields ``_query_``/``_val_``, boosts ``^``,
fuzzy/proximity ``~``.

Operator precedence: ``OR`` binds tighter than juxtaposition (implicit AND)
and explicit ``AND``; a ``-`` clause stays excluded next to ``OR``, as in
Lucene (``a OR -b`` is a and not b, ``-a OR -b`` neither).
So ``organization:a OR organization:b metadata_modified:[x TO *]`` means "(a or b)
and modified since x", which is what a harvester joining its filter terms with
spaces means. (Lucene would make both organization terms
optional next to the required range, i.e. not filter by organization at all.)
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ckanext.opdc_kpi.search.clauses import clause_tokens, count_clauses, dismax_text
from ckanext.opdc_kpi.search.dismax import (  # noqa: F401 - minimum_should_match: API
    dismax_node, minimum_should_match)
from ckanext.opdc_kpi.search.nodes import (  # noqa: F401 - the parser's API names them
    And,
    AtLeast,
    MatchAll,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    signed_alternatives,
)
from ckanext.opdc_kpi.search.wildcards import wildcard_to_like  # noqa: F401 - API

_UNSUPPORTED = {
    "^": "boosts (^)",
    "~": "fuzzy or proximity search (~)",
}
# Solr's own limit on boolean clauses (maxBooleanClauses) per query string, a
# nesting limit that keeps the recursive parser far from Python's recursion
# limit, and the longest query string. (The site's limit on the clauses of a
# whole request is ckanext.opdc_kpi.search.max_clauses: search/limits.py.)
MAX_CLAUSES = 1024
MAX_DEPTH = 32
MAX_LENGTH = 10000
# CKAN's own patterns (ckan.lib.search.query): a magic field used as a field,
# and local parameters ({!...}) anywhere they are not escaped. Every pattern
# run on a caller's text is linear: CKAN's magic-field pattern starts with
# \s*, which .search tries again from every position of a run of spaces
# (quadratic); it only widens the match, so it is left out here.
_MAGIC_FIELD_RE = re.compile(
    r"(?<![\w\\])\\?_(?:\\?q\\?u\\?e\\?r\\?y|\\?v\\?a\\?l)\\?_\s*:")
_LOCAL_PARAMS_RE = re.compile(r"(?:^|[^\\])(?:\\\\)*\{!")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_STOP = '()"[]{}:'


def parse(text: Optional[str]) -> Node:
    """Parse a query string; an empty query or ``*:*`` matches everything."""
    if text is None:
        return MatchAll()
    _refuse_unsupported(text)
    _refuse_too_many_clauses(text)
    stripped = text.strip()
    if stripped in ("", "*:*", "*", '""', "''"):
        return MatchAll()
    return _Parser(stripped).parse_top()


def _refuse_unsupported(text: str) -> None:
    """What neither parser accepts (CKAN itself refuses the Solr parts)."""
    if not isinstance(text, str):
        raise QuerySyntaxError("query must be a string")
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(f"query longer than {MAX_LENGTH} characters")
    if "\x00" in text or _SURROGATE_RE.search(text):
        raise QuerySyntaxError("query contains a NUL character or invalid Unicode")
    if _LOCAL_PARAMS_RE.search(text):
        raise QuerySyntaxError(
            "Solr local parameters ({!...}: query parsers, function queries, joins) "
            "are not supported")
    match = _MAGIC_FIELD_RE.search(text)
    if match:
        raise QuerySyntaxError(
            f"Solr magic field {match.group(0).strip()} (function queries) is not supported")


def _refuse_too_many_clauses(text: str) -> None:
    if count_clauses(text, stop_after=MAX_CLAUSES) > MAX_CLAUSES:
        raise QuerySyntaxError(f"too many clauses (more than {MAX_CLAUSES})")


def parse_free_text(text: Optional[str]) -> Node:
    """A ``q`` without a colon, read as Solr's dismax reads it (CKAN sends such
    a ``q`` to dismax, with ``mm=2<-1 5<80%``): words and ``"phrases"``, any
    other syntax character separating words, an unbalanced quote dropped;
    ``+word`` required, ``-word``/``!word``/``NOT word`` excluded, ``a AND b``
    both required, any other word optional (``OR`` changes nothing: dismax's
    default operator is OR already). Of the optional words, dismax's minimum
    match asks for all when there are one or two, all but one for three to
    five, 80 % (rounded down) from six. Words that are only excluded match
    nothing (dismax adds no ``*:*``). It never fails on syntax."""
    if text is None:
        return MatchAll()
    _refuse_unsupported(text)
    cleaned = dismax_text(text)
    _refuse_too_many_clauses(cleaned)
    return dismax_node(cleaned)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.depth = 0

    # -- low level -----------------------------------------------------
    def _skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _at_keyword(self, word: str) -> bool:
        """``AND``/``OR``/``NOT``/``TO`` as a whole word; ``&&``/``||`` anywhere."""
        self._skip_ws()
        end = self.pos + len(word)
        if self.text[self.pos:end] != word:
            return False
        if word in ("&&", "||"):
            return True
        return end >= len(self.text) or self.text[end].isspace() or self.text[end] in "()"

    def _error(self, message: str) -> QuerySyntaxError:
        return QuerySyntaxError(f"{message} in {self.text!r}")

    def _read_word(self) -> str:
        """A bare word up to whitespace, a bracket, a quote or an unescaped
        colon. Escaped wildcard characters come back escaped (``\\*``), so
        the caller can tell them from wildcards."""
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\":
                if self.pos + 1 >= len(self.text):
                    raise self._error("a lone backslash at the end")
                nxt = self.text[self.pos + 1]
                out.append("\\" + nxt if nxt in "*?\\" else nxt)
                self.pos += 2
                continue
            if ch.isspace() or ch in _STOP:
                break
            if ch in "&|" and self.text[self.pos:self.pos + 2] in ("&&", "||") and out:
                break
            if ch in _UNSUPPORTED:
                raise self._error(f"{_UNSUPPORTED[ch]} not supported")
            out.append(ch)
            self.pos += 1
        return "".join(out)

    def _take_escaped(self, stop: Callable[[str], bool]) -> list[str]:
        """The characters up to the first one for which ``stop`` is true
        (left unread); a backslash takes the next character as it is."""
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if stop(ch):
                break
            out.append(ch)
            self.pos += 1
        return out

    def _read_quoted(self) -> str:
        self.pos += 1  # the opening quote
        out = self._take_escaped(lambda ch: ch == '"')
        if self.pos >= len(self.text):
            raise self._error("unbalanced quote")
        self.pos += 1  # the closing quote
        if self.pos < len(self.text) and self.text[self.pos] in _UNSUPPORTED:
            raise self._error(f"{_UNSUPPORTED[self.text[self.pos]]} not supported")
        return "".join(out)

    # -- grammar -------------------------------------------------------
    def parse_top(self) -> Node:
        node = self._parse_query(top=True)
        return node

    def _parse_query(self, top: bool = False) -> Node:
        groups = []
        while True:
            ch = self._peek()
            if not ch:
                break
            if ch == ")":
                if top:
                    raise self._error("unbalanced parenthesis")
                break
            if self._at_keyword("AND") or self._at_keyword("&&"):
                if not groups:
                    raise self._error("AND without a left-hand side")
                self.pos += 3 if self.text[self.pos] == "A" else 2
                if not self._peek() or self._peek() == ")":
                    raise self._error("AND without a right-hand side")
                continue
            groups.append(self._parse_or())
        if not groups:
            if top:
                return MatchAll()
            raise self._error("empty group")
        return groups[0] if len(groups) == 1 else And(tuple(groups))

    def _parse_or(self) -> Node:
        arms = [self._parse_clause()]
        while self._at_keyword("OR") or self._at_keyword("||"):
            self.pos += 2
            if not self._peek() or self._peek() == ")":
                raise self._error("OR without a right-hand side")
            arms.append(self._parse_clause())
        return arms[0][1] if len(arms) == 1 else signed_alternatives(arms)

    def _parse_clause(self) -> tuple[bool, Node]:
        """``(prohibited, node)``: whether a ``-``/``!``/``NOT`` sign led it."""
        ch = self._peek()
        negate = False
        if ch in "+-!":
            negate = ch != "+"
            self.pos += 1
            if self.pos >= len(self.text) or self.text[self.pos].isspace():
                raise self._error(f"a lone {ch!r}")
        elif self._at_keyword("NOT"):
            negate = True
            self.pos += 3
        node = self._parse_primary(field=None)
        return negate, (Not(node) if negate else node)

    def _parse_primary(self, field: Optional[str]) -> Node:
        ch = self._peek()
        if not ch:
            raise self._error("the query ends where a value was expected")
        if ch == "(":
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError(f"parentheses nested more than {MAX_DEPTH} deep")
            inner = self._parse_query()
            if self._peek() != ")":
                raise self._error("unbalanced parenthesis")
            self.pos += 1
            self.depth -= 1
            if field:
                inner = _with_field(inner, field)
            # Solr adds *:* to a query of negated clauses only when they are
            # not in brackets: a bracketed group of them (``(-a -b)``,
            # ``tags:(-a)``) matches nothing, even as the whole query
            return Not(MatchAll()) if _purely_negative(inner) else inner
        if ch == '"':
            return Term(field, self._read_quoted(), "phrase")
        if ch in "[{":
            if field is None:
                raise self._error("a range needs a field, as in field:[a TO b]")
            return self._parse_range(field)
        if ch in ")]}:":
            raise self._error(f"unexpected {ch!r}")
        if any(self._at_keyword(op) for op in ("AND", "OR", "NOT", "&&", "||")):
            # Lucene's parser refuses it too; quoted or escaped it is a word
            raise self._error("an operator where a term was expected")
        word = self._read_word()
        if self._at_field_colon(word):
            if field is not None:
                raise self._error("a field inside a field value")
            if not word:
                raise self._error("an empty field name")
            self.pos += 1
            if not self._peek():
                raise self._error(f"field {word!r} has no value")
            return self._parse_primary(field=_unescape(word))
        if not word:
            raise self._error("an unexpected character")
        if field is None and not word.strip("+-!"):
            raise self._error(f"a lone {word!r}")
        return _word_term(field, word)

    def _at_field_colon(self, word: str) -> bool:
        """Whether the colon of ``field:value`` follows ``word``: left on
        it, else unmoved. White space may stand around it, as in Lucene's
        syntax (CKAN's feeds send ``tags: "x"``)."""
        start = self.pos
        if word:
            self._skip_ws()
        if self.pos < len(self.text) and self.text[self.pos] == ":":
            return True
        self.pos = start
        return False

    def _parse_range(self, field: str) -> Node:
        opening = self.text[self.pos]
        self.pos += 1
        self._skip_ws()
        low = self._range_bound()
        self._skip_ws()
        if not self._at_keyword("TO"):
            raise self._error("a range without TO")
        self.pos += 2
        self._skip_ws()
        high = self._range_bound()
        self._skip_ws()
        if self.pos >= len(self.text) or self.text[self.pos] not in "]}":
            raise self._error("an unclosed range")
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
        out = self._take_escaped(lambda ch: ch.isspace() or ch in "[]{}")
        if not out:
            raise self._error("an empty range bound")
        return "".join(out)


def _unescape(word: str) -> str:
    return re.sub(r"\\(.)", r"\1", word)


def _word_term(field: Optional[str], word: str) -> Term:
    """A bare word: ``*`` alone matches any value; unescaped ``*``/``?``
    make a wildcard (``word*`` is the common prefix case)."""
    if word == "*":
        return Term(field, "", "any")
    plain = re.sub(r"\\[*?\\]", "", word)
    if "*" not in plain and "?" not in plain:
        return Term(field, _unescape(word), "word")
    body = word[:-1]
    if word.endswith("*") and not word.endswith("\\*") and not re.search(
            r"(?<!\\)[*?]", body):
        return Term(field, _unescape(body), "prefix")
    return Term(field, word, "wildcard")  # escapes kept: see wildcard_to_like


def _purely_negative(node: Node) -> bool:
    """Whether every clause of the group ``node`` is negated (the test
    looks at the group's own clauses only: linear over the whole parse)."""
    if isinstance(node, Not):
        return True
    if isinstance(node, (And, Or)):
        return all(isinstance(child, Not) for child in node.nodes)
    return False


def _with_field(node: Node, field: str) -> Node:
    """``field:(a OR b)``: give the group's unfielded terms that field."""
    if isinstance(node, Term):
        if node.field is not None:
            raise QuerySyntaxError(f"a field inside {field}:( ... )")
        return Term(field, node.value, node.kind, node.low, node.high,
                    node.include_low, node.include_high)
    if isinstance(node, Not):
        return Not(_with_field(node.node, field))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_with_field(n, field) for n in node.nodes))
    return node
