"""One exchange with a catalog's action API within limits (standard library
only): the call's deadline, its answer's size, its redirects, and where its
API key may go.

A catalog is not trusted to be well-behaved. Every call has limits
(``Limits``): a total deadline (connection, headers and body, redirects
included: a per-read timeout alone lets a server that sends one byte every
29 s hold a call for ever), a response size, a number of redirects. Going
over one raises ``LimitExceeded``, naming the limit. The API key travels
only in the ``Authorization`` header, and a redirect to another host, or
from https down to http, drops it (``keeps_key``).
"""
from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

USER_AGENT = "opdc-kpi-remote/0.1 (+https://github.com/; OPDC Data Catalog KPI)"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one catalog may cost the tool (``opdc-kpi-remote --help`` names
    each option)."""

    timeout: float = 30.0            # --timeout: seconds one read (or connect) may wait
    deadline: float = 120.0          # --deadline: seconds for a whole API call, retries included
    max_bytes: int = 100 * 2**20     # --max-response-mb: one response's body
    max_count: int = 100_000         # --max-datasets: the largest ``count`` a listing accepts
    max_pages: int = 1_000           # --max-pages: pages of one listing
    max_redirects: int = 5


class RemoteError(Exception):
    """A failure the command reports with a message and its exit status."""

    exit_code = 6

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unreachable(RemoteError):
    exit_code = 3


class NotCkan(RemoteError):
    exit_code = 4


class NotFound(RemoteError):
    exit_code = 5


class ApiError(RemoteError):
    exit_code = 6


class LimitExceeded(RemoteError):
    """The catalog went over one of the tool's limits (``Limits``)."""

    exit_code = 7


class Catalog(Protocol):
    """What an exchange needs of the client calling the catalog."""

    url: str
    limits: Limits

    def warn_once(self, message: str) -> None: ...


def _origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port); port -1 when the URL's port is not a port."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def keeps_key(catalog_url: str, target_url: str) -> bool:
    """Whether a redirect from the catalog to ``target_url`` may carry the
    catalog's API key: only to the same host and port, and never from
    https down to http (http to https is fine)."""
    scheme, host, port = _origin(catalog_url)
    to_scheme, to_host, to_port = _origin(target_url)
    if to_host != host or to_scheme not in ("http", "https") or -1 in (port, to_port):
        return False
    if scheme == "https":
        return to_scheme == "https" and to_port == port
    # an http catalog moving to https keeps its host; its default port changes
    return to_port == port or (to_scheme == "https" and to_port == 443 and port == 80)


class _Watch:
    """The sockets of one call, shut down when its deadline passes (the
    thread reading them then gets an end of file instead of waiting)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _connection(base: type, watch: _Watch) -> type:
    class Connection(base):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            super().connect()
            watch.add(self.sock)
    return Connection


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch):
        super().__init__()
        self._class = _connection(http.client.HTTPConnection, watch)

    def http_open(self, req):
        return self.do_open(self._class, req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch):
        super().__init__()
        self._class = _connection(http.client.HTTPSConnection, watch)

    def https_open(self, req):
        return self.do_open(self._class, req)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a catalog's redirects as the same call (``POST``, same body),
    at most ``Limits.max_redirects`` of them, to http(s) only, without
    reading a redirect's body; the API key goes along only where
    ``keeps_key`` allows."""

    def __init__(self, client: Catalog, name: str):
        super().__init__()
        self.client, self.name = client, name

    def http_error_302(self, req, fp, code, msg, headers):
        fp.close()   # a redirect's body is never read (it could be endless)
        location = headers.get("Location") or headers.get("URI")
        if not location:
            raise NotCkan(f"{self.name}: {self.client.url} answered HTTP {code} without "
                          "a Location")
        hops = getattr(req, "opdc_hops", 0) + 1
        if hops > self.client.limits.max_redirects:
            raise LimitExceeded(f"{self.name}: {self.client.url} redirects more than "
                                f"{self.client.limits.max_redirects} times")
        new = self.redirect_request(req, fp, code, msg, headers, location)
        new.opdc_hops = hops
        return self.parent.open(new, timeout=req.timeout)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            newurl = urllib.parse.urljoin(req.full_url, newurl)
            scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        except ValueError:
            scheme = ""
        if scheme not in ("http", "https"):
            raise NotCkan(f"{self.name}: {self.client.url} redirects to a URL that is not "
                          "a valid http(s) URL")
        request = urllib.request.Request(
            newurl, data=req.data, method=req.get_method(), origin_req_host=req.origin_req_host,
            unverifiable=True, headers={k: v for k, v in req.headers.items()
                                        if k.lower() != "authorization"})
        key = req.unredirected_hdrs.get("Authorization")
        if key:
            if keeps_key(self.client.url, newurl):
                request.add_unredirected_header("Authorization", key)
            else:
                self.client.warn_once(
                    f"{self.client.url} redirects to {_shown_origin(newurl)}: another host "
                    "or plain http, so the API key was not sent there")
        return request


def _shown_origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def exchange(catalog: Catalog, name: str, body: bytes, key: str | None,
             due: float) -> tuple[int, bytes, str | None]:
    """``POST`` ``body`` to the catalog's action ``name``, redirects followed:
    (HTTP status, body, ``Retry-After``). It runs in a thread the caller waits
    for until ``due`` (``time.monotonic()``) at the latest; then the call's
    sockets are shut and ``LimitExceeded`` is raised."""
    watch = _Watch()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = _send(catalog, name, body, key, watch)
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True, name=f"opdc-kpi-remote {name}")
    worker.start()
    worker.join(max(0.0, due - time.monotonic()))
    if worker.is_alive():
        watch.expire()     # the worker reads an end of file and stops
        raise late(catalog, name)
    if "error" in outcome:
        if watch.expired:
            raise late(catalog, name)
        raise outcome["error"]
    return outcome["value"]


def late(catalog: Catalog, name: str) -> LimitExceeded:
    return LimitExceeded(f"{name}: {catalog.url} gave no complete answer within "
                         f"{catalog.limits.deadline:g} s (--deadline)")


def _send(catalog: Catalog, name: str, body: bytes, key: str | None,
          watch: _Watch) -> tuple[int, bytes, str | None]:
    opener = urllib.request.build_opener(_HTTP(watch), _HTTPS(watch), _Redirects(catalog, name))
    request = urllib.request.Request(
        f"{catalog.url}/api/3/action/{name}", data=body, method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json",
            "User-Agent": USER_AGENT})
    if key:
        # not copied by urllib on a redirect: _Redirects decides
        request.add_unredirected_header("Authorization", key)
    try:
        with opener.open(request, timeout=catalog.limits.timeout) as response:
            return response.status, _read(catalog, name, response), None
    except urllib.error.HTTPError as error:
        retry_after = error.headers.get("Retry-After") if error.headers else None
        try:
            payload = _read(catalog, name, error)
        finally:
            error.close()
        return error.code, payload, retry_after


def _read(catalog: Catalog, name: str, response: Any) -> bytes:
    """The body, at most ``limits.max_bytes`` of it."""
    limit = catalog.limits.max_bytes
    declared = response.headers.get("Content-Length") if response.headers else None
    if declared and declared.strip().isdigit() and len(declared.strip()) < 20 \
            and int(declared) > limit:
        raise _too_large(catalog, name)
    chunks, size = [], 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_large(catalog, name)
        chunks.append(chunk)


def _too_large(catalog: Catalog, name: str) -> LimitExceeded:
    return LimitExceeded(f"{name}: the answer from {catalog.url} is larger than "
                         f"{catalog.limits.max_bytes / 2**20:g} MB (--max-response-mb)")
