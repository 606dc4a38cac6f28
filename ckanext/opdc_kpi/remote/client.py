"""A small CKAN action-API client on the standard library, for assessors.

Timeouts, retries with exponential backoff on network errors, HTTP 429 and
5xx, bounded concurrency for paging, and errors an assessor can act on. The
API key travels only in the ``Authorization`` header: it is never part of a
URL, a message or a log line.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

USER_AGENT = "opdc-kpi-remote/0.1 (+https://github.com/; OPDC Data Catalog KPI)"
SEARCH_ROWS = 1000            # CKAN's default ckan.search.rows_max


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


class CkanClient:
    """Calls one catalog's action API."""

    def __init__(self, url: str, api_key: str | None = None, *, timeout: float = 30.0,
                 retries: int = 3, backoff: float = 0.5, workers: int = 4,
                 opener: Callable[..., Any] | None = None):
        self.url = site_root(url)
        self._api_key = api_key or None
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.workers = max(1, workers)
        self._open = opener or urllib.request.urlopen
        self.requests = 0

    @property
    def authenticated(self) -> bool:
        return self._api_key is not None

    def __repr__(self) -> str:  # never shows the key
        return f"CkanClient({self.url!r}, authenticated={self.authenticated})"

    # --- one call ----------------------------------------------------------------

    def action(self, name: str, **params: Any) -> Any:
        """``POST /api/3/action/<name>`` with a JSON body; the ``result``."""
        endpoint = f"{self.url}/api/3/action/{name}"
        body = json.dumps(params).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "User-Agent": USER_AGENT}
        if self._api_key:
            headers["Authorization"] = self._api_key
        attempt = 0
        while True:
            attempt += 1
            request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
            self.requests += 1
            try:
                with self._open(request, timeout=self.timeout) as response:
                    return self._result(name, response.status, response.read())
            except urllib.error.HTTPError as error:
                payload = error.read() if hasattr(error, "read") else b""
                if error.code in (429, 500, 502, 503, 504) and attempt <= self.retries:
                    self._sleep(attempt, error.headers.get("Retry-After") if error.headers else None)
                    continue
                return self._result(name, error.code, payload)
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as error:
                if attempt <= self.retries:
                    self._sleep(attempt, None)
                    continue
                reason = getattr(error, "reason", error)
                raise Unreachable(f"cannot reach {self.url}: {reason}") from None

    def _sleep(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after), 60.0))
        time.sleep(delay)

    def _result(self, name: str, status: int, payload: bytes) -> Any:
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
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
        raise ApiError(f"{name} failed on {self.url} (HTTP {status}): {details}")

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
        first = self.action("package_search", start=0, **base)
        count = int(first.get("count") or 0)
        datasets = list(first.get("results") or [])
        rows = max(1, len(datasets)) if len(datasets) < SEARCH_ROWS else SEARCH_ROWS
        if progress:
            progress(len(datasets), count)
        starts = list(range(rows, count, rows)) if datasets else []
        if starts:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                pages = pool.map(lambda s: self.action("package_search", start=s, **base), starts)
                for page in pages:
                    datasets.extend(page.get("results") or [])
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
        return self.action("package_search", **params)


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
