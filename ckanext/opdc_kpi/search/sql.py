"""Translate a parsed query (``parser.py``) into a SQL condition on the
search table, with bound parameters only (never string-built values)."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from . import parser as qp
from .text import normalize_for_search

# Fields matched as text (substring of the normalised text), Solr "text" fields.
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

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NOW_RE = re.compile(r"^NOW(?:(?P<sign>[+-])(?P<n>\d+)(?P<unit>YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?(?:/(?P<round>DAY|HOUR))?$")


class Condition:
    """Collects SQL fragments and their bound parameters."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        key = f"p{len(self.params)}"
        self.params[key] = value
        return f":{key}"

    # -- tree ------------------------------------------------------------
    def build(self, node: qp.Node) -> str:
        if isinstance(node, qp.MatchAll):
            return "TRUE"
        if isinstance(node, qp.Not):
            return f"NOT ({self.build(node.node)})"
        if isinstance(node, qp.And):
            return "(" + " AND ".join(self.build(n) for n in node.nodes) + ")"
        if isinstance(node, qp.Or):
            return "(" + " OR ".join(self.build(n) for n in node.nodes) + ")"
        return self.term(node)

    def term(self, term: qp.Term) -> str:
        field = term.field
        if field is not None and not _FIELD_RE.match(field):
            raise qp.QuerySyntaxError(f"unsupported field name {field!r}")
        if field == "*" and term.kind == "any":
            return "TRUE"
        if field in ALWAYS_TRUE:
            return "TRUE"
        if field == "entity_type":
            return "TRUE" if term.value in ("package", "") or term.kind == "any" else "FALSE"
        if field == "capacity":
            return self._capacity(term)
        if field == "private":
            return self._boolean_column("private", term)
        if field == "permission_labels":
            if term.kind == "any":
                return "cardinality(permission_labels) > 0"
            return f"permission_labels && ARRAY[{self.bind(term.value)}]::text[]"
        if field in DATE_COLUMNS:
            return self._date(DATE_COLUMNS[field], term)
        if field in TEXT_COLUMNS:
            return self._text(TEXT_COLUMNS[field], term)
        if field in EXACT_COLUMNS:
            return self._exact_column(EXACT_COLUMNS[field], term)
        return self._json_field(field, term)

    # -- kinds -----------------------------------------------------------
    def _capacity(self, term: qp.Term) -> str:
        if term.kind == "any":
            return "TRUE"
        if term.value == "public":
            return "NOT private"
        if term.value == "private":
            return "private"
        return "FALSE"

    def _boolean_column(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return "TRUE"
        value = term.value.lower()
        if value in ("true", "false"):
            return column if value == "true" else f"NOT {column}"
        return "FALSE"

    def _text(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return "TRUE"
        if term.kind == "range":
            raise qp.QuerySyntaxError(f"ranges are not supported on text field {term.field}")
        needle = normalize_for_search(term.value)
        if not needle:
            return "TRUE"
        return f"{column} LIKE {self.bind('%' + _like_escape(needle) + '%')}"

    def _exact_column(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return f"{column} IS NOT NULL"
        if term.kind == "prefix":
            return f"{column} LIKE {self.bind(_like_escape(term.value) + '%')}"
        if term.kind == "range":
            return self._range_sql(column, term.low, term.high, term)
        return f"{column} = {self.bind(term.value)}"

    def _json_field(self, field: str, term: qp.Term) -> str:
        key = self.bind(field)
        if term.kind == "any":
            return f"fields ? {key}"
        if term.kind in ("word", "phrase"):
            return f"fields @> CAST({self.bind(json.dumps({field: [term.value]}))} AS jsonb)"
        element = "v.value"
        if term.kind == "prefix":
            cond = f"{element} LIKE {self.bind(_like_escape(term.value) + '%')}"
        else:
            cond = self._range_sql(element, term.low, term.high, term)
        return (
            f"EXISTS (SELECT 1 FROM jsonb_array_elements_text(fields -> {key}) AS v(value) "
            f"WHERE {cond})"
        )

    def _date(self, column: str, term: qp.Term) -> str:
        if term.kind == "any":
            return f"{column} IS NOT NULL"
        if term.kind == "range":
            low = parse_solr_date(term.low) if term.low is not None else None
            high = parse_solr_date(term.high) if term.high is not None else None
            return self._range_sql(column, low, high, term)
        if term.kind == "prefix":
            raise qp.QuerySyntaxError(f"wildcards are not supported on date field {term.field}")
        return f"{column} = {self.bind(parse_solr_date(term.value))}"

    def _range_sql(self, column: str, low: Any, high: Any, term: qp.Term) -> str:
        parts = []
        if low is not None:
            parts.append(f"{column} {'>=' if term.include_low else '>'} {self.bind(low)}")
        if high is not None:
            parts.append(f"{column} {'<=' if term.include_high else '<'} {self.bind(high)}")
        if not parts:
            return f"{column} IS NOT NULL"
        return " AND ".join(parts)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_solr_date(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """A Solr date (ISO 8601 with Z, optional fraction) or NOW[+-N UNIT][/DAY],
    as a naive UTC datetime (CKAN stores metadata dates that way)."""
    text = value.strip()
    match = _NOW_RE.match(text)
    if match:
        moment = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        if match.group("sign"):
            amount = int(match.group("n")) * (1 if match.group("sign") == "+" else -1)
            unit = match.group("unit").rstrip("S")
            if unit in ("YEAR", "MONTH"):
                months = amount * (12 if unit == "YEAR" else 1)
                year, month = divmod(moment.month - 1 + months, 12)
                moment = moment.replace(year=moment.year + year, month=month + 1, day=min(moment.day, 28))
            else:
                seconds = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}[unit]
                moment = moment + dt.timedelta(seconds=amount * seconds)
        if match.group("round") == "DAY":
            moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        elif match.group("round") == "HOUR":
            moment = moment.replace(minute=0, second=0, microsecond=0)
        return moment
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise qp.QuerySyntaxError(f"not a date: {value!r} (use e.g. 2022-01-01T00:00:00Z)")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed
