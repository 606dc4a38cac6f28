"""Writing datasets to the Template 2/3 workbook layout (the layout and the
value conversions are ``workbook``'s), and the empty template agencies fill
in (``write_template``)."""
from __future__ import annotations

import pathlib
from typing import IO, Any

from ckanext.opdc_kpi.excel.workbook import (
    CODE,
    DATASET_COLUMNS,
    DATE_FIELDS,
    EXTRA_COLUMNS,
    KIND_OF_TYPE,
    KINDS,
    RESOURCE_COLUMNS,
    YES_NO_FIELDS,
    header_text,
    iso_to_be,
)
from ckanext.opdc_kpi.scoring.cells import xlsx_append
from ckanext.opdc_kpi.scoring.choices import CHOICES, MULTI_CHOICE_FIELDS

#: the template's lists of choices (a sheet the single-choice columns' drop-downs read)
LISTS_SHEET = "ตัวเลือก"
#: rows of the template that get the drop-downs
TEMPLATE_ROWS = 2000

def _value_text(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "True" if value else "False"
    return "" if value is None else value


def _hint(column: str) -> str:
    """Row 5 of the template: how to fill the column (in brackets, as the
    NSO workbook's hints are; the reader skips that row)."""
    if column == CODE:
        return "(รหัสชุดข้อมูล เช่น DataSet_11_01 ใช้เป็นชื่อ URL ของชุดข้อมูล)"
    if column in DATE_FIELDS:
        return "(วันที่ ปี พ.ศ. YYYY-MM-DD เช่น 2566-12-31)"
    if column in YES_NO_FIELDS:
        return "(เลือก ใช่ หรือ ไม่ใช่)"
    if column == "kpi_years":
        return "(ปีงบประมาณ พ.ศ. เช่น 2567 หลายปีคั่นด้วยจุลภาค)"
    if column in MULTI_CHOICE_FIELDS:
        return f"(เลือกได้หลายค่าจากแผ่นงาน {LISTS_SHEET} คั่นด้วยจุลภาค)"
    if column in CHOICES:
        return "(เลือกจากตัวเลือก)"
    if column == "tag_string":
        return "(คำสำคัญ คั่นด้วยจุลภาค)"
    if column.endswith("_other"):
        return "(ระบุเมื่อเลือก อื่นๆ)"
    if column == "owner_org":
        return "(ไม่ต้องกรอก: ใช้หน่วยงานที่นำเข้า)"
    if column.endswith("url"):
        return "(URL ขึ้นต้นด้วย https://)"
    if column.endswith("email"):
        return "(อีเมล เช่น name@agency.go.th)"
    return "(กรอกข้อความ)"


def _layout(book: Any, hints: bool) -> dict[str, tuple[Any, Any]]:
    """The Template 2/3 sheets of every data type, with their title, kind,
    header row (4) and hint row (5): the technical names, or with ``hints``
    how to fill each column."""
    dataset_columns = DATASET_COLUMNS + EXTRA_COLUMNS
    sheets = {}
    for kind in KINDS:
        meta = book.create_sheet(f"Temp2_Meta_{kind}")
        res = book.create_sheet(f"Temp3_Resource_{kind}")
        for sheet, columns, resource, title in (
                (meta, dataset_columns, False, "Template 2 แบบฟอร์มคำอธิบายข้อมูล (Metadata)"),
                (res, RESOURCE_COLUMNS, True, "Template 3 แบบฟอร์มคำอธิบายข้อมูลของทรัพยากร")):
            xlsx_append(sheet, [title])
            xlsx_append(sheet, [KINDS[kind]])
            xlsx_append(sheet, [])
            xlsx_append(sheet, [header_text(c, resource) for c in columns])
            xlsx_append(sheet, [_hint(c) if hints else "(" + c + ")" for c in columns])
        sheets[kind] = (meta, res)
    return sheets


def write_template(target: str | pathlib.Path | IO[bytes]) -> None:
    """The empty Template 2/3 workbook: the sheets of every data type with
    their headers (the ones the import reads) and a hint per column; a
    sheet of the choices, and a drop-down of them in each single-choice
    column (rows 6 to ``TEMPLATE_ROWS`` + 5). Written by the same layout as
    the export, so what it reads back is what the import expects."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = _layout(book, hints=True)
    lists = book.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    listed = [name for name in DATASET_COLUMNS + EXTRA_COLUMNS + RESOURCE_COLUMNS
              if name in CHOICES]
    for number, name in enumerate(dict.fromkeys(listed), start=1):
        letter = get_column_letter(number)
        labels = [c.th for c in CHOICES[name]]
        lists.cell(row=1, column=number, value=header_text(name, name in RESOURCE_COLUMNS))
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=number, value=label)
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
    for meta, res in sheets.values():
        for sheet, columns in ((meta, DATASET_COLUMNS + EXTRA_COLUMNS),
                               (res, RESOURCE_COLUMNS)):
            for number, name in enumerate(columns, start=1):
                if name not in ranges or name in MULTI_CHOICE_FIELDS:
                    continue
                letter = get_column_letter(number)
                check = DataValidation(type="list", formula1=ranges[name], allow_blank=True,
                                       showErrorMessage=False)
                check.add(f"{letter}6:{letter}{TEMPLATE_ROWS + 5}")
                sheet.add_data_validation(check)
    book.save(target)


def write_workbook(datasets: list[dict[str, Any]], path: str | pathlib.Path) -> int:
    """``package_show`` dicts to the workbook layout (the 14 items and the
    agency fields in the template's columns, this extension's fields
    appended); dates in the Buddhist era. Returns the rows written."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = _layout(book, hints=False)
    dataset_columns = DATASET_COLUMNS + EXTRA_COLUMNS
    written = 0
    for pkg in datasets:
        kind = KIND_OF_TYPE.get(pkg.get("data_type"), "Other")
        meta, res = sheets[kind]
        code = pkg.get("name")
        row = []
        for column in dataset_columns:
            if column == CODE:
                row.append(code)
            elif column == "owner_org":
                row.append((pkg.get("organization") or {}).get("title") or pkg.get("owner_org"))
            elif column in DATE_FIELDS:
                row.append(iso_to_be(pkg.get(column)))
            elif column == "tag_string" and not pkg.get("tag_string"):
                row.append(", ".join(t.get("name", "") for t in pkg.get("tags") or []
                                     if isinstance(t, dict) and not t.get("vocabulary_id")))
            else:
                row.append(_value_text(pkg.get(column)))
        xlsx_append(meta, row)
        written += 1
        for resource in pkg.get("resources") or []:
            xlsx_append(res, [code] + [
                iso_to_be(resource.get(c)) if c in DATE_FIELDS else _value_text(resource.get(c))
                for c in RESOURCE_COLUMNS[1:]])
    book.save(path)
    return written
