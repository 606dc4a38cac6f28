"""Counting the boolean clauses of a Solr-syntax query from its text alone
(pure Python): the same count for either search backend and for syntax the
PostgreSQL search's parser refuses; used by that parser (at most
``parser.MAX_CLAUSES`` per query string) and by the request limits
(``limits.py``: q, fq and fq_list together)."""
from __future__ import annotations

import re
from typing import Iterator, Optional

# Characters Solr's dismax escapes in a user's query (SolrPluginUtils.partialEscape):
# they never act as syntax there. Here they separate words, as Solr's analyzer
# would drop them from the indexed words.
_DISMAX_INERT = re.compile(r'[\\!():^\[\]{}~*?]')
_LONE_SIGN = re.compile(r"(?:(?<=\s)|^)[+-]+(?=\s|$)")
# A query as tokens, to count its clauses: a phrase, a range, a word (a term,
# a field prefix such as ``tags:`` or an operator), or && / ||; white space
# and brackets only separate them. The alternatives start with different
# characters and none repeats a part another can match: linear.
_CLAUSE_TOKEN = re.compile(r"""
    "(?:[^"\\]|\\.)*"?                         # a phrase (unclosed: to the end)
  | [\[{](?:[^\]}\\]|\\.)*[\]}]?                 # a range, [a TO b] or {a TO b}
  | (?:[^\s()"\[\]{}\\&|]|\\.|&(?!&)|\|(?!\|))+    # a word
  | &&|\|\|                                      # AND / OR written as symbols
""", re.VERBOSE | re.DOTALL)
_OPERATORS = frozenset(("AND", "OR", "NOT", "&&", "||"))


def dismax_text(text: str) -> str:
    """A ``q`` without a colon as dismax reads it (see parse_free_text)."""
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return _LONE_SIGN.sub(" ", _DISMAX_INERT.sub(" ", text))


def clause_tokens(text: str) -> Iterator[tuple[str, str]]:
    """The clauses of a query string, each as ``(kind, text)``: ``"phrase"``
    (with its quotes), ``"range"`` (with its brackets) or ``"word"`` (a term
    or ``field:value``, with any ``+``/``-``/``!`` prefix). Operators,
    brackets and a field name before ``(``, a phrase or a range are not
    clauses. Never fewer than the terms the parser makes of the text (it
    refuses an operator where a term belongs, as Lucene's parser does)."""
    for match in _CLAUSE_TOKEN.finditer(text):
        token = match.group(0)
        first = token[0]
        if token in _OPERATORS:
            continue
        if first == '"':
            yield "phrase", token
        elif first in "[{":
            yield "range", token
        elif token.endswith(":") and _unescaped_last(token):
            continue  # a field name before its value: the value is the clause
        elif token.lstrip("+-!"):
            yield "word", token


def count_clauses(text: Optional[str], free_text: bool = False,
                  stop_after: Optional[int] = None) -> int:
    """The boolean clauses of a query string (``clause_tokens``): its terms
    (a word, a ``field:value``, a ``"phrase"``, a ``[range]``, ``*:*``),
    counted from the text alone, so the same for any backend and for syntax
    the PostgreSQL search's parser refuses: ``tags:(a OR b) -c`` has 3.
    ``free_text``: a ``q`` without a colon, read as dismax reads it. Linear
    in the text; stops counting once past ``stop_after``."""
    if not text:
        return 0
    if free_text:
        text = dismax_text(text)
    count = 0
    for _ in clause_tokens(text):
        count += 1
        if stop_after is not None and count > stop_after:
            break
    return count


def _unescaped_last(token: str) -> bool:
    """The token's last character is not escaped by a backslash."""
    body = token[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 0
