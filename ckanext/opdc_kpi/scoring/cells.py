"""Spreadsheet cells that keep text as text (standard library only, so the
remote tool uses it without CKAN).

A spreadsheet program runs a cell starting with ``=``, ``+``, ``-`` or ``@``
(and, in some programs, a tab or carriage return) as a formula: a dataset
titled ``=HYPERLINK(...)`` would become a live link in whoever opens the
export. Every CSV and XLSX the extension writes goes through here:

- CSV: a text value starting with one of those characters gets a leading
  ``'`` (OWASP's advice); numbers the code writes as numbers stay numbers;
  text that only looks numeric (``+66 ...``, ``-5`` typed in a text field) is
  text and gets the prefix. ``csv_read`` removes it again, exactly: a text
  that itself starts with ``'`` before such a character gets one more ``'``,
  so every text reads back as written.
- XLSX: a text is always a string cell (openpyxl would make a formula of a
  text starting with ``=``); characters XML cannot carry are dropped (openpyxl
  refuses them). ``xlsx_append`` writes to an openpyxl sheet it is given and
  imports openpyxl's cell class only then; the rest needs nothing but the
  standard library.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

#: what makes a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: control characters an XLSX (XML 1.0) cannot hold; openpyxl raises on them
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _needs_prefix(text: str) -> bool:
    """Whether ``text`` runs as a formula once the ``'`` it starts with are
    set aside: the first other character decides (no recursion, so a title
    of thousands of quotes costs one pass)."""
    return text.lstrip("'").startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run gets ``'``."""
    if isinstance(value, str) and _needs_prefix(value):
        return "'" + value
    return value


def csv_row(row: Mapping[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    """A CSV row (``csv.DictWriter``) with every text made safe."""
    return {column: csv_cell(row.get(column)) for column in columns}


def csv_read(text: str) -> str:
    """A cell of a CSV written with ``csv_cell``, as it was before."""
    if text.startswith("'") and _needs_prefix(text[1:]):
        return text[1:]
    return text


def xlsx_value(value: Any) -> Any:
    """A value openpyxl can store: numbers, booleans and None as they are,
    anything else as text without the characters XML cannot carry."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _ILLEGAL_XML.sub("", value if isinstance(value, str) else str(value))


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet; every text is a string cell,
    never a formula. The cells are made here, typed before the sheet holds
    them: the cost of a row does not depend on the rows before it (reading
    the row back, ``sheet[sheet.max_row]``, scanned every cell of the sheet,
    so an export of n rows cost n²)."""
    from openpyxl.cell.cell import Cell  # the caller's sheet is openpyxl's

    row = []
    for value in values:
        value = xlsx_value(value)
        if isinstance(value, str):
            cell = Cell(sheet, value=value)
            cell.data_type = "s"  # openpyxl makes a formula of "=..."
            value = cell
        row.append(value)
    sheet.append(row)
