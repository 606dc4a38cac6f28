"""The KPI pages' downloads (``?format=csv|xlsx``), written for people: the
column headers in the page's language (Thai on Thai pages, English
otherwise), ใช่/ไม่ใช่ (Yes/No) for true and false, level names instead of
codes, and a first row with what the table is about (the organization's
score and level; the year). Programs read the same figures with their keys
from the API (``opdc_kpi_score``, ``opdc_kpi_score_list``) or the command
line (``ckan opdc-kpi score --format csv|json``). Every cell goes through
``scoring.cells``: text stays text."""
from __future__ import annotations

import csv
import io
from typing import Any, Callable, Iterable

from flask import Response

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.scoring.cells import csv_cell, xlsx_append

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def yes_no(value: Any) -> str:
    return tk._("Yes") if value else tk._("No")


def level_name(level: Any) -> str:
    """A level as the pages name it (ขั้นมาตรฐาน / Standard)."""
    return {"basic": tk._("Basic"), "standard": tk._("Standard"),
            "advanced": tk._("Advanced")}.get(level) or tk._("not reached")


def part_names() -> dict[str, str]:
    return {"basic": tk._("Basic"), "metadata": tk._("Standard: metadata"),
            "catalog": tk._("Standard: catalog"), "openness": tk._("Advanced: open data"),
            "use": tk._("Advanced: use")}


#: how each column's value is shown (the others as they are)
Formats = dict[str, Callable[[Any], Any]]


def _cells(row: dict[str, Any], columns: Iterable[str], formats: Formats) -> list[Any]:
    return [formats[c](row.get(c)) if c in formats else row.get(c) for c in columns]


def respond(fmt: str | None, first: list[Any], headers: dict[str, str],
            rows: list[dict[str, Any]], formats: Formats, filename: str, title: str):
    """The download: ``first`` (what the table is about), the header row
    (``headers``: column key -> its header, in order), then ``rows``."""
    columns = list(headers)
    lines = [first, [headers[c] for c in columns]]
    lines += [_cells(row, columns, formats) for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel reads UTF-8 Thai only with a BOM
        writer = csv.writer(out)
        for line in lines:
            writer.writerow([csv_cell(value) for value in line])
        return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{filename}.csv"'})
    if fmt == "xlsx":
        return _xlsx(lines, filename, title)
    return tk.abort(400, tk._("Unknown export format: use csv or xlsx"))


def _xlsx(lines: list[list[Any]], filename: str, title: str) -> Response:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in lines:
        xlsx_append(sheet, line)
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[2]):
        cell.font = bold
    sheet.freeze_panes = "A3"   # the first row and the headers stay in view
    data = io.BytesIO()
    book.save(data)
    return Response(data.getvalue(), mimetype=XLSX_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
