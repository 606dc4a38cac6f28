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
``hidden_problems`` and ``gone_reason`` explain the datasets it does not get.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Callable, Iterable, Mapping

from ckanext.opdc_kpi.scoring.choices import (
    ACCEPTED, MULTI_CHOICE_FIELDS, PUBLIC_CATEGORY)
from ckanext.opdc_kpi.scoring.model import Problem
from ckanext.opdc_kpi.scoring.standard import mandatory_problems
from ckanext.opdc_kpi.scoring.text import is_blank, is_http_url, normalize_text, shown

#: What the harvester asks for (ckanext-harvest's CKANHarvester).
ROWS = 100
SORT = "id asc"
#: An incremental run asks for changes since its last error-free job's start
#: minus this margin.
INCREMENTAL_MARGIN = dt.timedelta(hours=1)

#: The choice fields of the 14 items, whose received value must be one of
#: the standard's values byte for byte (the national catalog compares bytes).
CANONICAL_FIELDS = (
    "data_type", "objective", "update_frequency_unit", "geo_coverage", "data_format",
    "data_category", "license_id", "allow_harvest",
)
#: The 14 items' fields (item 6 is the keywords) that a harvester reads at
#: the top level of the dataset dict.
TOP_LEVEL_FIELDS = (
    "data_type", "title", "owner_org", "maintainer", "maintainer_email", "notes",
    "objective", "update_frequency_unit", "update_frequency_interval", "geo_coverage",
    "data_source", "data_format", "data_category", "license_id", "allow_harvest",
)
CONSENT = "True"


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


# --- one received dataset -------------------------------------------------------

def _as_received(pkg: dict) -> dict:
    """The dict the national side validates: keywords from ``tags`` only
    (a harvester gets no ``tag_string``; vocabulary tags are not keywords)."""
    received = dict(pkg)
    received.pop("tag_string", None)
    if not isinstance(received.get("tags"), list):
        received["tags"] = []
    return received


def _extras_keys(pkg: dict) -> dict[str, Any]:
    extras = pkg.get("extras")
    out: dict[str, Any] = {}
    if isinstance(extras, list):
        for item in extras:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                out[item["key"]] = item.get("value")
    return out


def _canonical(field: str, value: Any) -> list[Problem]:
    """A given value must be the standard's value byte for byte; multiple
    choices a list (invalid values are ``mandatory_problems``' business)."""
    accepted = ACCEPTED.get(field, frozenset())
    if is_blank(value):
        return []
    if field in MULTI_CHOICE_FIELDS and not isinstance(value, list):
        return [Problem(field, "not_a_list", {"field": field})]
    values = value if isinstance(value, list) else [value]
    problems = []
    for item in values:
        if not isinstance(item, str):
            text = normalize_text(item)
            if text in accepted:
                problems.append(Problem(field, "harvest_not_canonical", {
                    "field": field, "value": shown(item), "canonical": text}))
            continue
        if item in accepted:
            continue
        text = normalize_text(item)
        if text in accepted:
            problems.append(Problem(field, "harvest_not_canonical", {
                "field": field, "value": repr(item)[1:-1], "canonical": text}))
    return problems


def _resources(pkg: dict) -> list[Problem]:
    resources = pkg.get("resources")
    if not isinstance(resources, list) or not [r for r in resources if isinstance(r, dict)]:
        return [Problem("resources", "harvest_no_resources", {})]
    problems = []
    for position, resource in enumerate((r for r in resources if isinstance(r, dict)), 1):
        name = shown(resource.get("name")) or str(position)
        url = resource.get("url")
        if is_blank(url):
            problems.append(Problem("resources", "harvest_resource_no_url", {
                "resource": position, "name": name}))
        elif not is_http_url(url):
            problems.append(Problem("resources", "harvest_resource_bad_url", {
                "resource": position, "name": name, "url": shown(url)}))
        if is_blank(resource.get("format")):
            problems.append(Problem("resources", "harvest_resource_no_format", {
                "resource": position, "name": name}))
    return problems


def is_private(pkg: dict) -> bool:
    value = pkg.get("private")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def has_consent(pkg: dict) -> bool:
    """``allow_harvest`` is "True" (after normalising: canonical spelling is
    ``harvest_not_canonical``'s business)."""
    return normalize_text(pkg.get("allow_harvest")) == CONSENT


def is_copy(pkg: dict) -> bool:
    """A copy of another catalog's dataset (``reference_url_catalog`` set):
    the GD Catalog does not register it twice."""
    return not is_blank(pkg.get("reference_url_catalog"))


def _consent_and_category(pkg: dict) -> list[Problem]:
    problems = []
    private = is_private(pkg)
    if not private and not has_consent(pkg):
        problems.append(Problem("allow_harvest", "harvest_no_consent", {
            "field": "allow_harvest", "value": shown(pkg.get("allow_harvest"))}))
    if private and normalize_text(pkg.get("data_category")) == PUBLIC_CATEGORY:
        problems.append(Problem("private", "harvest_public_category_private", {
            "category": PUBLIC_CATEGORY}))
    return problems


def received_problems(pkg: dict) -> list[Problem]:
    """What the national side would reject or flag in a dataset as received.

    The 14 items at the top level with the standard's values (item 6 read
    from the free keywords in ``tags``, each a valid keyword); a field found
    only in ``extras``; every resource with an http(s) URL and a format;
    ``allow_harvest`` consent on a public dataset; a public-category
    dataset that is private. Never raises.
    """
    if not isinstance(pkg, dict):
        return [Problem("", "check_failed", {"error": type(pkg).__name__})]
    try:
        received = _as_received(pkg)
        problems = list(mandatory_problems(received))
        extras = _extras_keys(received)
        for name in TOP_LEVEL_FIELDS:
            if is_blank(received.get(name)) and not is_blank(extras.get(name)):
                problems = [p for p in problems if p.field != name]
                problems.append(Problem(name, "harvest_extras_only", {"field": name}))
        for name in CANONICAL_FIELDS:
            problems += _canonical(name, received.get(name))
        problems += _resources(received)
        problems += _consent_and_category(received)
        return _unique(problems)
    except Exception as error:  # noqa: BLE001 - a bug must not stop a whole check
        return [Problem("", "check_failed", {"error": type(error).__name__})]


def hidden_problems(pkg: dict) -> list[Problem]:
    """Why a dataset that the anonymous harvester does not receive is not
    received (a private one), and what else is wrong with that."""
    problems = []
    if is_private(pkg):
        code = "harvest_private_with_consent" if has_consent(pkg) else \
            "harvest_private_no_consent"
        problems.append(Problem("private", code, {}))
        if normalize_text(pkg.get("data_category")) == PUBLIC_CATEGORY:
            problems.append(Problem("private", "harvest_public_category_private", {
                "category": PUBLIC_CATEGORY}))
    return problems


def gone_reason(now: Mapping[str, Any] | None, scope_org: str | None = None) -> str:
    """Why a dataset the harvester received last time is not received now.

    ``now`` is the dataset's current row (``state``, ``private``,
    ``owner_org``) or None when it no longer exists. The national catalog
    keeps its copy: an incremental harvest never learns of it.
    """
    if not now:
        return "harvest_gone_purged"
    state = normalize_text(now.get("state"))
    if state == "deleted":
        return "harvest_gone_deleted"
    if state and state != "active":
        return "harvest_gone_draft"
    if is_private(now):
        return "harvest_gone_private"
    if scope_org and now.get("owner_org") != scope_org:
        return "harvest_gone_moved"
    return "harvest_gone_unseen"


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    out: list[Problem] = []
    seen: set[Problem] = set()
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return out


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


def copy_problem(pkg: dict) -> Problem | None:
    """A copy of another catalog's dataset, with the original's URL."""
    if not is_copy(pkg):
        return None
    return Problem("reference_url_catalog", "harvest_copy", {
        "url": shown(pkg.get("reference_url_catalog"))})
