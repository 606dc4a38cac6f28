"""The zip container of an .xlsx read by hand, before ``zipfile`` or openpyxl
trust it: a part inflated from its local header on, ended by the deflate
stream's own end (never by the sizes the headers declare), and the size of
the zip's directory as its end record announces it (``excel/budget.py``
counts and limits what comes out)."""
from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO, Iterator

from ckanext.opdc_kpi.excel.refusals import MB, unreadable

_CHUNK = MB
_READ = 64 * 1024


def inflated(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's data as it inflates, read from its local header on and
    ended by the deflate stream's own end (not by the sizes the headers
    declare); a stored part is its stored bytes."""
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise unreadable(f"no local header for {info.filename}",
                         f"ไม่พบส่วนหัวของ {info.filename}")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        left = info.compress_size
        while left > 0:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                raise unreadable(f"{info.filename} is cut short",
                                 f"ส่วน {info.filename} ขาดหายไม่ครบ")
            left -= len(chunk)
            yield chunk
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = b""
    try:
        while not inflater.eof:
            if not pending:
                pending = handle.read(_READ)
                if not pending:
                    # drain what zlib still holds, then the stream must have ended
                    while not inflater.eof:
                        out = inflater.decompress(b"", _CHUNK)
                        if not out:
                            raise unreadable(f"{info.filename} is cut short",
                                             f"ส่วน {info.filename} ขาดหายไม่ครบ")
                        yield out
                    return
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if out:
                yield out
    except zlib.error:
        raise unreadable(f"{info.filename} is not valid deflate data",
                         f"ข้อมูลบีบอัดของส่วน {info.filename} ไม่ถูกต้อง") from None


def directory_size(handle: BinaryIO, file_size: int) -> tuple[int, int]:
    """(entries, bytes) of the zip's directory as its end record (or its
    ZIP64 end record) announces them: read before zipfile builds an object
    per entry."""
    tail_size = min(file_size, 65_535 + 22)
    handle.seek(file_size - tail_size)
    tail = handle.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise unreadable("no zip directory")
    entries, size = struct.unpack_from("<HI", tail, end + 10)
    locator = end - 20
    if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        handle.seek(offset)
        record = handle.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise unreadable("damaged ZIP64 directory",
                             "สารบัญ ZIP64 ของไฟล์เสียหาย")
        entries, size = struct.unpack_from("<QQ", record, 32)
    return entries, size
