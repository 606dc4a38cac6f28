"""Translate a parsed query (``parser.py``) into a SQL condition on the
search table, with bound parameters only (never string-built values).

Field semantics follow CKAN's Solr schema: ``text``-type fields (the default
field, ``title``, ``notes``, ``res_name``, ...) match words inside the
normalised text, as a substring, because Thai is written without spaces;
``string``-type fields (``tags``, ``organization``, ``res_format``, scheming
fields, ...) match whole values exactly; ``metadata_created`` and
``metadata_modified`` are dates; any other field is looked up in the
flattened document (``fields``: key → list of strings), as Solr's dynamic
``*`` string field would.
"""
from __future__ import annotations

import decimal
import json
import re
from typing import Any, Optional

from . import parser as qp
from .dates import parse_solr_date
from .fields import FIELD_ALIASES, facet_value, is_facet_field
from .text import normalize_for_search

# Fields matched as text (a substring of the normalised text), Solr "text" fields.
TEXT_COLUMNS = {
    None: "search_text",
    "text": "search_text",
    "notes": "search_text",
    "urls": "search_text",
    "res_name": "search_text",
    "res_description": "search_text",
    "title": "title_text",
    "title_ngram": "title_text",
    "name_ngram": "name",
}
# Solr's text fields of their own: each also in ``field_text`` (field → its
# normalised text), where a term is decided; those in Solr's ``text`` field
# (all but urls) are first narrowed through ``search_text``'s trigram index.
FIELD_TEXTS = frozenset(("notes", "res_name", "res_description", "urls"))
NOT_IN_TEXT = frozenset(("urls",))
# Fields kept in their own columns, matched exactly.
EXACT_COLUMNS = {
    "id": "id",
    "name": "name",
    "owner_org": "owner_org",
    "state": "state",
    "dataset_type": "dataset_type",
    "type": "dataset_type",
}
DATE_COLUMNS = {"metadata_modified": "metadata_modified", "metadata_created": "metadata_created"}
ALWAYS_TRUE = {"site_id", "index_id"}
TABLE = "opdc_kpi_search"
# the documents' values, one row per field and value (migration a1c3e5f70006)
VALUES_TABLE = "opdc_kpi_search_values"
VALUE_PREFIX = 256  # characters of a value its text index holds
# Solr's ngram fields match anywhere inside words
SUBSTRING_FIELDS = {"name_ngram", "title_ngram"}
_FIRST_THAI = 0x0E00  # Thai, Lao and later scripts are written without spaces

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NUMBER_RE = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$")
_NUMERIC_SQL = "CASE WHEN {e} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN {e}::numeric END"


class Condition:
    """Collects SQL fragments and their bound parameters."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        # each word or phrase match made: its SQL -> (column, LIKE pattern)
        self.text_matches: dict[str, tuple[str, str]] = {}

    def bind(self, value: Any) -> str:
        key = f"p{len(self.params)}"
        self.params[key] = value
        return f":{key}"

    # -- tree ------------------------------------------------------------
    def build(self, node: qp.Node) -> str:
        if isinstance(node, qp.MatchAll):
            return "TRUE"
        if isinstance(node, qp.Not):
            # a term NULL on a row (owner_org:x where it has none) is false
            # there, so its negation is true, as in Solr
            return f"(({self.build(node.node)}) IS NOT TRUE)"
        if isinstance(node, qp.And):
            return "(" + " AND ".join(self.build(n) for n in node.nodes) + ")"
        if isinstance(node, qp.Or):
            return "(" + " OR ".join(self.build(n) for n in node.nodes) + ")"
        if isinstance(node, qp.AtLeast):
            counted = " + ".join(f"(CASE WHEN {self.build(n)} THEN 1 ELSE 0 END)"
                                 for n in node.nodes)
            return f"(({counted}) >= {int(node.minimum)})"
        return self.term(node)

    def term(self, term: qp.Term) -> str:
        field = term.field
        if field == "*":
            if term.kind == "any":
                return "TRUE"
            raise qp.QuerySyntaxError("only *:* may use the field *")
        if field is not None and not _FIELD_RE.match(field):
            raise qp.QuerySyntaxError(f"unsupported field name {field!r}")
        field = FIELD_ALIASES.get(field, field)
        if field in ALWAYS_TRUE:
            return "TRUE"
        if field == "entity_type":
            return "TRUE" if term.value in ("package", "") or term.kind == "any" else "FALSE"
        if field == "capacity":
            return self._capacity(term)
        if field == "private":
            return self._boolean_column("private", term)
        if field == "permission_labels":
            return self._labels(term)
        if field in DATE_COLUMNS:
            return self._date(DATE_COLUMNS[field], term)
        if field in FIELD_TEXTS:
            return self._field_text(field, term)
        if field in TEXT_COLUMNS:
            return self._text(TEXT_COLUMNS[field], term)
        if field in EXACT_COLUMNS:
            return self._exact_column(EXACT_COLUMNS[field], term)
        return self._json_field(field, term)

    # -- kinds -----------------------------------------------------------
    def _capacity(self, term: qp.Term) -> str:
        if term.kind == "any":
            return "TRUE"
        if term.kind in ("word", "phrase"):
            return {"public": "NOT private", "private": "private"}.get(term.value, "FALSE")
        return self._boolean_like("CASE WHEN private THEN 'private' ELSE 'public' END", term)

    def _boolean_column(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return "TRUE"
        value = term.value.lower()
        if term.kind in ("word", "phrase") and value in ("true", "false"):
            return column if value == "true" else f"NOT {column}"
        if term.kind in ("word", "phrase"):
            return "FALSE"
        return self._boolean_like(f"CASE WHEN {column} THEN 'true' ELSE 'false' END", term)

    def _boolean_like(self, expression: str, term: qp.Term) -> str:
        if term.kind == "range":
            return self._range_sql(expression, term.low, term.high, term)
        return f"{expression} LIKE {self.bind(self._like_pattern(term, anchored=True))}"

    def _labels(self, term: qp.Term) -> str:
        if term.kind == "any":
            return "cardinality(permission_labels) > 0"
        if term.kind in ("word", "phrase"):
            return f"permission_labels && CAST({self.bind([term.value])} AS text[])"
        return self._array_exists("permission_labels", term)

    def _text(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return "TRUE"
        if term.kind == "range":
            raise qp.QuerySyntaxError(f"ranges are not supported on text field {term.field}")
        if term.kind == "wildcard":
            pattern = qp.wildcard_to_like(normalize_for_search(term.value))
            if not pattern.strip("%_"):
                return "TRUE"
            return f"{column} LIKE {self.bind('%' + pattern + '%')}"
        needle = normalize_for_search(term.value)
        if not needle:
            return "TRUE"
        pattern = "%" + like_escape(needle) + "%"
        sql = f"{column} LIKE {self.bind(pattern)}"
        if term.field not in SUBSTRING_FIELDS and starts_a_word(needle):
            # the trigram index answers the LIKE; the regex rechecks its rows
            sql += f" AND {column} ~ {self.bind(word_start_regex(needle))}"
        self.text_matches[sql] = (column, pattern)
        return sql

    def field_text_sql(self, field: str, alias: str = "") -> str:
        """The normalised text of one of ``FIELD_TEXTS`` on a row."""
        return f"coalesce({alias}field_text ->> {self.bind(field)}, '')"

    def _field_text(self, field: str, term: qp.Term) -> str:
        """``notes:x`` and the like: the field's own text decides (in Solr
        a field of its own); narrowed through the text's index when the
        field is part of the text."""
        if term.kind == "any":
            return f"(field_text ->> {self.bind(field)}) IS NOT NULL"
        own = self._text(self.field_text_sql(field), term)
        if field in NOT_IN_TEXT or own == "TRUE":
            return own
        return f"({self._text('search_text', term)}) AND ({own})"

    def _exact_column(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return f"{column} IS NOT NULL"
        if term.kind == "range":
            return self._range_sql(column, term.low, term.high, term)
        if term.kind in ("prefix", "wildcard"):
            return f"{column} LIKE {self.bind(self._like_pattern(term, anchored=True))}"
        return f"{column} = {self.bind(term.value)}"

    def _json_field(self, field: str, term: qp.Term) -> str:
        if term.kind == "any":
            # the index of the documents' keys (migration a1c3e5f70004)
            return f"opdc_kpi_search_keys(fields) @> CAST({self.bind([field])} AS text[])"
        if term.kind in ("word", "phrase") and is_facet_field(field):
            # the small in-row array and its GIN index
            return f"facets @> CAST({self.bind([facet_value(field, term.value)])} AS text[])"
        if term.kind in ("word", "phrase"):
            # containment: answered by the GIN index on ``fields``
            return f"fields @> CAST({self.bind(json.dumps({field: [term.value]}))} AS jsonb)"
        # ranges and patterns: the table of the documents' values (migration
        # a1c3e5f70006) and its indexes
        return (f"{TABLE}.id IN (SELECT v.id FROM {VALUES_TABLE} AS v "
                f"WHERE {self.value_match(field, term)})")

    def value_match(self, field: str, term: qp.Term, alias: str = "v") -> str:
        """The condition on a row ``alias`` of ``opdc_kpi_search_values``
        that one of the dataset's values of ``field`` matches the range or
        pattern ``term``, in a form the values' indexes answer (as
        ``_array_exists`` would find it in the document)."""
        column = f"{alias}.value"
        where = [f"{alias}.field = {self.bind(field)}"]
        if term.kind in ("prefix", "wildcard"):
            pattern = self._like_pattern(term, anchored=True)
            prefix = like_prefix(pattern)
            if prefix and len(prefix) <= VALUE_PREFIX:
                # the index narrows to the values starting with the prefix
                where.append(f"left({column}, {VALUE_PREFIX}) COLLATE \"C\" >= "
                             f"{self.bind(prefix)}")
                upper = prefix_upper(prefix)
                if upper is not None:
                    where.append(f"left({column}, {VALUE_PREFIX}) COLLATE \"C\" < "
                                 f"{self.bind(upper)}")
            where.append(f"{column} LIKE {self.bind(pattern)}")
        elif _numeric_bounds(term.low, term.high):
            where.append(f"{alias}.num IS NOT NULL")
            # (the column is numeric already: the cast only says how it compares)
            where.append(self._range_sql(f"{alias}.num::numeric", _decimal(term.low),
                                         _decimal(term.high), term))
        else:
            # the first VALUE_PREFIX characters narrow (truncation keeps the
            # order), the whole value decides
            short = f"left({column}, {VALUE_PREFIX}) COLLATE \"C\""
            if term.low is not None:
                where.append(f"{short} >= {self.bind(term.low[:VALUE_PREFIX])}")
            if term.high is not None:
                where.append(f"{short} <= {self.bind(term.high[:VALUE_PREFIX])}")
            where.append(self._range_sql(f"{column} COLLATE \"C\"", term.low, term.high, term))
        return "(" + " AND ".join(where) + ")"

    def _array_exists(self, array_sql: str, term: qp.Term) -> str:
        element = "v.value"
        if term.kind in ("prefix", "wildcard"):
            cond = f"{element} LIKE {self.bind(self._like_pattern(term, anchored=True))}"
        else:
            cond = self._range_sql(element, term.low, term.high, term, numeric_text=True)
        return f"EXISTS (SELECT 1 FROM unnest({array_sql}) AS v(value) WHERE {cond})"

    def _like_pattern(self, term: qp.Term, anchored: bool) -> str:
        if term.kind == "prefix":
            return like_escape(term.value) + "%"
        if term.kind == "wildcard":
            return qp.wildcard_to_like(term.value)
        return like_escape(term.value)

    def _date(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return f"{column} IS NOT NULL"
        if term.kind == "range":
            low = parse_solr_date(term.low) if term.low is not None else None
            high = parse_solr_date(term.high) if term.high is not None else None
            return self._range_sql(column, low, high, term)
        if term.kind in ("prefix", "wildcard"):
            raise qp.QuerySyntaxError(f"wildcards are not supported on date field {term.field}")
        return f"{column} = {self.bind(parse_solr_date(term.value))}"

    def _range_sql(self, column: str, low: Any, high: Any, term: qp.Term,
                   numeric_text: bool = False) -> str:
        if numeric_text and _numeric_bounds(low, high):
            column = _NUMERIC_SQL.format(e=column)
            low = decimal.Decimal(low) if low is not None else None
            high = decimal.Decimal(high) if high is not None else None
        parts = []
        if low is not None:
            parts.append(f"{column} {'>=' if term.include_low else '>'} {self.bind(low)}")
        if high is not None:
            parts.append(f"{column} {'<=' if term.include_high else '<'} {self.bind(high)}")
        if not parts:
            return f"{column} IS NOT NULL"
        return " AND ".join(parts)


def _decimal(value: Optional[str]) -> Optional[decimal.Decimal]:
    return decimal.Decimal(value) if value is not None else None


def like_prefix(pattern: str) -> str:
    """The literal characters a LIKE pattern (escape ``\\``) starts with."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        if ch in "%_":
            break
        out.append(ch)
        i += 1
    return "".join(out)


def prefix_upper(prefix: str) -> Optional[str]:
    """The least string above every string that starts with ``prefix``, in
    code point order (None: there is none)."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF and not 0xD7FF <= last < 0xE000:
            return prefix[:-1] + chr(last + 1)
        prefix = prefix[:-1]
    return None


def _numeric_bounds(low: Optional[str], high: Optional[str]) -> bool:
    bounds = [b for b in (low, high) if b is not None]
    return bool(bounds) and all(_NUMBER_RE.match(b) for b in bounds)


def starts_a_word(needle: str) -> bool:
    """Terms in scripts written with spaces (Latin, digits, ...) match from
    the start of a word, as Solr's tokenised text does ("c" does not match
    "accidents"); Thai terms match anywhere, Thai having no spaces."""
    first = needle[0]
    return first.isalnum() and ord(first) < _FIRST_THAI


def word_start_regex(needle: str) -> str:
    """A PostgreSQL regular expression: ``needle`` at the start of a word."""
    return "\\m" + re.sub(r"([^\w\s])", r"\\\1", needle)


def like_escape(value: str) -> str:
    """``value`` as a literal inside a LIKE pattern (escape character ``\\``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
