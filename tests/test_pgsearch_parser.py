"""The Solr-subset parser and its SQL translation, without a database."""
import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from ckanext.opdc_kpi.search import parser as qp
from ckanext.opdc_kpi.search.sql import Condition, parse_solr_date

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = pytest.mark.pgsearch


def T(field, value="", kind="word", **kw):  # noqa: N802 - reads like the tree
    return qp.Term(field, value, kind, **kw)


@pytest.mark.parametrize("text", ["", "   ", "*:*", "*", '""', "''", None])
def test_match_all(text):
    assert qp.parse(text) == qp.MatchAll()


def test_harvester_filter_or_binds_tighter_than_juxtaposition():
    node = qp.parse("organization:a OR organization:b "
                    "metadata_modified:[2022-01-01T00:00:00.123456Z TO *]")
    assert node == qp.And((
        qp.Or((T("organization", "a"), T("organization", "b"))),
        T("metadata_modified", kind="range", low="2022-01-01T00:00:00.123456Z"),
    ))


def test_negated_filters_as_a_harvester_joins_them():
    assert qp.parse("-organization:a -organization:b") == qp.And((
        qp.Not(T("organization", "a")), qp.Not(T("organization", "b"))))


NOTHING = qp.Not(qp.MatchAll())


@pytest.mark.parametrize("text, expected", [
    # Solr adds *:* to a query of negated clauses only when they are not in
    # brackets (Solr 9.10 answers so, q and fq alike)
    ("-tags:a -tags:b", qp.And((qp.Not(T("tags", "a")), qp.Not(T("tags", "b"))))),
    ("NOT tags:a", qp.Not(T("tags", "a"))),
    # a bracketed group of them matches nothing, even as the whole query
    ("(-tags:a)", NOTHING),
    ("((-tags:a -tags:b))", NOTHING),
    ("(-a OR NOT b)", NOTHING),
    ("tags:(-a -b)", NOTHING),
    ("-(-tags:a)", qp.Not(NOTHING)),
    ("+capacity:public (-tags:a) +state:active",
     qp.And((T("capacity", "public"), NOTHING, T("state", "active")))),
    ("(-a OR NOT b) OR c", qp.Or((NOTHING, T(None, "c")))),
    # a group with a clause that is not negated is not purely negative
    ("x (-a b)", qp.And((T(None, "x"), qp.And((qp.Not(T(None, "a")), T(None, "b")))))),
    ("(tags:a -(-b))", qp.And((T("tags", "a"), qp.Not(NOTHING)))),
])
def test_a_bracketed_group_of_negated_clauses_only_matches_nothing(text, expected):
    assert qp.parse(text) == expected


@pytest.mark.parametrize("text, expected", [
    # Lucene's classic parser: OR makes unsigned clauses optional; a signed one
    # keeps its sign (Solr: tags:a OR -tags:b is a and not b)
    ("tags:a OR -tags:b", qp.And((T("tags", "a"), qp.Not(T("tags", "b"))))),
    ("NOT tags:a OR tags:b", qp.And((T("tags", "b"), qp.Not(T("tags", "a"))))),
    ("-tags:a OR -tags:b", qp.And((qp.Not(T("tags", "a")), qp.Not(T("tags", "b"))))),
    ("(-tags:a OR -tags:b)", NOTHING),
    ("a OR b OR -c", qp.And((qp.Or((T(None, "a"), T(None, "b"))), qp.Not(T(None, "c"))))),
    # with CKAN's q.op=AND, + means nothing next to OR (Lucene: "+a OR b --> a OR b")
    ("+tags:a OR tags:b", qp.Or((T("tags", "a"), T("tags", "b")))),
    ("+a OR b OR -c", qp.And((qp.Or((T(None, "a"), T(None, "b"))), qp.Not(T(None, "c"))))),
    ("a OR +b", qp.Or((T(None, "a"), T(None, "b")))),
    ("tags:(a OR -b)", qp.And((T("tags", "a"), qp.Not(T("tags", "b"))))),
    # a bracketed group is a clause of its own, not a sign
    ("a OR (-b)", qp.Or((T(None, "a"), NOTHING))),
    ("a OR b", qp.Or((T(None, "a"), T(None, "b")))),
])
def test_a_signed_clause_keeps_its_sign_next_to_or(text, expected):
    assert qp.parse(text) == expected


@pytest.mark.parametrize("text, expected", [
    ('title:"water quality"', T("title", "water quality", "phrase")),
    ("+capacity:public", T("capacity", "public")),
    ("state:(active OR draft)", qp.Or((T("state", "active"), T("state", "draft")))),
    ("(active OR draft)", qp.Or((T(None, "active"), T(None, "draft")))),
    ("NOT tags:x", qp.Not(T("tags", "x"))),
    ("!tags:x", qp.Not(T("tags", "x"))),
    ("a && b", qp.And((T(None, "a"), T(None, "b")))),
    ("a || b", qp.Or((T(None, "a"), T(None, "b")))),
    ("a AND b", qp.And((T(None, "a"), T(None, "b")))),
    ("name:wat*", T("name", "wat", "prefix")),
    ("name:w?t*r", T("name", "w?t*r", "wildcard")),
    (r"name:a\*b", T("name", "a*b")),
    (r"url:http\://x", T("url", "http://x")),
    ("res_format:*", T("res_format", kind="any")),
    ("metadata_created:{2020-01-01T00:00:00Z TO NOW]",
     T("metadata_created", kind="range", low="2020-01-01T00:00:00Z", high="NOW",
       include_low=False)),
    ("num_resources:[1 TO 3]", T("num_resources", kind="range", low="1", high="3")),
    ('name_ngram:"wat" OR title:"wat"',
     qp.Or((T("name_ngram", "wat", "phrase"), T("title", "wat", "phrase")))),
    # white space on either side of the colon, as Lucene's classic parser reads
    # it (CKAN's feeds send tags: "x", groups: "g", owner_org: "id")
    ('tags: "x"', T("tags", "x", "phrase")),
    ('owner_org:\t"a b"', T("owner_org", "a b", "phrase")),
    ("tags :x", T("tags", "x")),
    ("tags : (a OR b) c", qp.And((qp.Or((T("tags", "a"), T("tags", "b"))), T(None, "c")))),
    ("-groups:  g", qp.Not(T("groups", "g"))),
    ("num_resources: [1 TO 3]", T("num_resources", kind="range", low="1", high="3")),
])
def test_supported_syntax(text, expected):
    assert qp.parse(text) == expected


@pytest.mark.parametrize("text, named", [
    ("{!lucene}x", "local parameters"),
    ("title:x {!join from=a to=b}y", "local parameters"),
    ("{!func}sum(1,2)", "local parameters"),
    ("_val_:1", "_val_"),
    ("_query_:x", "_query_"),
    ("title:x^2", "boosts"),
    ("title:x~2", "fuzzy"),
    ('"a b"~3', "proximity"),
    ('title:"unbalanced', "unbalanced quote"),
    ("(a OR b", "unbalanced parenthesis"),
    ("a)", "unbalanced parenthesis"),
    ("metadata_modified:[2022-01-01T00:00:00Z TO", "range"),
    ("metadata_modified:[2022-01-01T00:00:00Z *]", "without TO"),
    ("[a TO b]", "needs a field"),
    ("title:", "no value"),
    ("title:  ", "no value"),
    ("title :", "no value"),
    ("title: )", "unexpected"),
    ("a AND", "right-hand side"),
    ("a OR", "right-hand side"),
    ("tags:x\x00", "NUL"),
    ("(" * 40 + "x" + ")" * 40, "nested"),
    (" OR ".join(["x"] * 1100), "too many clauses"),
])
def test_unsupported_syntax_names_the_problem(text, named):
    with pytest.raises(qp.QuerySyntaxError) as error:
        qp.parse(text)
    assert named in str(error.value)


@pytest.mark.parametrize("text, words", [
    ("ข้อมูล (2565", ["ข้อมูล", "2565"]),
    ('"unbalanced quote', ["unbalanced", "quote"]),
    ("a - b", ["a", "b"]),
    ("x^2 y~", ["x", "2", "y"]),
    ("c++ (", ["c++"]),
    ("AND b", ["b"]),
])
def test_free_text_is_read_leniently_like_dismax(text, words):
    node = qp.parse_free_text(text)
    terms = node.nodes if isinstance(node, (qp.And, qp.AtLeast)) else (node,)
    assert [t.value for t in terms] == words


def test_free_text_keeps_phrases_signs_and_operators():
    # as dismax reads it (issue 28): the phrase, a and b optional, of which
    # CKAN's mm (2<-1 5<80%) asks two of three; river excluded
    assert qp.parse_free_text('"water quality" -river a OR b') == qp.And((
        qp.AtLeast(2, (T(None, "water quality", "phrase"), T(None, "a"), T(None, "b"))),
        qp.Not(T(None, "river"))))


@pytest.mark.parametrize("text, expected", [
    # one or two optional words: all of them
    ("water road", qp.And((T(None, "water"), T(None, "road")))),
    ("water OR road", qp.And((T(None, "water"), T(None, "road")))),
    # three to five: all but one; six or more: 80 %, rounded down
    ("a b c d", qp.AtLeast(3, tuple(T(None, w) for w in "abcd"))),
    ("a b c d e f g", qp.AtLeast(5, tuple(T(None, w) for w in "abcdefg"))),
    # + and AND make a word required, outside the optional ones
    ("+a b c", qp.And((T(None, "a"), T(None, "b"), T(None, "c")))),
    ("a AND b c d", qp.And((T(None, "a"), T(None, "b"), T(None, "c"), T(None, "d")))),
    ("a b c -d", qp.And((qp.AtLeast(2, (T(None, "a"), T(None, "b"), T(None, "c"))),
                         qp.Not(T(None, "d"))))),
    ("a OR -b", qp.And((T(None, "a"), qp.Not(T(None, "b"))))),
    # only excluded words: nothing (dismax adds no *:*)
    ("-water", qp.Not(qp.MatchAll())),
    ("NOT a -b", qp.Not(qp.MatchAll())),
])
def test_free_text_follows_dismax_minimum_match(text, expected):
    assert qp.parse_free_text(text) == expected


def test_free_text_still_refuses_solr_local_parameters():
    with pytest.raises(qp.QuerySyntaxError):
        qp.parse_free_text("{!lucene}x")


def test_wildcards_become_like_patterns():
    assert qp.wildcard_to_like("w?t*r") == "w_t%r"
    assert qp.wildcard_to_like(r"100%_a\*") == r"100\%\_a*"


def test_sql_binds_every_value():
    condition = Condition()
    sql = condition.build(qp.parse("tags:\"x'; DROP TABLE package; --\" title:ข้อมูล"))
    assert "DROP" not in sql and "ข้อมูล" not in sql
    assert condition.params["p0"] == ["tags\x1fx'; DROP TABLE package; --"]


def test_sql_uses_the_aliased_focus_area_field():
    condition = Condition()
    sql = condition.build(qp.parse("focus_area:tourism"))
    assert sql.startswith("facets @>")
    assert condition.params == {"p0": ["vocab_opdc_focus_areas\x1ftourism"]}


def test_other_fields_are_read_from_the_document():
    condition = Condition()
    assert condition.build(qp.parse("maintainer:x")).startswith("fields @>")


def test_numeric_ranges_compare_as_numbers():
    condition = Condition()
    sql = condition.build(qp.parse("num_resources:[2 TO 10]"))
    assert "::numeric" in sql


@pytest.mark.parametrize("field", ["*", "a b", "1x", "title)"])
def test_bad_field_names(field):
    with pytest.raises(qp.QuerySyntaxError):
        Condition().build(qp.Term(field, "x"))


NOW = dt.datetime(2024, 3, 31, 15, 30, 12, 123456)


@pytest.mark.parametrize("text, expected", [
    ("2022-01-01T00:00:00.123456Z", dt.datetime(2022, 1, 1, 0, 0, 0, 123456)),
    ("2022-01-01T00:00:00Z", dt.datetime(2022, 1, 1)),
    ("2022-01-01T00:00:00.123Z", dt.datetime(2022, 1, 1, 0, 0, 0, 123000)),
    ("2022-01-01T00:00:00.123456789Z", dt.datetime(2022, 1, 1, 0, 0, 0, 123456)),
    ("2022-01-01T00:00:00", dt.datetime(2022, 1, 1)),
    ("2022-01-01", dt.datetime(2022, 1, 1)),
    ("2022-01-01T07:00:00+07:00", dt.datetime(2022, 1, 1)),
    ("NOW", NOW),
    ("NOW-1MONTH", dt.datetime(2024, 2, 29, 15, 30, 12, 123456)),
    ("NOW/DAY-7DAYS", dt.datetime(2024, 3, 24)),
    ("NOW-1YEAR/DAY", dt.datetime(2023, 3, 31)),
    ("2022-01-01T00:00:00Z+1DAY", dt.datetime(2022, 1, 2)),
])
def test_solr_dates(text, expected):
    assert parse_solr_date(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "2022-13-01", "NOW-1FOO", "NOW+999999999YEARS",
                                  "99999-01-01", "0000-01-01T00:00:00Z", "2022"])
def test_bad_dates_are_syntax_errors(text):
    with pytest.raises(qp.QuerySyntaxError):
        parse_solr_date(text, now=NOW)


# -- properties ---------------------------------------------------------------
SOLR_ALPHABET = st.sampled_from(list('()[]{}":\\*?+-!^~&| ') + list("abTOANDORNOT")
                                + ["ข้อมูล", "x", "tags", "title", "metadata_modified",
                                   " TO ", " OR ", " AND ", "2022-01-01T00:00:00Z", "NOW",
                                   "\x00", "\ud800", "{!", "_val_", "é", "1"])
QUERY_TEXT = st.one_of(st.text(max_size=60), st.lists(SOLR_ALPHABET, max_size=25).map("".join))


@settings(max_examples=1500, deadline=None)
@given(QUERY_TEXT)
def test_any_string_parses_or_is_a_syntax_error(text):
    for parse in (qp.parse, qp.parse_free_text):
        try:
            node = parse(text)
        except qp.QuerySyntaxError:
            continue
        try:
            Condition().build(node)
        except qp.QuerySyntaxError:
            pass
