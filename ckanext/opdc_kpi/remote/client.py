"""A small CKAN action-API client on the standard library, for assessors.

Timeouts, retries with exponential backoff on network errors, HTTP 429 and
5xx, bounded concurrency for paging, and errors an assessor can act on. The
API key travels only in the ``Authorization`` header: it is never part of a
URL, a message or a log line, and it goes only to the catalog it was given
for (a redirect to another host, or from https to http, drops it).

A catalog is not trusted to be well-behaved. Every call has limits
(``Limits``): a total deadline (connection, headers and body, retries and
their waits included; a per-read timeout alone lets a server that sends one
byte every 29 s hold a call for ever), a response size, a number of
redirects; every listing a largest ``count`` and a number of pages. Going
over one raises ``LimitExceeded``, naming the limit.
"""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

USER_AGENT = "opdc-kpi-remote/0.1 (+https://github.com/; OPDC Data Catalog KPI)"
SEARCH_ROWS = 1000            # CKAN's default ckan.search.rows_max
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


def site_root(url: str) -> str:
    """The catalog's root URL from what an assessor pastes (a dataset page,
    ``/api/3``, a trailing slash)."""
    text = (url or "").strip()
    if not text:
        raise NotCkan("no catalog URL given")
    if "://" not in text:
        text = "https://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotCkan(f"not an http(s) URL: {url}")
    path = parts.path
    for marker in ("/api/", "/dataset", "/organization", "/group"):
        if marker in path:
            path = path[: path.index(marker)]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path.rstrip("/"), "", ""))


def _origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https"
                                                                   else 80)


def keeps_key(catalog_url: str, target_url: str) -> bool:
    """Whether a redirect from the catalog to ``target_url`` may carry the
    catalog's API key: only to the same host and port, and never from
    https down to http (http to https is fine)."""
    scheme, host, port = _origin(catalog_url)
    to_scheme, to_host, to_port = _origin(target_url)
    if to_host != host or to_scheme not in ("http", "https"):
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

    def __init__(self, client: "CkanClient", name: str):
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
        newurl = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise NotCkan(f"{self.name}: {self.client.url} redirects to a URL that is not "
                          "http(s)")
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


class CkanClient:
    """Calls one catalog's action API."""

    def __init__(self, url: str, api_key: str | None = None, *, timeout: float = 30.0,
                 retries: int = 3, backoff: float = 0.5, workers: int = 4,
                 limits: Limits | None = None, warn: Callable[[str], None] | None = None):
        self.url = site_root(url)
        self._api_key = api_key or None
        self.limits = limits or Limits(timeout=timeout)
        self.timeout = self.limits.timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.workers = max(1, workers)
        self._warn = warn
        self._warned: set[str] = set()
        self.requests = 0
        if self._api_key and self.url.startswith("http://"):
            self.warn_once(f"the API key goes to {_shown_origin(self.url)} over plain http: "
                           "anyone on the way can read it; use https://")

    @property
    def authenticated(self) -> bool:
        return self._api_key is not None

    def __repr__(self) -> str:  # never shows the key
        return f"CkanClient({self.url!r}, authenticated={self.authenticated})"

    def warn_once(self, message: str) -> None:
        if self._warn is not None and message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    # --- one call ----------------------------------------------------------------

    def action(self, name: str, **params: Any) -> Any:
        """``POST /api/3/action/<name>`` with a JSON body; the ``result``.
        Within ``limits.deadline`` seconds, retries and their waits included."""
        endpoint = f"{self.url}/api/3/action/{name}"
        body = json.dumps(params).encode("utf-8")
        due = time.monotonic() + self.limits.deadline
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            try:
                status, payload, retry_after = self._exchange(name, endpoint, body, due)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
                if attempt <= self.retries:
                    self._sleep(name, attempt, None, due)
                    continue
                reason = getattr(error, "reason", error)
                raise Unreachable(f"cannot reach {self.url}: {reason}") from None
            if status in (429, 500, 502, 503, 504) and attempt <= self.retries:
                self._sleep(name, attempt, retry_after, due)
                continue
            return self._result(name, status, payload)

    def _late(self, name: str) -> LimitExceeded:
        return LimitExceeded(f"{name}: {self.url} gave no complete answer within "
                             f"{self.limits.deadline:g} s (--deadline)")

    def _exchange(self, name: str, endpoint: str, body: bytes,
                  due: float) -> tuple[int, bytes, str | None]:
        """One HTTP exchange, redirects followed, in a thread the caller
        waits for until ``due`` at the latest."""
        watch = _Watch()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = self._send(name, endpoint, body, watch)
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                outcome["error"] = error

        worker = threading.Thread(target=run, daemon=True, name=f"opdc-kpi-remote {name}")
        worker.start()
        worker.join(max(0.0, due - time.monotonic()))
        if worker.is_alive():
            watch.expire()     # the worker reads an end of file and stops
            raise self._late(name)
        if "error" in outcome:
            if watch.expired:
                raise self._late(name)
            raise outcome["error"]
        return outcome["value"]

    def _send(self, name: str, endpoint: str, body: bytes,
              watch: _Watch) -> tuple[int, bytes, str | None]:
        opener = urllib.request.build_opener(
            _HTTP(watch), _HTTPS(watch), _Redirects(self, name))
        request = urllib.request.Request(endpoint, data=body, method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json",
            "User-Agent": USER_AGENT})
        if self._api_key:
            # not copied by urllib on a redirect: _Redirects decides
            request.add_unredirected_header("Authorization", self._api_key)
        try:
            with opener.open(request, timeout=self.limits.timeout) as response:
                return response.status, self._read(name, response), None
        except urllib.error.HTTPError as error:
            retry_after = error.headers.get("Retry-After") if error.headers else None
            try:
                payload = self._read(name, error)
            finally:
                error.close()
            return error.code, payload, retry_after

    def _read(self, name: str, response: Any) -> bytes:
        """The body, at most ``limits.max_bytes`` of it."""
        limit = self.limits.max_bytes
        declared = response.headers.get("Content-Length") if response.headers else None
        if declared and declared.strip().isdigit() and len(declared.strip()) < 20 \
                and int(declared) > limit:
            raise self._too_large(name)
        chunks, size = [], 0
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise self._too_large(name)
            chunks.append(chunk)

    def _too_large(self, name: str) -> LimitExceeded:
        return LimitExceeded(f"{name}: the answer from {self.url} is larger than "
                             f"{self.limits.max_bytes / 2**20:g} MB (--max-response-mb)")

    def _sleep(self, name: str, attempt: int, retry_after: str | None, due: float) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        if retry_after and retry_after.strip().isdigit() and len(retry_after.strip()) < 6:
            delay = max(delay, min(float(retry_after), 60.0))
        if time.monotonic() + delay >= due:
            raise self._late(name)
        time.sleep(delay)

    def _result(self, name: str, status: int, payload: bytes) -> Any:
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or "success" not in data:
            raise NotCkan(f"{self.url} does not answer like a CKAN action API "
                          f"({name}: HTTP {status}, not CKAN's JSON)")
        if data.get("success"):
            return data.get("result")
        error = data.get("error") or {}
        kind = error.get("__type") if isinstance(error, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        if status == 404 or kind == "Not Found Error":
            raise NotFound(f"{name}: not found on {self.url}")
        if status == 403 or kind == "Authorization Error":
            raise ApiError(f"{name}: not allowed on {self.url}"
                           + ("" if self.authenticated else " (no API key given)"))
        if isinstance(error, dict):
            details = message or {k: v for k, v in error.items() if k != "__type"}
        else:
            details = error
        details = str(details)
        if len(details) > 500:
            details = details[:499] + "…"
        raise ApiError(f"{name} failed on {self.url} (HTTP {status}): {details}")

    def count_of(self, name: str, result: Any) -> int:
        """A listing's ``count``: a whole number within ``limits.max_count``."""
        count = result.get("count") if isinstance(result, dict) else None
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise NotCkan(f"{self.url}: {name} gave no dataset count")
        if count > self.limits.max_count:
            raise LimitExceeded(f"{name}: {self.url} reports {count:,} datasets, more than "
                                f"{self.limits.max_count:,} (--max-datasets)")
        return count

    def too_many_pages(self, what: str) -> LimitExceeded:
        return LimitExceeded(f"{what}: {self.url} needs more than {self.limits.max_pages:,} "
                             "pages (--max-pages)")

    # --- what the tool needs ---------------------------------------------------------

    def check_site(self) -> dict[str, Any]:
        """``status_show``: proves the URL is a CKAN catalog (version, extensions)."""
        status = self.action("status_show")
        if not isinstance(status, dict) or "ckan_version" not in status:
            raise NotCkan(f"{self.url} answered status_show without a CKAN version")
        return status

    def organization(self, name_or_id: str) -> dict[str, Any]:
        org = self.action("organization_show", id=name_or_id, include_datasets=False,
                          include_users=False, include_followers=False)
        if not isinstance(org, dict):
            raise NotCkan(f"{self.url}: organization_show gave no organization")
        return flatten_extras(org)

    def organization_datasets(self, org_id: str,
                              progress: Callable[[int, int], None] | None = None
                              ) -> list[dict[str, Any]]:
        """Every dataset of the organization this caller may see (private ones
        only with an API key of a member), paged ``id asc``; pages after the
        first are fetched concurrently (``workers`` at a time)."""
        base = {"fq": f'owner_org:"{org_id}"', "rows": SEARCH_ROWS, "sort": "id asc",
                "include_private": self.authenticated}
        first = self.search(dict(base, start=0))
        count = first["count"]
        datasets = _results(first)
        rows = max(1, len(datasets)) if len(datasets) < SEARCH_ROWS else SEARCH_ROWS
        if progress:
            progress(len(datasets), count)
        if datasets and -(-count // rows) > self.limits.max_pages:
            raise self.too_many_pages("package_search")
        starts = list(range(rows, count, rows)) if datasets else []
        if starts:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                pages = pool.map(lambda s: self.search(dict(base, start=s)), starts)
                for page in pages:
                    datasets.extend(_results(page))
                    if progress:
                        progress(len(datasets), count)
        seen: set[str] = set()
        unique = []
        for pkg in datasets:
            if isinstance(pkg, dict) and pkg.get("id") not in seen:
                seen.add(pkg.get("id"))
                unique.append(flatten_extras(pkg))
        return unique

    def search(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of ``package_search``: ``{"count", "results"}``, the count
        within ``limits.max_count`` and no more results than ``rows`` asked."""
        result = self.action("package_search", **params)
        count = self.count_of("package_search", result)
        results = _results(result)
        rows = str(params.get("rows", ""))
        if rows.isdigit() and len(results) > int(rows):
            raise NotCkan(f"{self.url}: package_search gave {len(results):,} results for "
                          f"rows={rows}")
        return {**result, "count": count, "results": results}


def _results(page: Any) -> list[Any]:
    results = page.get("results") if isinstance(page, dict) else None
    return list(results) if isinstance(results, list) else []


def flatten_extras(item: dict[str, Any]) -> dict[str, Any]:
    """Older catalogs (CKAN 2.8/2.9 without scheming for a field) put custom
    fields in ``extras: [{key, value}]``: lift each to the top level when the
    top level does not have it (the top level wins)."""
    extras = item.get("extras")
    if not isinstance(extras, list):
        return item
    out = dict(item)
    for extra in extras:
        if isinstance(extra, dict) and isinstance(extra.get("key"), str):
            out.setdefault(extra["key"], extra.get("value"))
    return out
