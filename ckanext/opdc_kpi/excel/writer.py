"""Writing datasets to the Template 2/3 workbook layout (the layout and the
value conversions are ``workbook``'s)."""
from __future__ import annotations

import pathlib
from typing import Any

from ckanext.opdc_kpi.excel.workbook import (
    CODE,
    DATASET_COLUMNS,
    DATE_FIELDS,
    EXTRA_COLUMNS,
    KIND_OF_TYPE,
    KINDS,
    RESOURCE_COLUMNS,
    header_text,
    iso_to_be,
)
from ckanext.opdc_kpi.scoring.cells import xlsx_append

def _value_text(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "True" if value else "False"
    return "" if value is None else value


def write_workbook(datasets: list[dict[str, Any]], path: str | pathlib.Path) -> int:
    """``package_show`` dicts to the workbook layout (the 14 items and the
    agency fields in the template's columns, this extension's fields
    appended); dates in the Buddhist era. Returns the rows written."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
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
            xlsx_append(sheet, ["(" + c + ")" for c in columns])
        sheets[kind] = (meta, res)
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
