"""A small CKAN action-API client on the standard library, for assessors.

Timeouts, retries with exponential backoff on network errors, HTTP 429 and
5xx, bounded concurrency for paging, and errors an assessor can act on. The
API key travels only in the ``Authorization`` header: it is never part of a
URL, a message or a log line, and it goes only to the catalog it was given
for (``transport.keeps_key``).

A catalog is not trusted to be well-behaved: every call is bounded by
``transport.Limits`` (a deadline, retries and their waits included; a
response size; redirects), every listing by a largest ``count`` and a number
of pages. Going over one raises ``LimitExceeded``, naming the limit.
"""
from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ckanext.opdc_kpi.remote.transport import (  # noqa: F401 - the client's vocabulary
    USER_AGENT, ApiError, LimitExceeded, Limits, NotCkan, NotFound, RemoteError,
    Unreachable, exchange, keeps_key, late)

SEARCH_ROWS = 1000            # CKAN's default ckan.search.rows_max


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
            self.warn_once(f"the API key goes to {self.url} over plain http: "
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
        body = json.dumps(params).encode("utf-8")
        due = time.monotonic() + self.limits.deadline
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            try:
                status, payload, retry_after = exchange(self, name, body, self._api_key, due)
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

    def _sleep(self, name: str, attempt: int, retry_after: str | None, due: float) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        if retry_after and retry_after.strip().isdigit() and len(retry_after.strip()) < 6:
            delay = max(delay, min(float(retry_after), 60.0))
        if time.monotonic() + delay >= due:
            raise late(self, name)
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
