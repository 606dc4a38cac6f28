"""The canary scanner finds a canary wherever a response may carry one:
the body in any case, a header, a member of a zip (an XLSX export), a
compressed session cookie; and leaves out what the request sent itself."""
from __future__ import annotations

import base64
import io
import json
import zipfile
import zlib

from openpyxl import Workbook

from tests.canary import scan

CANARY = scan.token(42)


def _found(body=b"", headers=()):
    return {(f.canary, f.where.split(" ")[0]) for f in scan.in_response(200, headers, body)}


def test_a_canary_in_the_body_is_found_in_any_case():
    assert _found(f"<td>{CANARY.upper()}</td>".encode()) == {(CANARY, "body")}
    assert _found(b"<td>zcanary42z zcanary00042z</td>") == set()


def test_a_canary_in_a_header_is_found():
    assert _found(headers=[("Location", f"https://example.org/{CANARY}.csv")]) == {
        (CANARY, "header")}


def test_a_canary_in_a_cell_of_an_xlsx_is_found_in_its_unpacked_member():
    book = Workbook()
    book.active.append(["title", CANARY])
    data = io.BytesIO()
    book.save(data)
    body = data.getvalue()
    assert CANARY.encode() not in body          # compressed: not in the raw bytes
    found = scan.in_response(200, [], body)
    assert [f.canary for f in found] == [CANARY]
    assert found[0].where.startswith("body zip xl/")     # a sheet or the shared strings


def test_a_canary_in_a_zip_inside_a_zip_is_found():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", f"name\n{CANARY}\n")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.zip", inner.getvalue())
    assert {f.canary for f in scan.in_response(200, [], outer.getvalue())} == {CANARY}


def test_a_canary_in_a_compressed_session_cookie_is_found():
    payload = json.dumps({"_flashes": [["alert-danger", f"Not found: {CANARY}"]]}).encode()
    value = "." + base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=") + \
        ".ZZZZZZ.signature"
    found = scan.in_response(200, [("Set-Cookie", f"ckan={value}; Path=/; HttpOnly")], b"")
    assert {(f.canary, f.where) for f in found} == {(CANARY, "session cookie")}


def test_what_a_request_sent_is_its_own():
    assert scan.sent(f"/dataset/?tags={CANARY.upper()}&q=x") == {CANARY}
    assert scan.sent("/dataset/?q=zcanary") == set()
