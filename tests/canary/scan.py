"""Finding canaries in a response: its body, its headers, the members of a
zip body (an XLSX export is one) and the Flask session cookie it sets (a
flash message is kept there, compressed and base64-encoded).

Canaries are ``zcanary`` + 4 digits + ``z``: lower-case ASCII letters and
digits, so no HTML, JSON, URL or CSV encoding changes them; the search is
case-insensitive (CKAN upper-cases a resource format). No CKAN import: the
scanner has tests of its own without a site.
"""
from __future__ import annotations

import base64
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

PREFIX = "zcanary"
PATTERN = re.compile(rb"zcanary\d{4}z")
#: a zip member or a nested zip larger than this is read up to it
MAX_MEMBER = 64 * 2**20


def token(number: int) -> str:
    return f"{PREFIX}{number:04d}z"


@dataclass(frozen=True)
class Found:
    canary: str
    where: str        # "body", "header Location", "zip xl/sharedStrings.xml", ...


def in_bytes(data: bytes, where: str) -> Iterator[Found]:
    for match in set(PATTERN.findall(data.lower())):
        yield Found(match.decode("ascii"), where)


def in_zip(data: bytes, where: str, depth: int = 0) -> Iterator[Found]:
    """Every member of a zip (and of a zip inside it, two levels deep)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return
    with archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                content = member.read(MAX_MEMBER)
            yield from in_bytes(content, f"{where} zip {info.filename}")
            if depth < 2 and content[:4] == b"PK\x03\x04":
                yield from in_zip(content, f"{where} zip {info.filename}", depth + 1)


def session_cookie_payload(value: str) -> Optional[bytes]:
    """The payload of a Flask (itsdangerous) session cookie: base64url JSON,
    zlib-compressed when the value starts with a dot; None for anything
    else."""
    compressed = value.startswith(".")
    body = value[1:] if compressed else value
    payload = body.split(".", 1)[0]
    if not payload:
        return None
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return zlib.decompress(raw) if compressed else raw
    except (ValueError, zlib.error):
        return None


def in_response(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> list[Found]:
    """Every canary in a response, with where it was found."""
    found: list[Found] = list(in_bytes(body, "body"))
    if body[:4] == b"PK\x03\x04":
        found += in_zip(body, "body")
    for name, value in headers:
        found += in_bytes(value.encode("utf-8", "replace"), f"header {name}")
        if name.lower() == "set-cookie":
            cookie = value.split(";", 1)[0].split("=", 1)[-1]
            payload = session_cookie_payload(cookie)
            if payload:
                found += in_bytes(payload, "session cookie")
    return sorted(set(found), key=lambda f: (f.canary, f.where))


def sent(url: str) -> set[str]:
    """The canaries a request carries itself (a page may echo them)."""
    return {m.decode("ascii") for m in PATTERN.findall(url.lower().encode("utf-8", "replace"))}
