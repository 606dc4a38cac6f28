"""Reading the KPI pages' downloads back (tests only): a first row with
what the table is about (score, level, year), the header row, then one row
per organization or dataset."""
from __future__ import annotations

import csv
import io

import openpyxl


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """(the first row, the rows by header)."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    first, header = lines[0], lines[1]
    return first, [dict(zip(header, line)) for line in lines[2:]]


def read_xlsx(data: bytes) -> tuple[list, list, list]:
    """(the first row's cells, the header's values, the other rows' cells)."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows())
    return list(rows[0]), [c.value for c in rows[1]], [list(r) for r in rows[2:]]
