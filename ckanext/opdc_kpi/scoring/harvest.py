"""What a CKAN-API harvester sees of a catalog, and what it would reject
(pure: standard library only).

The harvester emulated is ckanext-harvest's CKAN harvester, the kind the
national GD Catalog runs. It pages ``package_search`` with ``rows=100``,
``start=0, 100, 200 …``, ``sort=id asc`` and an ``fq`` of its filters
(``organization:a OR organization:b``; on incremental runs also
``metadata_modified:[<last job start − 1 h>Z TO *]``). It stops at the first
page that brings no new id, silently drops repeats, ignores ``count``, and
reads an HTTP error as an empty page. Each dataset it receives is created on
the national side from the ``package_show``-shaped dict as received.

``walk`` pages a catalog through a ``fetch(params)`` callable the caller
provides (the CKAN action locally, HTTP for a remote catalog), exactly as
that harvester does; ``paging_problems`` compares what it got with what it
should have got; ``received_problems`` checks one received dataset;
``hidden_problems`` and ``gone_reason`` explain the datasets it does not get
(those three live in ``harvest_checks`` and are named here too).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Callable, Iterable, Mapping

from ckanext.opdc_kpi.scoring.harvest_checks import (  # noqa: F401 - this module's API
    CANONICAL_FIELDS,
    CONSENT,
    TOP_LEVEL_FIELDS,
    copy_problem,
    gone_reason,
    has_consent,
    hidden_problems,
    is_copy,
    is_private,
    received_problems,
)
from ckanext.opdc_kpi.scoring.model import Problem

#: What the harvester asks for (ckanext-harvest's CKANHarvester).
ROWS = 100
SORT = "id asc"
#: An incremental run asks for changes since its last error-free job's start
#: minus this margin.
INCREMENTAL_MARGIN = dt.timedelta(hours=1)



class SearchUnavailable(Exception):
    """Raised by a ``fetch`` when the catalog's search engine cannot be
    reached (Solr down): the check then says search is unavailable instead of
    judging the catalog's paging."""

# --- the query ---------------------------------------------------------------

def organization_filter(names: Iterable[str]) -> str | None:
    """The harvester's ``organizations_filter_include`` term."""
    names = [n for n in names if n]
    return " OR ".join(f"organization:{name}" for name in names) or None


def incremental_since(last_started: dt.datetime) -> dt.datetime:
    """Where an incremental run starts: the last job's start minus one hour."""
    return last_started - INCREMENTAL_MARGIN


def modified_since_filter(since: dt.datetime) -> str:
    """``metadata_modified:[<since>Z TO *]`` as the harvester writes it
    (``datetime.isoformat()`` of a naive UTC time, microseconds when any)."""
    if since.tzinfo is not None:
        since = since.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return f"metadata_modified:[{since.isoformat()}Z TO *]"


def search_params(start: int, fq_terms: Iterable[str | None] = ()) -> dict[str, str]:
    """One page's query string, as the harvester sends it (all strings)."""
    params = {"rows": str(ROWS), "start": str(start), "sort": SORT}
    terms = [t for t in fq_terms if t]
    if terms:
        params["fq"] = " ".join(terms)
    return params


# --- paging --------------------------------------------------------------------

@dataclass
class Page:
    """One request of the walk: what came back."""

    start: int
    ids: list[str]
    new: int
    count: int | None = None
    error: str | None = None


@dataclass
class Walk:
    """The harvester's view: the pages it asked for and the datasets it kept
    (each id once, in the order received)."""

    pages: list[Page] = dataclass_field(default_factory=list)
    ids: list[str] = dataclass_field(default_factory=list)
    stopped: str = "empty_page"   # empty_page | no_new_id | error | page_limit
    #: the error was the search engine out of reach (``SearchUnavailable``)
    unavailable: bool = False

    @property
    def reported_count(self) -> int | None:
        return self.pages[0].count if self.pages else None

    @property
    def error(self) -> str | None:
        return next((p.error for p in self.pages if p.error), None)

    def received_more_than_once(self) -> list[str]:
        counts: dict[str, int] = {}
        for page in self.pages:
            for pid in page.ids:
                counts[pid] = counts.get(pid, 0) + 1
        return sorted(pid for pid, n in counts.items() if n > 1)

    def repeated_pages(self) -> list[int]:
        """Starts of the pages that brought ids but none new (the harvester
        stops there: a catalog that ignores ``start`` ends its harvest on
        page 2)."""
        return [p.start for p in self.pages if p.ids and p.new == 0]


def walk(fetch: Callable[[dict[str, str]], Mapping[str, Any]],
         fq_terms: Iterable[str | None] = (),
         on_new: Callable[[dict], None] | None = None,
         max_pages: int = 10_000) -> Walk:
    """Page the catalog exactly as the harvester does.

    ``fetch(params)`` returns ``package_search``'s result
    (``{"count", "results"}``) or raises: an error reads as an empty page
    (the harvester cannot tell an HTTP error with a JSON body from the end).
    ``on_new(dataset)`` sees each dataset the first time it comes.
    """
    terms = list(fq_terms)
    out = Walk()
    kept: set[str] = set()
    start = 0
    while True:
        if len(out.pages) >= max_pages:
            out.stopped = "page_limit"
            return out
        try:
            result = fetch(search_params(start, terms)) or {}
            results = result.get("results") or []
            count = result.get("count")
        except Exception as error:  # noqa: BLE001 - any failure is an empty page to it
            out.pages.append(Page(start, [], 0, None, _error_text(error)))
            out.stopped = "error"
            out.unavailable = isinstance(error, SearchUnavailable)
            return out
        ids: list[str] = []
        new = 0
        for dataset in results:
            if not isinstance(dataset, dict) or not dataset.get("id"):
                continue
            pid = str(dataset["id"])
            ids.append(pid)
            if pid in kept:
                continue
            kept.add(pid)
            new += 1
            out.ids.append(pid)
            if on_new is not None:
                on_new(dataset)
        out.pages.append(Page(start, ids, new, count if isinstance(count, int) else None))
        if new == 0:
            out.stopped = "empty_page" if not ids else "no_new_id"
            return out
        start += ROWS


def _error_text(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


@dataclass
class PagingReport:
    """What the walk got against what it should have got."""

    ok: bool
    problems: list[Problem]
    skipped: list[str]       # visible, never received
    unexpected: list[str]    # received, not visible to this harvester
    repeated: list[str]      # received more than once


def paging_problems(got: Walk, expected: Iterable[str], field: str = "paging") -> PagingReport:
    """Whether the walk received each expected dataset exactly once, and
    nothing else, in ``id asc`` order. ``field`` names the walk ("paging",
    or "incremental" for the walk with the modified-since window)."""
    expected_ids = set(expected)
    received = set(got.ids)
    skipped = sorted(expected_ids - received)
    unexpected = sorted(received - expected_ids)
    repeated = got.received_more_than_once()
    problems: list[Problem] = []
    if got.error is not None:
        problems.append(Problem(field, "harvest_search_error", {
            "start": got.pages[-1].start, "error": got.error}))
    repeated_pages = got.repeated_pages()
    if repeated_pages:
        problems.append(Problem(field, "harvest_paging_repeated_page", {
            "start": repeated_pages[0], "pages": len(got.pages)}))
    if repeated:
        problems.append(Problem(field, "harvest_paging_repeated", {"count": len(repeated)}))
    if skipped:
        problems.append(Problem(field, "harvest_paging_skipped", {
            "count": len(skipped), "expected": len(expected_ids)}))
    if unexpected:
        problems.append(Problem(field, "harvest_paging_unexpected", {"count": len(unexpected)}))
    if any(a > b for ids in [got.ids] + [p.ids for p in got.pages]
           for a, b in zip(ids, ids[1:])):
        problems.append(Problem(field, "harvest_paging_unsorted", {"sort": SORT}))
    if got.stopped == "page_limit":
        problems.append(Problem(field, "harvest_paging_limit", {"pages": len(got.pages)}))
    count = got.reported_count
    if count is not None and got.error is None and count != len(expected_ids):
        problems.append(Problem(field, "harvest_paging_count", {
            "count": count, "expected": len(expected_ids)}))
    return PagingReport(not problems, problems, skipped, unexpected, repeated)


def sample_since(modified: Iterable[Any]) -> dt.datetime | None:
    """A window start that splits the datasets in two (the median
    ``metadata_modified``), to test the incremental query when no earlier
    check gives the harvester's own window. None when there is no date."""
    stamps = sorted(v for v in (_as_datetime(m) for m in modified) if v is not None)
    if not stamps:
        return None
    return stamps[len(stamps) // 2]


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str) and value:
        try:
            stamp = dt.datetime.fromisoformat(value.rstrip("Z"))
        except ValueError:
            return None
    else:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def modified_at_or_after(value: Any, since: dt.datetime) -> bool:
    """Whether a ``metadata_modified`` falls in ``[since TO *]``."""
    stamp = _as_datetime(value)
    return stamp is not None and stamp >= since
