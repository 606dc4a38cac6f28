"""The OPDC/NSO Excel workbook (Template 2: dataset metadata, Template 3:
resource metadata), read with openpyxl (``writer`` writes it). No CKAN import.

Layout (the NSO workbook the agency extension imports): one pair of sheets
per data type, ``Temp2_Meta_<Kind>`` and ``Temp3_Resource_<Kind>`` for Kind in
Record, Stat, GIS, Multi, Other. Row 4 holds the headers, row 5 the filling
hints ("(เลือกจากตัวเลือก)"), data starts on row 6. Columns are matched by
their header, never their position: the header's Thai label (numbering such
as "9.1" ignored) or a technical field name (``focus_area``...), so a 2.2.x
workbook with an inserted column, or columns in another order, read the
same. The first column, the dataset code (รหัสชุดข้อมูล), links a resource row
to its dataset and becomes the dataset's URL name.
"""
from __future__ import annotations

import datetime as dt
import dataclasses
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ckanext.opdc_kpi.excel.budget import Budget
from ckanext.opdc_kpi.excel.budget import check as check_budget
from ckanext.opdc_kpi.excel.refusals import (
    WorkbookError, too_many_rows, too_many_sheet_rows, unreadable)
from ckanext.opdc_kpi.scoring.choices import (
    ACCEPTED, CHOICES, MULTI_CHOICE_FIELDS, OTHER_VALUE)
from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS, RESOURCE_FIELD_LABELS
from ckanext.opdc_kpi.scoring.text import as_list, normalize_text

KINDS: dict[str, str] = {
    "Record": "ข้อมูลระเบียน",
    "Stat": "ข้อมูลสถิติ",
    "GIS": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
    "Multi": "ข้อมูลหลากหลายประเภท",
    "Other": "ข้อมูลประเภทอื่นๆ",
}
KIND_OF_TYPE = {value: kind for kind, value in KINDS.items()}
HEADER_ROW = 4
FIRST_DATA_ROW = 6
CODE = "dataset_code"
MAX_ROWS = 20_000
#: resource rows (Temp3 sheets) per file: a file with more is refused, never cut
MAX_RESOURCE_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024

# the dataset sheet's columns, in the template's order (the 14 items first)
DATASET_COLUMNS = (
    CODE, "data_type", "title", "owner_org", "maintainer", "maintainer_email", "tag_string",
    "notes", "objective", "update_frequency_unit", "update_frequency_interval", "geo_coverage",
    "data_source", "data_format", "data_category", "license_id", "accessible_condition",
    "created_date", "last_updated_date", "url", "data_support", "data_collect", "data_language",
    "high_value_dataset", "reference_data",
)
# this extension's fields, appended as extra columns (technical names)
EXTRA_COLUMNS = (
    "focus_area", "kpi_years", "mission", "work_process", "sub_process", "allow_harvest",
    "data_classification", "single_source_of_truth", "use_case_url", "use_case_description",
    "data_type_other", "objective_other", "update_frequency_unit_other", "geo_coverage_other",
    "data_format_other", "license_id_other", "data_support_other", "data_collect_other",
    "data_language_other",
)
RESOURCE_COLUMNS = (
    CODE, "name", "url", "description", "resource_accessible_condition",
    "resource_last_updated_date", "format", "resource_created_date", "resource_data_collect",
)
DATE_FIELDS = frozenset({"created_date", "last_updated_date", "resource_created_date",
                         "resource_last_updated_date"})
YES_NO_FIELDS = frozenset({"high_value_dataset", "reference_data", "official_statistics",
                           "single_source_of_truth", "allow_harvest"})
_CODE_HEADER = "รหัสชุดข้อมูล"
_NUMBERING = re.compile(r"^\s*\d+(\.\d+)*\s*\.?\s*")
_TECHNICAL = re.compile(r"[a-z][a-z0-9_]{1,60}")


@dataclass
class RowProblem:
    sheet: str
    row: int
    field: str
    message_th: str
    message_en: str


@dataclass
class ResourceRow:
    sheet: str
    row: int
    fields: dict[str, Any]


@dataclass
class DatasetRow:
    sheet: str
    row: int
    code: str
    fields: dict[str, Any]
    resources: list[ResourceRow] = field(default_factory=list)


@dataclass
class Workbook:
    datasets: list[DatasetRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: sheet -> field -> the header of its column, as the workbook has it
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def column(self, sheet: str, name: str) -> str | None:
        """The workbook's own header of a field's column in a sheet, or None
        (the sheet has no such column)."""
        return self.headers.get(sheet, {}).get(name)

    def refuse(self, sheet: str, row: int, message_th: str, message_en: str) -> None:
        """A row left out for its dataset code."""
        self.problems.append(RowProblem(sheet, row, CODE, message_th, message_en))


# --- headers ----------------------------------------------------------------------

def _key(text: Any) -> str:
    value = normalize_text("" if text is None else str(text))
    value = value.replace("อีเมลล์", "อีเมล").replace("สัญญานุญาต", "สัญญาอนุญาต")
    value = value.replace("ธรรมชาติ", "ธรรมาภิบาลข้อมูลภาครัฐ")  # the seed's typo in item 13
    return _NUMBERING.sub("", value).strip().lower()


def _label_index(resource: bool) -> dict[str, str]:
    labels = RESOURCE_FIELD_LABELS if resource else FIELD_LABELS
    index: dict[str, str] = {}
    for name, (th, en) in labels.items():
        if resource != (name in RESOURCE_COLUMNS or name.startswith("resource_")):
            continue
        index.setdefault(_key(th), name)
        index.setdefault(_key(en), name)
    return index


_DATASET_LABELS = _label_index(False)
_RESOURCE_LABELS = _label_index(True)
_KNOWN_FIELDS = frozenset(FIELD_LABELS) | frozenset(RESOURCE_COLUMNS) | {CODE}


def header_field(text: Any, resource: bool) -> str | None:
    """The field a header cell names (None: a column this import ignores)."""
    raw = normalize_text("" if text is None else str(text))
    if not raw:
        return None
    if _CODE_HEADER in raw or raw.lower() == CODE:
        return CODE
    for token in _TECHNICAL.findall(raw):
        if token in _KNOWN_FIELDS and (token == raw.lower() or f"({token})" in raw):
            return token
    if raw.lower() in _KNOWN_FIELDS:
        return raw.lower()
    key = _key(raw)
    labels = _RESOURCE_LABELS if resource else _DATASET_LABELS
    if key in labels:
        return labels[key]
    # a label followed by a note, e.g. "7. รายละเอียด (กรอกคำอธิบาย)"
    head = key.split("(")[0].strip()
    return labels.get(head)


def header_text(name: str, resource: bool) -> str:
    """The header written for a field: the template's Thai label with the
    item number for the 14 items, else the technical name."""
    if name == CODE:
        return "รหัสชุดข้อมูลตามที่กำหนดใน Template 1 (dataset_code)"
    if name in EXTRA_COLUMNS:
        return name
    labels = RESOURCE_FIELD_LABELS if resource else FIELD_LABELS
    th = labels.get(name, (name, name))[0]
    return f"{th} ({name})"


# --- values --------------------------------------------------------------------------

def be_to_iso(value: Any) -> str:
    """A Buddhist-era date (YYYY-MM-DD, or an Excel date) as an ISO CE date;
    a year below 2400 is taken as CE already. "" when blank; ValueError when
    it is no date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        year = value.year - 543 if value.year >= 2400 else value.year
        return value.replace(year=year).isoformat()
    text = normalize_text(str(value)).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    if year >= 2400:
        year -= 543
    return dt.date(year, month, day).isoformat()


def iso_to_be(value: Any) -> str:
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.year + 543:04d}-{day.month:02d}-{day.day:02d}"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def _yes_no(value: str) -> str:
    text = value.strip().lower()
    if text in ("true", "yes", "ใช่", "ยินยอม", "1"):
        return "True"
    if text in ("false", "no", "ไม่ใช่", "ไม่ยินยอม", "0") or text.startswith("ไม่"):
        return "False"
    return value


def _choice(name: str, value: str, out: dict[str, Any]) -> None:
    """A choice cell: known values kept; an unknown one becomes the "other"
    choice with the text in ``<field>_other`` (as the agency extension
    imports it), where the field has one."""
    accepted = ACCEPTED.get(name, frozenset())
    other = OTHER_VALUE.get(name)
    labels = {normalize_text(c.th): c.value for c in CHOICES.get(name, ())}
    if name in MULTI_CHOICE_FIELDS:
        values, others = [], []
        for item in as_list(value):
            item = labels.get(item, item)
            if item in accepted:
                values.append(item)
            elif other:
                others.append(item)
            else:
                values.append(item)
        if others:
            values.append(other)
            out.setdefault(f"{name}_other", ", ".join(others))
        out[name] = values
        return
    value = labels.get(value, value)
    if value in accepted or not other:
        out[name] = value
    else:
        out[name] = other
        out.setdefault(f"{name}_other", value)


def convert(fields: dict[str, str], resource: bool, sheet: str, row: int,
            problems: list[RowProblem]) -> dict[str, Any]:
    """Cells (header field -> text) as dataset or resource values."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == CODE or value == "":
            continue
        if name in DATE_FIELDS:
            try:
                out[name] = be_to_iso(value)
            except (ValueError, OverflowError):
                problems.append(RowProblem(
                    sheet, row, name, f"วันที่ไม่ถูกต้อง: {value} (ใช้ YYYY-MM-DD ปี พ.ศ.)",
                    f"not a date: {value} (use YYYY-MM-DD, Buddhist era)"))
        elif name in YES_NO_FIELDS:
            out[name] = _yes_no(value)
        elif name == "kpi_years":
            out[name] = value
        elif name in CHOICES and not name.endswith("_other"):
            _choice(name, value, out)
        else:
            out.setdefault(name, value)
    return out


# --- reading ---------------------------------------------------------------------------

def _is_hint_row(row: Iterable[Any]) -> bool:
    cells = [c for c in row if c is not None and str(c).strip()]
    return bool(cells) and sum(str(c).strip().startswith("(") for c in cells) >= len(cells) / 2


def _sheet_rows(sheet: Any, resource: bool, budget: Budget, headers: dict[str, str]
                ) -> Iterator[tuple[int, dict[str, str]]]:
    """The sheet's data rows as (row number, header field -> text), streamed:
    the header is looked for in the first 10 rows (at most
    ``budget.max_columns`` wide), then each row below it is read only as
    wide as the header. Every row is read (none is cut off): a row numbered
    beyond ``budget.max_sheet_rows`` is refused. ``headers`` gets each
    field's header text (the first column naming it)."""
    top = sheet.iter_rows(min_row=1, max_row=10, max_col=budget.max_columns, values_only=True)
    header_row = header = None
    for number, row in enumerate(top, start=1):
        if any(header_field(c, resource) == CODE for c in row):
            header_row, header = number, row
            break
    if header is None:
        return
    columns = {i: name for i, name in ((i, header_field(c, resource))
                                       for i, c in enumerate(header)) if name}
    for i, name in columns.items():
        headers.setdefault(name, normalize_text(str(header[i])))
    width = max(columns) + 1
    rows = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
    for number, row in enumerate(rows, start=header_row + 1):
        if number > budget.max_sheet_rows:
            raise too_many_sheet_rows(budget.max_sheet_rows, sheet=sheet.title)
        if _is_hint_row(row):
            continue
        cells = {name: _cell_text(row[i]) if i < len(row) else "" for i, name in columns.items()}
        if any(cells.values()):
            yield number, cells


def read_workbook(path: str | pathlib.Path, *, max_rows: int = MAX_ROWS,
                  max_resource_rows: int = MAX_RESOURCE_ROWS, max_bytes: int | None = None,
                  budget: Budget | None = None) -> Workbook:
    """Every dataset row with its resource rows; row-level problems are
    collected. A workbook over ``budget`` (checked before it is opened:
    ``budget.check``) or with more than ``max_rows`` dataset rows or
    ``max_resource_rows`` resource rows raises ``OverBudget``; one that
    cannot be read at all ``WorkbookError``."""
    import openpyxl

    budget = budget or Budget()
    if max_bytes is not None:
        budget = dataclasses.replace(budget, max_file_bytes=max_bytes)
    path = pathlib.Path(path)
    if not path.is_file():
        raise WorkbookError(f"file not found: {path.name}", f"ไม่พบไฟล์ {path.name}")
    check_budget(path, budget)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file
        raise unreadable(type(error).__name__) from None
    try:
        return _read(book, max_rows, max_resource_rows, budget)
    except WorkbookError:
        raise
    except Exception as error:  # noqa: BLE001 - a sheet openpyxl cannot parse
        raise unreadable(type(error).__name__) from None
    finally:
        book.close()


def _read(book: Any, max_rows: int, max_resource_rows: int, budget: Budget) -> Workbook:
    out = Workbook()
    by_code: dict[str, DatasetRow] = {}
    meta = [s for s in book.sheetnames if s.startswith("Temp2_Meta_")]
    if not meta:
        raise WorkbookError(
            "no Temp2_Meta_* sheet: not the OPDC/NSO workbook layout (the import page "
            "offers the empty template)",
            "ไม่มีแผ่นงาน Temp2_Meta_*: ไม่ใช่รูปแบบสมุดงานของสำนักงาน ก.พ.ร./สสช. "
            "(ดาวน์โหลดแบบฟอร์มเปล่าได้จากหน้านำเข้า)")
    count = 0
    for sheet_name in meta:
        kind = sheet_name.removeprefix("Temp2_Meta_")
        headers = out.headers.setdefault(sheet_name, {})
        for row, cells in _sheet_rows(book[sheet_name], False, budget, headers):
            count += 1
            if count > max_rows:
                raise too_many_rows(max_rows)
            code = cells.get(CODE, "")
            if not code:
                out.refuse(sheet_name, row, "ไม่มีรหัสชุดข้อมูล", "no dataset code")
                continue
            if code in by_code:
                out.refuse(sheet_name, row, f"รหัสชุดข้อมูลซ้ำ: {code}",
                           f"dataset code used twice: {code}")
                continue
            fields = convert(cells, False, sheet_name, row, out.problems)
            if not fields.get("data_type") and kind in KINDS:
                fields["data_type"] = KINDS[kind]
            dataset = DatasetRow(sheet_name, row, code, fields)
            by_code[code] = dataset
            out.datasets.append(dataset)
    count = 0
    for sheet_name in [s for s in book.sheetnames if s.startswith("Temp3_Resource_")]:
        headers = out.headers.setdefault(sheet_name, {})
        for row, cells in _sheet_rows(book[sheet_name], True, budget, headers):
            count += 1
            if count > max_resource_rows:
                raise too_many_rows(max_resource_rows, resources=True)
            code = cells.get(CODE, "")
            owner = by_code.get(code)
            if owner is None:
                out.refuse(sheet_name, row, f"ไม่พบชุดข้อมูลรหัส {code} ในแผ่นงาน Temp2",
                           f"no dataset with code {code} in the Temp2 sheets")
                continue
            fields = convert(cells, True, sheet_name, row, out.problems)
            owner.resources.append(ResourceRow(sheet_name, row, fields))
    return out
