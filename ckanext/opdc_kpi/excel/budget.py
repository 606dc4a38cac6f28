"""What reading an .xlsx may cost, checked before openpyxl opens it.

An .xlsx is a zip of XML parts. The size on disk says little about the work
of reading it: XML compresses a thousandfold, and openpyxl trusts what the
file declares (it pads every row to the sheet's declared width, keeps every
shared string, opens every sheet). So the file is inspected first, with the
standard library only:

- the zip's directory: at most ``max_parts`` entries, stored or deflated, not encrypted;
- every part is inflated here, counting the bytes as they come (a header's
  declared size is not trusted: a part that inflates to more than its header
  says is refused), and scanned on the way for what multiplies the reading:
  shared strings (``<si>``), sheets (``<sheet>``), rows (``<row>``), cells
  (``<c>``), the declared dimension of each sheet and cells in a column
  beyond the limit;
- the parts openpyxl parses whole into a tree (the package's manifest and
  relationships, the workbook part, styles, properties, chart sheets: all
  but the worksheets and the shared strings, which it streams) are held to
  ``max_whole_part_bytes`` and ``max_whole_part_tags``.

Nothing is kept in memory but counters: the check costs about the time of
inflating the file once. No CKAN import.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree

from ckanext.opdc_kpi.excel import refusals
from ckanext.opdc_kpi.excel.refusals import MB, unreadable
from ckanext.opdc_kpi.excel.zipparts import directory_size, inflated

_CARRY = 4096
# the package parts openpyxl reads whole whatever the manifest says
_WHOLE_NAMES = ("[Content_Types].xml", "_rels/.rels", "xl/styles.xml", "docProps/core.xml",
                "docProps/custom.xml", "docProps/app.xml", "xl/theme/theme1.xml")
_WORKBOOK_TYPES = tuple(
    f"application/vnd.{kind}.main+xml" for kind in (
        "ms-excel.template.macroEnabled", "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled", "openxmlformats-officedocument.spreadsheetml.sheet"))
_SHARED_STRINGS_TYPE = ("application/vnd.openxmlformats-officedocument.spreadsheetml."
                        "sharedStrings+xml")


@dataclass(frozen=True)
class Budget:
    """The limits (``ckanext.opdc_kpi.workbook.*`` settings where named)."""
    max_file_bytes: int = 20 * MB              # the file on disk (and the upload)
    max_inflated_bytes: int = 256 * MB         # workbook.max_uncompressed_mb: all parts
    max_shared_strings: int = 500_000          # workbook.max_shared_strings
    # the shared-strings part inflated (openpyxl keeps every shared string in
    # memory, whatever their number: many long ones are as costly as many)
    max_shared_strings_bytes: int = 96 * MB    # workbook.max_shared_strings_mb
    max_sheets: int = 100                      # workbook.max_sheets
    max_columns: int = 1_000                   # workbook.max_columns
    max_sheet_rows: int = 200_000              # rows of all sheets, and a sheet's last row
    max_cells: int = 5_000_000                 # cells of all sheets
    max_parts: int = 1_000
    max_whole_part_bytes: int = 10 * MB
    max_whole_part_tags: int = 200_000
    # the longest text between two tags (a cell's value, a shared string):
    # Excel holds at most 32,767 characters in a cell, at most 5 bytes each
    # in the XML (UTF-8 Thai: 3; ``&amp;``: 5); openpyxl builds one string of
    # a text however long, at several times its size
    max_text_bytes: int = 256 * 1024


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- what openpyxl will read whole, and what it streams -----------------------------

class _Manifest:
    """The parts openpyxl streams (the worksheets and the shared strings),
    found as openpyxl finds them: the workbook part from the content types,
    the sheets from the workbook part's relationships."""

    def __init__(self) -> None:
        self.overrides: dict[str, str] = {}
        self.relationships: list[tuple[str, str, str]] = []   # (rels part, type, target)

    def read_content_types(self, data: bytes) -> None:
        for element in _elements(data):
            if _local(element.tag) == "Override":
                name = (element.get("PartName") or "").lstrip("/")
                self.overrides.setdefault(name, element.get("ContentType") or "")

    def read_relationships(self, part: str, data: bytes) -> None:
        for element in _elements(data):
            if _local(element.tag) == "Relationship" and element.get("TargetMode") != "External":
                self.relationships.append((part, element.get("Type") or "",
                                           _target(part, element.get("Target") or "")))

    def shared_strings(self) -> set[str]:
        return {name for name, content in self.overrides.items()
                if content == _SHARED_STRINGS_TYPE}

    def streamed(self) -> set[str]:
        workbook = next((name for kind in _WORKBOOK_TYPES
                         for name, content in self.overrides.items() if content == kind),
                        "xl/workbook.xml")
        folder, name = posixpath.split(workbook)
        workbook_rels = posixpath.join(folder, "_rels", f"{name}.rels")
        sheets = {target for part, kind, target in self.relationships
                  if part == workbook_rels and kind.endswith("/worksheet")}
        strings = self.shared_strings()
        # a part any other role names is read whole by that role
        others = {target for part, kind, target in self.relationships
                  if not (part == workbook_rels and kind.endswith(("/worksheet",
                                                                   "/sharedStrings")))}
        others |= {name for name, content in self.overrides.items()
                   if content != _SHARED_STRINGS_TYPE and not content.endswith(
                       ".worksheet+xml")}
        others |= {workbook, workbook_rels}
        return (sheets | strings) - others


def _elements(data: bytes):
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(data)):
            yield element
            element.clear()
    except ElementTree.ParseError as error:
        raise unreadable(f"damaged package XML: {error}",
                         f"XML ภายในไฟล์เสียหาย: {error}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _target(rels_part: str, target: str) -> str:
    """A relationship's target as openpyxl resolves it."""
    if target.startswith("/"):
        return target[1:]
    parent = posixpath.split(posixpath.dirname(rels_part))[0]
    return posixpath.normpath(posixpath.join(parent, target))


# --- scanning the XML as it inflates ------------------------------------------------

# the scan runs at about the speed of inflating: each pattern starts with a
# literal, the counting is list.count, and Python code runs per match only for
# what is rare (a dimension, a cell beyond the limit, a prefixed tag)
_OPEN = re.compile(rb"<(si|sheet|dimension|row|c)[\s/>]")
_PREFIXED_HINT = re.compile(rb":(?:si|sheet|dimension|row|c)[\s/>]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]{0,40}:(si|sheet|dimension|row|c)[\s/>]")
_DIMENSION = re.compile(rb"<(?:[\w.\-]{1,40}:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']{0,64})")
_TAG_NAME = re.compile(rb"<([\w.\-]{1,40}:)?([\w.\-]{1,40})")
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,8})\$?(\d{0,12})")


class _Counts:
    """What the parts hold so far, refused as soon as a count passes its limit."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.inflated = 0
        self.shared_strings = self.sheets = self.rows = self.cells = 0
        # a cell reference (r="XFD7") with more letters than the last allowed column has
        letters = len(column_letters(budget.max_columns + 1))
        self.far = re.compile(rb"r\s*=\s*[\"']\$?([A-Za-z]{%d,})\$?\d" % letters)

    def scan(self, part: str, data: bytes) -> None:
        budget = self.budget
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:   # no workbook part has a DTD
            raise refusals.declares_a_dtd(part)
        found = _OPEN.findall(data)
        if _PREFIXED_HINT.search(data):
            found += _PREFIXED.findall(data)
        self.shared_strings += found.count(b"si")
        self.sheets += found.count(b"sheet")
        self.rows += found.count(b"row")
        self.cells += found.count(b"c")
        if self.shared_strings > budget.max_shared_strings:
            raise refusals.too_many_shared_strings(budget.max_shared_strings)
        if self.sheets > budget.max_sheets:
            raise refusals.too_many_sheets(budget.max_sheets)
        if self.rows > budget.max_sheet_rows:
            raise refusals.too_many_sheet_rows(budget.max_sheet_rows)
        if self.cells > budget.max_cells:
            raise refusals.too_many_cells(budget.max_cells)
        if b"dimension" in found:
            for match in _DIMENSION.finditer(data):
                self._dimension(part, match.group(1).decode("ascii", "replace"))
        for match in self.far.finditer(data):
            tag = _TAG_NAME.match(data, data.rfind(b"<", 0, match.start()))
            column = match.group(1).decode("ascii").upper()
            if tag and tag.group(2) == b"c" and column_number(column) > budget.max_columns:
                raise refusals.too_wide(part, f"has a cell in column {column}",
                                        f"มีเซลล์ในคอลัมน์ {column}", budget.max_columns)

    def _dimension(self, part: str, ref: str) -> None:
        """A sheet's declared size (``A1:XFD20020``): openpyxl pads every row
        to its width and yields empty rows down to its height."""
        corners = _REFERENCE.findall(ref)
        width = max((column_number(letters) for letters, _ in corners), default=0)
        height = max((int(digits) for _, digits in corners if digits), default=0)
        if width > self.budget.max_columns:
            raise refusals.too_wide(part, f"declares the dimension {ref}",
                                    f"ระบุขนาดแผ่นงาน {ref}", self.budget.max_columns)
        if height > self.budget.max_sheet_rows:
            raise refusals.too_many_sheet_rows(self.budget.max_sheet_rows, declared=ref)


class _TextRun:
    """The length of the text since the last ``<`` across a part's chunks,
    refused past ``limit`` (at least 64 KB): checked per 64 KB window, so a
    text shorter than a window, inside one, costs nothing to look at."""

    WINDOW = 64 * 1024

    def __init__(self, part: str, limit: int) -> None:
        self.part, self.limit, self.run = part, max(limit, self.WINDOW), 0

    def feed(self, chunk: bytes) -> None:
        for start in range(0, len(chunk), self.WINDOW):
            window = chunk[start:start + self.WINDOW]
            first = window.find(b"<")
            if first < 0:
                self.run += len(window)
            else:
                self.run += first
                if self.run <= self.limit:
                    self.run = len(window) - window.rfind(b"<") - 1
            if self.run > self.limit:
                raise refusals.text_too_long(self.part, self.limit)


def _read_part(handle: BinaryIO, info: zipfile.ZipInfo, counts: _Counts, whole: bool,
               keep: bool, strings: bool = False) -> bytes:
    """Inflate one part through the counters; its bytes when ``keep``;
    ``strings``: the shared strings (held to their own size)."""
    budget = counts.budget
    name = info.filename
    size = tags = 0
    carry = b""
    kept: list[bytes] = []
    text = _TextRun(name, budget.max_text_bytes)
    for chunk in inflated(handle, info):
        text.feed(chunk)
        size += len(chunk)
        counts.inflated += len(chunk)
        if size > info.file_size:
            raise refusals.forged_size(name, info.file_size)
        if counts.inflated > budget.max_inflated_bytes:
            raise refusals.inflates_too_much(name, budget.max_inflated_bytes)
        if strings and size > budget.max_shared_strings_bytes:
            raise refusals.shared_strings_too_large(name, budget.max_shared_strings_bytes)
        if whole:
            if size > budget.max_whole_part_bytes:
                raise refusals.whole_part_too_large(
                    name, "max_whole_part_mb", budget.max_whole_part_bytes // MB, "MB", "MB")
            tags += chunk.count(b"<")
            if tags > budget.max_whole_part_tags:
                raise refusals.whole_part_too_large(
                    name, "max_whole_part_tags", budget.max_whole_part_tags, "XML tags",
                    "แท็ก XML")
        if keep:
            kept.append(chunk)
        data = carry + chunk
        # a tag cut at the chunk's end is scanned with the next chunk
        cut = data.rfind(b"<", max(0, len(data) - _CARRY))
        if cut >= 0 and data.find(b">", cut) < 0:
            counts.scan(name, data[:cut])
            carry = data[cut:]
        else:
            counts.scan(name, data)
            carry = b""
    if carry:
        counts.scan(name, carry)
    return b"".join(kept)


def check(path, budget: Budget | None = None) -> dict[str, int]:
    """Raise ``OverBudget`` (or ``WorkbookError``) unless reading ``path``
    stays within ``budget``; the counts found otherwise."""
    budget = budget or Budget()
    with open(path, "rb") as handle:
        handle.seek(0, io.SEEK_END)
        file_size = handle.tell()
        if file_size > budget.max_file_bytes:
            raise refusals.file_too_large(file_size, budget.max_file_bytes)
        entries, directory = directory_size(handle, file_size)
        # an entry takes 46 bytes and its name: a directory larger than
        # max_parts entries of long names holds too many (whatever it says)
        if entries > budget.max_parts or directory > budget.max_parts * 512:
            raise refusals.too_many_parts(max(entries, directory // 512), budget.max_parts)
        try:
            infos = zipfile.ZipFile(handle).infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
            raise unreadable(type(error).__name__) from None
        if len(infos) > budget.max_parts:
            raise refusals.too_many_parts(len(infos), budget.max_parts)
        declared = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise unreadable(f"{info.filename} is encrypted",
                                 f"ส่วน {info.filename} ถูกเข้ารหัส: นำรหัสผ่านของไฟล์ออกก่อน")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise unreadable(f"{info.filename} uses compression method "
                                 f"{info.compress_type}",
                                 f"ส่วน {info.filename} ใช้วิธีบีบอัดแบบ {info.compress_type} "
                                 "ซึ่งไม่รองรับ")
            declared += info.file_size
            if declared > budget.max_inflated_bytes:
                raise refusals.inflates_too_much(info.filename, budget.max_inflated_bytes)
        counts = _Counts(budget)
        manifest = _Manifest()
        by_name = {info.filename: info for info in infos}
        # the manifest and the relationships first: they say which parts are streamed
        first = [by_name[n] for n in ("[Content_Types].xml",) if n in by_name]
        first += [info for info in infos if info.filename.endswith(".rels")]
        done = {id(info) for info in first}
        for info in first:
            data = _read_part(handle, info, counts, whole=True, keep=True)
            if info.filename == "[Content_Types].xml":
                manifest.read_content_types(data)
            else:
                manifest.read_relationships(info.filename, data)
        streamed = manifest.streamed() - set(_WHOLE_NAMES)
        strings = streamed & manifest.shared_strings()
        for info in infos:
            if id(info) in done:
                continue
            _read_part(handle, info, counts, whole=info.filename not in streamed, keep=False,
                       strings=info.filename in strings)
    return {"parts": len(infos), "inflated_bytes": counts.inflated,
            "shared_strings": counts.shared_strings, "sheets": counts.sheets,
            "rows": counts.rows, "cells": counts.cells}
