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


# --- clauses no index answers (the request limits' cost model) -----------------

#: text fields (a word inside the text: the trigram index needs 3 characters)
TEXT_FIELDS = frozenset((None, "text", "title", "notes", "urls", "res_name",
                         "res_description", "title_ngram", "name_ngram"))
_UNESCAPED_COLON = re.compile(r"(?<!\\)((?:\\\\)*):")
_WILDCARD = re.compile(r"(?<!\\)((?:\\\\)*)[*?]")
MIN_INDEXED_TEXT = 3


def _split_field(token: str) -> tuple[Optional[str], str]:
    """``field:value`` → (field, value); a bare word → (None, word)."""
    match = _UNESCAPED_COLON.search(token)
    if not match:
        return None, token
    return token[:match.end() - 1].lstrip("+-!"), token[match.end():]


def _letters(value: str) -> int:
    """Characters of a term a trigram can be made of (what the search's
    normalisation keeps: no wildcards, quotes, escapes or spaces)."""
    value = _WILDCARD.sub(r"\1", value).replace("\\", "")
    return len("".join(value.strip('"+-!').split()))


def unindexed_clause(kind: str, field: Optional[str], value: str) -> bool:
    """Whether no index can answer this clause, so the PostgreSQL search
    tests it on every candidate row, reading the row's stored text: a word
    or phrase of one or two characters in text, or a text wildcard with
    fewer than three literal characters (pg_trgm makes no trigram of them;
    Solr answers them from its term index), and any ``urls:`` clause (the
    URLs are not in the indexed text)."""
    if field not in TEXT_FIELDS or kind == "range":
        return False
    if field == "urls":
        return True  # not in the text: its own text is read on every row
    return _letters(value) < MIN_INDEXED_TEXT


def count_unindexed(text: Optional[str], free_text: bool = False,
                    stop_after: Optional[int] = None) -> int:
    """The clauses of a query string no index answers (``unindexed_clause``),
    from the text alone, linear. A field name before a bracket applies to
    the group (``title:(ab OR cd)`` has two)."""
    if not text:
        return 0
    if free_text:
        text = dismax_text(text)
    count = 0
    group_fields: list[Optional[str]] = []  # the field of each open bracket
    pending: Optional[str] = None  # a field name waiting for its value
    position = 0
    for match in _CLAUSE_TOKEN.finditer(text):
        between = text[position:match.start()]
        position = match.end()
        for ch in between:
            if ch == "(":
                group_fields.append(pending if pending is not None else
                                    (group_fields[-1] if group_fields else None))
                pending = None
            elif ch == ")" and group_fields:
                group_fields.pop()
        token = match.group(0)
        if token in _OPERATORS:
            continue
        inherited = group_fields[-1] if group_fields else None
        first = token[0]
        if first == '"':
            field, value, kind = pending or inherited, token, "phrase"
        elif first in "[{":
            field, value, kind = pending or inherited, token, "range"
        elif token.endswith(":") and _unescaped_last(token):
            pending = token.lstrip("+-!")[:-1]
            continue
        elif not token.lstrip("+-!"):
            continue
        else:
            field, value = _split_field(token)
            if field is None:
                field = pending or inherited
            kind = "word"
        pending = None
        if unindexed_clause(kind, field, value):
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return count
