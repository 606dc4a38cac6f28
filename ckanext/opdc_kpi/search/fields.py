"""Where the search table keeps a dataset's field values (pure, no CKAN).

Every field is in ``fields`` (jsonb, key → list of strings; TOASTed, so
reading it for many rows is slow). The values of the *facet fields* are also
kept in ``facets`` (``field<US>value`` strings, in the row itself, with a
GIN index): the facet counts and the exact-value filters on those fields
(``organization:x``, ``res_format:"CSV"``, ``allow_harvest:True``, ...) read
only that small array. Changing ``FACET_FIELDS`` needs a migration that
refills the column (see migrations a1c3e5f70003, f2b3c4d50001).
"""
from __future__ import annotations

FACET_FIELDS = ("organization", "owner_org", "groups", "tags", "res_format", "license_id",
                "data_category", "dataset_type", "capacity", "allow_harvest", "data_type")
FACET_SEPARATOR = "\x1f"  # US, the ASCII unit separator
# Convenience names for fields stored under another key.
FIELD_ALIASES = {"focus_area": "vocab_opdc_focus_areas"}


def is_facet_field(field: str) -> bool:
    return field in FACET_FIELDS or field.startswith("vocab_")


# A facet element is a key of the btree and GIN indexes on the search table, whose
# rows PostgreSQL limits to about 2,700 bytes: a longer value (a legacy dataset's
# free-text format, say) is cut to this many bytes of UTF-8, at a character's
# boundary, here and wherever a value is looked up, so the dataset is still
# indexed and a filter by its value still finds it.
MAX_FACET_BYTES = 1000


def facet_text(value: str) -> str:
    """A facet value as the search table keeps it."""
    value = value.replace(FACET_SEPARATOR, " ")
    if len(value) * 4 <= MAX_FACET_BYTES:
        return value
    return value.encode("utf-8")[:MAX_FACET_BYTES].decode("utf-8", "ignore")


def facet_value(field: str, value: str) -> str:
    """One element of the ``facets`` column."""
    return f"{field}{FACET_SEPARATOR}{facet_text(value)}"


def facet_values(fields: dict[str, list[str]]) -> list[str]:
    """The ``facets`` column of a row: each facet field's values, once."""
    return sorted({facet_value(key, value)
                   for key, values in fields.items() if is_facet_field(key)
                   for value in values})
