"""The agency's Template 1 as a basket file, for catalogs without this
extension (no ``focus_area``/``kpi_years`` on their datasets).

Columns, matched by header (Thai or English, any order; extra columns are
ignored): ``focus_area`` (a code such as ``tourism`` or its Thai/English
label), ``focus_issue``, ``mission``, ``work_process``, ``sub_process``
(optional) and ``dataset`` (the dataset's name, id or page URL). One row per
basket dataset. CSV (UTF-8, with or without BOM) or XLSX (first sheet).
Example: ``ckanext/opdc_kpi/remote/examples/basket-template1.csv``.
"""
from __future__ import annotations

import csv
import io
import pathlib
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Iterable

from ckanext.opdc_kpi.excel.budget import Budget
from ckanext.opdc_kpi.excel.budget import check as check_budget
from ckanext.opdc_kpi.excel.refusals import WorkbookError
from ckanext.opdc_kpi.scoring.cells import csv_read
from ckanext.opdc_kpi.scoring.choices import FOCUS_AREAS
from ckanext.opdc_kpi.scoring.text import normalize_text

COLUMNS = ("focus_area", "focus_issue", "mission", "work_process", "sub_process", "dataset")
REQUIRED = ("focus_area", "mission", "work_process", "dataset")
# header spellings (normalised: lower case, spaces/hyphens as "_")
_HEADERS = {
    "focus_area": ("focus_area", "focus", "ด้าน", "focus_area_ด้าน", "ประเด็นด้าน"),
    "focus_issue": ("focus_issue", "issue", "ประเด็นการดำเนินงาน",
                    "ประเด็นการดำเนินงานภายใต้_focus_area"),
    "mission": ("mission", "ภารกิจ"),
    "work_process": ("work_process", "process", "กระบวนการทำงานหลัก", "กระบวนการหลัก"),
    "sub_process": ("sub_process", "subprocess", "กระบวนการทำงานย่อย", "กระบวนการย่อย"),
    "dataset": ("dataset", "dataset_name", "dataset_url", "dataset_name_or_url", "name",
                "url", "ชุดข้อมูล", "ชื่อชุดข้อมูล"),
}
_FOCUS_BY_TEXT = {
    normalize_text(text).lower(): choice.value
    for choice in FOCUS_AREAS for text in (choice.value, choice.th, choice.en)
}
MAX_ROWS = 10_000
#: a basket file on disk (.csv or .xlsx; an .xlsx is also held to the workbook budget)
MAX_BYTES = 20 * 2**20


class BasketError(ValueError):
    """A basket file that cannot be used, with the row and column when known."""


@dataclass
class BasketRow:
    row: int
    focus_area: str
    focus_issue: str
    mission: str
    work_process: str
    sub_process: str
    dataset: str


@dataclass
class Basket:
    rows: list[BasketRow] = field(default_factory=list)

    @property
    def focus_areas(self) -> list[str]:
        return sorted({r.focus_area for r in self.rows})

    @property
    def focus_issue(self) -> str:
        issues: list[str] = []
        for r in self.rows:
            if r.focus_issue and r.focus_issue not in issues:
                issues.append(r.focus_issue)
        return "; ".join(issues)


def _header_key(text: Any) -> str:
    return re.sub(r"[\s\-/]+", "_", normalize_text(text).lower()).strip("_")


def _columns(header: Iterable[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        for column, spellings in _HEADERS.items():
            if column not in found and key in spellings:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise BasketError(f"basket file: missing column(s) {', '.join(missing)} "
                          f"(headers: {', '.join(COLUMNS)})")
    return found


def dataset_key(text: str) -> str:
    """A dataset's name or id from a name, id or dataset page URL."""
    value = normalize_text(text)
    if "://" in value:
        path = urllib.parse.urlsplit(value).path.rstrip("/")
        if "/dataset/" in path:
            value = path.split("/dataset/", 1)[1].split("/")[0]
        else:
            value = path.rsplit("/", 1)[-1]
        value = urllib.parse.unquote(value)
    return value


def focus_code(text: Any) -> str | None:
    return _FOCUS_BY_TEXT.get(normalize_text(text).lower())


def _rows_of(path: pathlib.Path) -> list[list[Any]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BasketError(f"basket file: {size / 2**20:.1f} MB; the limit is "
                          f"{MAX_BYTES // 2**20} MB")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BasketError("basket file: a CSV must be UTF-8 (save as 'CSV UTF-8')") from None
    # a cell this extension wrote with a leading ' (a formula guard) reads as typed
    try:
        return [[csv_read(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise BasketError(f"basket file: not a readable CSV ({error})") from None


def _xlsx_rows(path: pathlib.Path, budget: Budget | None = None) -> list[list[Any]]:
    """The first sheet's non-blank rows, the header's width wide. The file's
    reading budget (``ckanext.opdc_kpi.excel.budget``: parts, shared strings,
    sheets, declared dimension) is checked before openpyxl opens it, and the
    rows are streamed at most ``max_columns`` wide."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise BasketError("reading .xlsx needs openpyxl (pip install openpyxl)") from None
    budget = budget or Budget()
    try:
        check_budget(path, budget)
    except WorkbookError as error:
        raise BasketError(f"basket file: {error}") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook
        raise BasketError(f"basket file: not a readable .xlsx workbook ({error})") from None
    try:
        # every non-blank row up to one past the limit (header + MAX_ROWS + 1),
        # so an oversized sheet is refused like an oversized CSV, never cut
        rows: list[list[Any]] = []
        width = budget.max_columns
        for values in book.worksheets[0].iter_rows(values_only=True, max_col=budget.max_columns):
            if any(not _blank(c) for c in values):
                if not rows:   # the header: the rows below are read as wide
                    width = max(i for i, c in enumerate(values) if not _blank(c)) + 1
                rows.append(list(values[:width]))
                if len(rows) > MAX_ROWS + 1:
                    break
        return rows
    except Exception as error:  # noqa: BLE001 - a sheet openpyxl cannot parse
        raise BasketError(f"basket file: not a readable .xlsx workbook "
                          f"({type(error).__name__})") from None
    finally:
        book.close()


def read_basket(path: str | pathlib.Path) -> Basket:
    """The basket rows of a Template 1 file; BasketError names the row."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise BasketError(f"basket file not found: {path}")
    rows = _rows_of(path)
    rows = [r for r in rows if any(not _blank(c) for c in r)]
    if not rows:
        raise BasketError("basket file is empty")
    columns = _columns(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise BasketError(f"basket file: more than {MAX_ROWS} rows")
    basket = Basket()
    for number, cells in enumerate(rows[1:], start=2):
        def cell(name: str) -> str:
            index = columns.get(name)
            value = cells[index] if index is not None and index < len(cells) else None
            return "" if _blank(value) else normalize_text(str(value))
        code = focus_code(cell("focus_area"))
        if code is None:
            raise BasketError(f"basket file row {number}: unknown focus area "
                              f"{cell('focus_area')!r} (use one of the 10 codes or labels)")
        for name in ("mission", "work_process", "dataset"):
            if not cell(name):
                raise BasketError(f"basket file row {number}: {name} is empty")
        basket.rows.append(BasketRow(number, code, cell("focus_issue"), cell("mission"),
                                     cell("work_process"), cell("sub_process"),
                                     dataset_key(cell("dataset"))))
    return basket


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def apply_basket(organization: dict[str, Any], datasets: list[dict[str, Any]],
                 basket: Basket, fiscal_year: int) -> tuple[dict, list[dict], list[str]]:
    """The organization and datasets as if the catalog carried the basket:
    the listed datasets get the row's focus area, mission and processes and
    ``kpi_years = [fiscal_year]``; every other dataset is outside the basket.
    Returns the rows' datasets that were not found, too."""
    by_key: dict[str, dict] = {}
    for pkg in datasets:
        for key in (pkg.get("name"), pkg.get("id")):
            if isinstance(key, str):
                by_key[key] = pkg
    listed: dict[str, BasketRow] = {}
    missing: list[str] = []
    for row in basket.rows:
        pkg = by_key.get(row.dataset)
        if pkg is None:
            missing.append(row.dataset)
        else:
            listed.setdefault(pkg["id"], row)
    out = []
    for pkg in datasets:
        copy = dict(pkg)
        row = listed.get(pkg.get("id"))
        if row is None:
            copy["kpi_years"] = []
        else:
            copy.update(focus_area=row.focus_area, mission=row.mission,
                        work_process=row.work_process, sub_process=row.sub_process,
                        kpi_years=[fiscal_year])
        out.append(copy)
    org = dict(organization, focus_areas=basket.focus_areas)
    if basket.focus_issue:
        org["focus_issue"] = basket.focus_issue
    return org, out, missing
