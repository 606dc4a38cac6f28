"""Every regular expression the search runs on a caller's text is linear.

Each pattern in ``search/parser.py``, ``search/clauses.py``, ``search/sql.py``
(and the sort and text patterns it reaches) is driven, through the function
a request reaches it by, with a 10,000-character string built to make it
backtrack, and timed against the same string built 100 characters long, in
the same run (the best of several runs each). Linear work grows ~100 times
(less: fixed costs weigh more on the short one); a pattern that retries from
every position grows ~10,000 times. The bar, 1,000 times, is 10 times above
linear and 10 times below quadratic, so machine load does not decide it.

The two rewritten patterns are also checked against the ones they replace
on generated text: the same verdicts, the same splits.
"""
from __future__ import annotations

import math
import re
import time

import pytest
from hypothesis import given, settings, strategies as st

from ckanext.opdc_kpi.search import parser as qp
from ckanext.opdc_kpi.search import dates, query, sql
from ckanext.opdc_kpi.search.clauses import count_clauses
from ckanext.opdc_kpi.search.text import normalize_for_search

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = pytest.mark.pgsearch

LONG, SHORT = 10_000, 100
RATIO = 1_000


def _fill(head: str, unit: str, tail: str, n: int) -> str:
    """``head + unit * k + tail`` cut or padded (with the unit) to ``n`` characters."""
    body = unit * ((n - len(head) - len(tail)) // len(unit) + 1)
    text = head + body[:n - len(head) - len(tail)] + tail
    assert len(text) == n
    return text


def _sort(text: str) -> None:
    query._order_by(text, qp.MatchAll(), sql.Condition())


def _build(text: str) -> None:
    sql.Condition().build(qp.parse(text))


# (pattern(s) it drives, the function a request reaches them through, hostile text of n)
HOSTILE = [
    # CKAN's magic-field pattern begins with \s*: tried again from every space
    ("_MAGIC_FIELD_RE, spaces", qp.parse, lambda n: _fill("a", " ", "a", n)),
    ("_MAGIC_FIELD_RE, free text", qp.parse_free_text, lambda n: _fill("a", " ", "a", n)),
    ("_MAGIC_FIELD_RE, field then spaces", qp.parse, lambda n: _fill("_query_", " ", "x", n)),
    ("_LOCAL_PARAMS_RE", qp.parse, lambda n: _fill("a", "\\\\", "x", n)),
    ("_SURROGATE_RE", qp.parse, lambda n: _fill("", "a", "", n)),
    ("_DISMAX_INERT, _LONE_SIGN", qp.parse_free_text, lambda n: _fill(" ", "+", "a", n)),
    ("_CLAUSE_TOKEN, phrase", count_clauses, lambda n: _fill('"', "\\a", "", n)),
    ("_CLAUSE_TOKEN, range", count_clauses, lambda n: _fill("[", "\\a", "", n)),
    ("_CLAUSE_TOKEN, word", count_clauses, lambda n: _fill("", "a&", "", n)),
    ("_CLAUSE_TOKEN, brackets", count_clauses, lambda n: _fill("", "(", "", n)),
    # the date-math split, run on every range bound: tried again at every Z
    ("_split_date_math", dates.parse_solr_date, lambda n: _fill("Z", "+1Z", "+1!", n)),
    ("_split_date_math, offsets", dates.parse_solr_date,
     lambda n: _fill("2022-01-01", "+07:00", "!", n)),
    ("_split_date_math, times", dates.parse_solr_date, lambda n: _fill("T", "1:", "+1DAY!", n)),
    ("_DATE_MATH_RE", dates.parse_solr_date, lambda n: _fill("NOW", "+123456789", "", n)),
    ("_parse_iso", dates.parse_solr_date, lambda n: _fill("2022-01-01T00:00:00", ".1", "", n)),
    ("_FIELD_RE, _word_term, _unescape", _build, lambda n: _fill("a", "\\*", ":x", n)),
    ("word_start_regex, like_escape", _build, lambda n: _fill("", "a-", "", n)),
    ("_NUMBER_RE", _build, lambda n: _fill("num:[1 TO ", "1", "]", n)),
    ("_SORT_RE", _sort, lambda n: _fill("name", " ", "x", n)),
    ("text._SPACES", normalize_for_search, lambda n: _fill("a", " \t", "a", n)),
]


def _best_seconds(function, text: str, runs: int) -> float:
    best = math.inf
    for _ in range(runs):
        started = time.perf_counter()
        try:
            function(text)
        except qp.QuerySyntaxError:
            pass
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("name, function, hostile", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_pattern_is_linear_on_10000_hostile_characters(name, function, hostile):
    short = _best_seconds(function, hostile(SHORT), runs=30)
    long = _best_seconds(function, hostile(LONG), runs=3)
    assert long / max(short, 1e-7) < RATIO, (
        f"{name}: {LONG} characters took {long * 1000:.1f} ms, {SHORT} took "
        f"{short * 1e6:.1f} µs ({long / max(short, 1e-7):.0f} times)")


# --- the rewritten patterns say what the ones they replace said ------------------

CKAN_MAGIC_FIELD_RE = re.compile(
    r"\s*(?<![\w\\])\\?_(?:\\?q\\?u\\?e\\?r\\?y|\\?v\\?a\\?l)\\?_\s*:")
OLD_DATE_SPLIT_RE = re.compile(r"^(.*?(?:Z|[+-]\d\d:\d\d|T[\d:.]+|\d{4}-\d\d-\d\d))"
                               r"((?:[+-]\d+[A-Z]+|/[A-Z]+)*)$")


def _old_split(text: str) -> tuple[str, str]:
    if text.startswith("NOW"):
        return "NOW", text[3:]
    match = OLD_DATE_SPLIT_RE.match(text)
    return (match.group(1), match.group(2)) if match else (text, "")


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet=" \t\n\\_:quevalQUERYVAL()a", max_size=30))
def test_magic_field_pattern_finds_what_ckans_finds(text):
    assert bool(qp._MAGIC_FIELD_RE.search(text)) == bool(CKAN_MAGIC_FIELD_RE.search(text))


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet="0123456789๑-+:/.TZDAYSNOWMH!x \n", max_size=30))
def test_date_math_split_is_the_old_patterns_split(text):
    try:
        expected = _old_split(text)
        if expected[1] and "".join(m.group(0) for m in dates._DATE_MATH_RE.finditer(
                expected[1])) != expected[1]:
            expected = "refused"
    except qp.QuerySyntaxError:
        expected = "refused"
    try:
        got = dates._split_date_math(text)
    except qp.QuerySyntaxError:
        got = "refused"
    assert got == expected


@pytest.mark.parametrize("text, expected", [
    ("tags:(a OR b) -c", 3),
    ('title:"water quality" AND res_format:CSV', 2),
    ("metadata_modified:[2022-01-01T00:00:00Z TO *] && name:x*", 2),
    ("*:*", 1),
    ("NOT a || !b", 2),
    ("+ - !", 0),
    (r"url:http\://x", 1),
    (r"a\:", 1),
    ("a&&b", 2),
    ("", 0),
])
def test_clauses_are_counted_from_the_text(text, expected):
    assert count_clauses(text) == expected


def test_free_text_clauses_are_counted_as_dismax_reads_them():
    # dismax reads x^2 as the words x and 2, as parse_free_text does
    assert count_clauses("x^2 water", free_text=True) == 3
    assert count_clauses('"unbalanced quote', free_text=True) == 2


def _terms(node) -> int:
    if isinstance(node, qp.Term):
        return 1
    if isinstance(node, qp.Not):
        return _terms(node.node)
    if isinstance(node, (qp.And, qp.Or, qp.AtLeast)):
        return sum(_terms(n) for n in node.nodes)
    return 0


_QUERY_TEXT = st.lists(st.sampled_from([
    "a", "b1", "tags:x", "title:", "(", ")", " ", " OR ", " AND ", "NOT ", "-", "+", "!",
    '"p q"', "[1 TO 2]", "*", "*:*", "&&", "||", "\\:", ":", "x*"]), max_size=14).map("".join)


@settings(max_examples=500, derandomize=True, deadline=None, database=None)
@given(_QUERY_TEXT)
def test_the_count_is_never_below_the_parsed_terms(text):
    """What the limits count (the text) bounds what the parser builds, so a
    request the limits accept is never refused by the parser's own bound."""
    for parse, free_text in ((qp.parse, False), (qp.parse_free_text, True)):
        try:
            node = parse(text)
        except qp.QuerySyntaxError:
            continue
        assert _terms(node) <= max(count_clauses(text, free_text=free_text), 1)
