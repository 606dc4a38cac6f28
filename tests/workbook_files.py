"""Crafted .xlsx files, tiny on disk, that cost a naive reader gigabytes or
many seconds, built with ``zipfile`` (standard library only, no CKAN): the
tests of the workbook budget, and the remote tool's basket reader, use them.

Each builder writes ``path`` and returns it. The workbook's data sheet is
named ``Temp2_Meta_Stat`` (what the import reads; the basket reader reads
the first sheet, whatever its name).
"""
from __future__ import annotations

import pathlib
import struct
import zipfile
from typing import Iterable

MB = 2**20

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_HEADER = ('<row r="4"><c r="A4" t="inlineStr"><is><t>รหัสชุดข้อมูล (dataset_code)</t></is></c>'
           '<c r="B4" t="inlineStr"><is><t>title</t></is></c></row>')


def _content_types(sheets: int, shared_strings: bool) -> str:
    overrides = [
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>']
    overrides += [f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
                  for n in range(1, sheets + 1)]
    if shared_strings:
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(overrides) + "</Types>")


def _workbook_parts(sheet_names: list[str], targets: list[int], shared_strings: bool
                    ) -> dict[str, str]:
    """The package around the sheets: sheet ``i`` is ``sheet_names[i]`` and
    its part is ``xl/worksheets/sheet<targets[i]>.xml``."""
    sheets = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, name in enumerate(sheet_names, start=1))
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{t}.xml"/>'
        for n, t in enumerate(targets, start=1))
    if shared_strings:
        rels += (f'<Relationship Id="rIdStrings" Type="{REL_NS}/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
    return {
        "[Content_Types].xml": _content_types(max(targets), shared_strings),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
                        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
                            f'xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0" encoding="UTF-8"?>'
                                       f'<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>'),
    }


def _sheet(rows: Iterable[str], dimension: str | None = None) -> Iterable[bytes]:
    yield (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
           + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>").encode()
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 1000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def _write(path: pathlib.Path, parts: dict[str, str | Iterable[bytes | str]],
           level: int = 9) -> pathlib.Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            if isinstance(content, str):
                archive.writestr(name, content)
            else:
                with archive.open(name, "w", force_zip64=False) as handle:
                    for piece in content:
                        handle.write(piece.encode() if isinstance(piece, str) else piece)
    return pathlib.Path(path)


def _shared_strings_workbook(path, count: int, items: Iterable[bytes]) -> pathlib.Path:
    """One small sheet whose cell uses the first of ``count`` shared strings,
    their ``<si>`` elements streamed from ``items``."""
    def table() -> Iterable[bytes]:
        yield (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" '
               f'count="{count}" uniqueCount="{count}">').encode()
        yield from items
        yield b"</sst>"
    parts: dict = _workbook_parts(["Temp2_Meta_Stat"], [1], shared_strings=True)
    parts["xl/sharedStrings.xml"] = table()
    parts["xl/worksheets/sheet1.xml"] = _sheet(
        [_HEADER, '<row r="6"><c r="A6" t="s"><v>0</v></c></row>'])
    return _write(path, parts)


def shared_string_bomb(path, strings: int = 1_000_000) -> pathlib.Path:
    """A million shared strings (17 MB of XML), one small sheet using the first."""
    block = b"<si><t>x</t></si>" * 10_000
    return _shared_strings_workbook(path, strings, (block for _ in range(strings // 10_000)))


def declared_width_bomb(path, rows: int = 20_020) -> pathlib.Path:
    """A sheet that declares 16,384 columns (A1:XFD20020) and holds empty rows:
    a reader padding every row to the declared width builds 2.6 GB of tuples."""
    parts: dict = _workbook_parts(["Temp2_Meta_Stat"], [1], shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = _sheet(
        (f'<row r="{n}"/>' for n in range(1, rows + 1)), dimension=f"A1:XFD{rows}")
    return _write(path, parts)


def far_column_rows(path, rows: int = 20_020) -> pathlib.Path:
    """No ``<dimension>``, but one cell in column XFD (16,384) in every row:
    a reader that sizes each row by its last cell pads it to 16,384."""
    parts: dict = _workbook_parts(["Temp2_Meta_Stat"], [1], shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = _sheet(
        f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(1, rows + 1))
    return _write(path, parts)


def many_sheets(path, sheets: int = 10_000) -> pathlib.Path:
    """Thousands of Temp2_Meta sheets, all one small part (a header and one
    data row): a reader opens and reads every one of them."""
    names = [f"Temp2_Meta_{n:05d}" for n in range(1, sheets + 1)]
    parts: dict = _workbook_parts(names, [1] * sheets, shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = _sheet(
        [_HEADER, '<row r="6"><c r="A6" t="inlineStr"><is><t>DS_1</t></is></c></row>'])
    return _write(path, parts)


def lying_sizes(path, rows: int = 500_000, declared: int = 4096) -> pathlib.Path:
    """A sheet of about 25 MB whose headers (the central directory and the
    local header) declare ``declared`` bytes: a reader that trusts the
    header's size under-counts it; one that inflates it counts the truth."""
    parts: dict = _workbook_parts(["Temp2_Meta_Stat"], [1], shared_strings=False)
    block = '<row><c t="inlineStr"><is><t>DS</t></is></c></row>' * 10_000
    parts["xl/worksheets/sheet1.xml"] = _sheet([_HEADER] + [block] * (rows // 10_000))
    _write(path, parts)
    forge_size(path, "xl/worksheets/sheet1.xml", declared)
    return pathlib.Path(path)


def forge_size(path, member: str, size: int) -> None:
    """Write ``size`` as ``member``'s uncompressed size in both its local
    header and its central directory entry (the data stays as it is)."""
    path = pathlib.Path(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 22, size)
    name = member.encode()
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46:position + 46 + name_length]) == name:
            struct.pack_into("<I", data, position + 24, size)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    else:
        raise AssertionError(f"{member} not in the central directory")
    path.write_bytes(bytes(data))


def giant_cell(path, megabytes: int = 100) -> pathlib.Path:
    """One inline-string cell of ``megabytes`` MB (a few hundred KB on disk):
    openpyxl builds it as one string, at several times its size."""
    def rows() -> Iterable[str]:
        yield _HEADER
        yield '<row r="6"><c r="A6" t="inlineStr"><is><t>'
        chunk = "a" * MB
        for _ in range(megabytes):
            yield chunk
        yield "</t></is></c></row>"
    parts: dict = _workbook_parts(["Temp2_Meta_Stat"], [1], shared_strings=False)
    parts["xl/worksheets/sheet1.xml"] = _sheet(rows())
    return _write(path, parts)


def giant_shared_string(path, megabytes: int = 100) -> pathlib.Path:
    """One shared string of ``megabytes`` MB, used by one cell: openpyxl
    keeps every shared string whole."""
    def items() -> Iterable[bytes]:
        yield b"<si><t>"
        chunk = b"b" * MB
        for _ in range(megabytes):
            yield chunk
        yield b"</t></si>"
    return _shared_strings_workbook(path, 1, items())


def many_long_shared_strings(path, strings: int = 1_500, kilobytes: int = 160) -> pathlib.Path:
    """``strings`` shared strings of ``kilobytes`` KB each (each under the
    longest text, 240 MB together, under all parts' 256 MB): openpyxl keeps
    every one in memory."""
    body = b"c" * (kilobytes * 1024 - 16)
    return _shared_strings_workbook(path, strings, (
        b"<si><t>" + f"{i:015d} ".encode() + body + b"</t></si>" for i in range(strings)))


ALL = {
    "shared_strings": shared_string_bomb,
    "declared_width": declared_width_bomb,
    "far_column": far_column_rows,
    "many_sheets": many_sheets,
    "lying_sizes": lying_sizes,
    "giant_cell": giant_cell,
    "giant_shared_string": giant_shared_string,
    "long_shared_strings": many_long_shared_strings,
}


def build_all(folder) -> dict[str, pathlib.Path]:
    folder = pathlib.Path(folder)
    return {name: build(folder / f"{name}.xlsx") for name, build in ALL.items()}


# --- a real workbook: every column of the template, as agencies fill it ---------------

def full_dataset(n: int) -> dict:
    """A complete dataset of row ``n`` with every Template 2 column and this
    extension's columns filled (texts differ from row to row, as in a real
    catalog) and two resources with every Template 3 column."""
    from tests.factories_dga import dga_dataset_dict

    return dga_dataset_dict(
        name=f"DataSet_{n:05d}",
        title=f"สถิติจำนวนนักท่องเที่ยวรายจังหวัด ชุดที่ {n}",
        maintainer=f"กองสถิติการท่องเที่ยว ฝ่าย {n % 97}",
        maintainer_email=f"stat{n % 500}@mots.go.th",
        tag_string=f"ท่องเที่ยว, สถิติ, จังหวัด{n % 77}",
        notes=f"จำนวนนักท่องเที่ยวชาวไทยและชาวต่างชาติ จำแนกรายจังหวัด ชุดที่ {n} "
              "รวบรวมจากรายงานประจำเดือนของสำนักงานจังหวัด",
        objective=["พันธกิจหน่วยงาน", "อื่นๆ"], objective_other=f"แผนงานที่ {n % 40}",
        update_frequency_unit="เดือน", update_frequency_interval="1",
        geo_coverage="อื่นๆ", geo_coverage_other=f"กลุ่มจังหวัดที่ {n % 18}",
        data_source=f"สำนักงานปลัดกระทรวงการท่องเที่ยวและกีฬา สาขา {n % 76}",
        data_format=["CSV", "XLSX"],
        data_category="ข้อมูลสาธารณะ", license_id="Creative Commons Attributions",
        accessible_condition=f"เปิดเผยได้ตามระเบียบ ข้อ {n % 9}",
        created_date="2020-01-15", last_updated_date="2023-12-31",
        url=f"https://data.example.go.th/dataset/{n}",
        data_support="หน่วยงานของรัฐ", data_collect="บุคคล", data_language=["ไทย", "อังกฤษ"],
        high_value_dataset="True", reference_data="False",
        sub_process=f"กระบวนการย่อยที่ {n % 13}", allow_harvest="True",
        data_classification="เปิดเผย", single_source_of_truth="True",
        use_case_url=f"https://report.example.go.th/use/{n}",
        use_case_description=f"ใช้ในรายงานสถานการณ์ท่องเที่ยว ฉบับที่ {n}",
        resources=[{"name": f"ข้อมูลรายเดือน ชุดที่ {n} (CSV)", "format": "CSV",
                    "url": f"https://data.example.go.th/files/{n}.csv",
                    "description": f"ไฟล์รายเดือนของชุดที่ {n}",
                    "resource_accessible_condition": "ไม่มีเงื่อนไข",
                    "resource_last_updated_date": "2023-12-31",
                    "resource_created_date": "2020-01-15", "resource_data_collect": "บุคคล"},
                   {"name": f"ข้อมูลรายปี ชุดที่ {n} (XLSX)", "format": "XLSX",
                    "url": f"https://data.example.go.th/files/{n}.xlsx",
                    "description": f"สรุปรายปีของชุดที่ {n}",
                    "resource_accessible_condition": "ไม่มีเงื่อนไข",
                    "resource_last_updated_date": "2023-12-31",
                    "resource_created_date": "2020-01-15", "resource_data_collect": "บุคคล"}])


def _full_rows(rows: int):
    """(dataset rows, resource rows) of the template's columns, as texts."""
    from ckanext.opdc_kpi.excel.workbook import (
        CODE, DATASET_COLUMNS, DATE_FIELDS, EXTRA_COLUMNS, RESOURCE_COLUMNS, iso_to_be)

    def text(value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    datasets = [full_dataset(n) for n in range(rows)]
    metadata = [[pkg["name"] if c == CODE else iso_to_be(pkg.get(c)) if c in DATE_FIELDS
                 else text(pkg.get(c)) for c in DATASET_COLUMNS + EXTRA_COLUMNS]
                for pkg in datasets]
    resources = [[pkg["name"]] + [iso_to_be(r.get(c)) if c in DATE_FIELDS else text(r.get(c))
                                  for c in RESOURCE_COLUMNS[1:]]
                 for pkg in datasets for r in pkg["resources"]]
    return metadata, resources


def _top_rows(kind: str, resource: bool) -> list[list[str]]:
    """The rows above the data: title, data type, blank, header, hints."""
    from ckanext.opdc_kpi.excel.workbook import (
        DATASET_COLUMNS, EXTRA_COLUMNS, KINDS, RESOURCE_COLUMNS, header_text)

    columns = RESOURCE_COLUMNS if resource else DATASET_COLUMNS + EXTRA_COLUMNS
    return [[f"Temp{3 if resource else 2} {kind}"], [KINDS[kind]], [],
            [header_text(c, resource) for c in columns], ["(" + c + ")" for c in columns]]


def full_workbook(path, rows: int = 20_000, writer: str = "xml") -> pathlib.Path:
    """A Template 2/3 workbook of ``rows`` complete datasets (every column of
    the template and of this extension, two resources each; all of type
    Stat) in the layout of the extension's export.

    ``writer="openpyxl"``: saved by openpyxl (write-only mode; about 15 s
    for 20,000 rows: the benchmark's). ``writer="xml"`` (about 5 s): the
    same parts written here as openpyxl writes them (inline strings, every
    character outside ASCII as a character reference: 150 MB of XML for
    20,000 rows, the largest form of these rows a spreadsheet program
    writes; ``tests/test_workbook_budget.py`` checks the two agree)."""
    from ckanext.opdc_kpi.excel.workbook import KINDS

    metadata, resources = _full_rows(rows)
    names = [f"Temp{t}_{'Meta' if t == 2 else 'Resource'}_{kind}" for kind in KINDS
             for t in (2, 3)]
    if writer == "openpyxl":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        for name in names:
            sheet = book.create_sheet(name)
            kind, resource = name.rsplit("_", 1)[1], name.startswith("Temp3")
            for values in _top_rows(kind, resource):
                sheet.append(values)
            if kind == "Stat":
                for values in resources if resource else metadata:
                    sheet.append(values)
        book.save(path)
        return pathlib.Path(path)
    parts: dict = _workbook_parts(names, list(range(1, len(names) + 1)), shared_strings=False)
    for number, name in enumerate(names, start=1):
        kind, resource = name.rsplit("_", 1)[1], name.startswith("Temp3")
        data = (resources if resource else metadata) if kind == "Stat" else []
        parts[f"xl/worksheets/sheet{number}.xml"] = _sheet(
            _xml_row(n, values) for n, values in enumerate(_top_rows(kind, resource) + data,
                                                           start=1))
    _write(path, parts, level=1)
    return pathlib.Path(path)


_LETTERS = [""]


def _xml_row(number: int, values: list[str]) -> str:
    """One row as openpyxl writes it (``<c r=.. t="inlineStr"><is><t>``; an
    empty text an empty cell)."""
    from openpyxl.utils import get_column_letter

    while len(_LETTERS) <= len(values):
        _LETTERS.append(get_column_letter(len(_LETTERS)))
    cells = "".join(
        f'<c r="{_LETTERS[i]}{number}" t="inlineStr"><is><t>{_escape(v)}</t></is></c>' if v
        else f'<c r="{_LETTERS[i]}{number}" t="inlineStr"></c>'
        for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>' if cells else f'<row r="{number}"/>'


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")
