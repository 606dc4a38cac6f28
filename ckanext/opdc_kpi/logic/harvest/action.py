"""``opdc_kpi_harvest_check``: what the national GD Catalog harvester would
see and reject in this catalog.

The harvester (ckanext-harvest's CKAN harvester) is emulated through this
site's own ``package_search`` action, called with the harvester's identity
(anonymous, or a user with ``include_private``) and exactly its query
(``scoring.harvest``). Nothing is fetched from the network: no remote service
is called while rendering a page or deciding access.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrConnectionError

from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.harvest import catalog as harvest_db
from ckanext.opdc_kpi.logic.inputs import boolean as boolean_input
from ckanext.opdc_kpi.logic.inputs import reject_unknown, validate
from ckanext.opdc_kpi.logic.score import organization
from ckanext.opdc_kpi.model import harvest_check as records
from ckanext.opdc_kpi.scoring import harvest, messages


# --- input --------------------------------------------------------------------

def since_validator(value: Any, context: dict) -> dt.datetime:
    """An ISO 8601 date-time (UTC when it has no zone), e.g. 2026-01-31T10:00:00."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, dt.datetime):
        stamp = text
    else:
        try:
            stamp = dt.datetime.fromisoformat(str(text).rstrip("Zz"))
        except ValueError:
            raise tk.Invalid(tk._("Enter a date and time as YYYY-MM-DDTHH:MM:SS (UTC)"))
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def schema() -> dict[str, list]:
    v = tk.get_validator
    return {
        "id": [v("ignore_missing"), v("unicode_safe")],
        "as_user": [v("ignore_missing"), v("unicode_safe")],
        "since": [v("ignore_missing"), since_validator],
        "record": [v("ignore_missing"), boolean_input],
        "__extras": [reject_unknown],
        "__junk": [reject_unknown],
    }


# --- output -------------------------------------------------------------------

def _issue(problem: Any, lang: str) -> dict[str, Any]:
    params = dict(problem.params or {})
    th = messages.message(problem.code, "th", **params)
    en = messages.message(problem.code, "en", **params)
    return {"field": problem.field, "code": problem.code,
            "message": th if lang == "th" else en, "messages": {"th": th, "en": en}}


class _Report:
    """Collects dataset references, leaving out those the caller may not read."""

    def __init__(self, caller: harvest_db.Viewer, lang: str):
        self.caller = caller
        self.lang = lang
        self.withheld: set[str] = set()

    def ref(self, pid: str, row: Optional[dict[str, Any]], name: Optional[str] = None,
            owner_org: Optional[str] = None, **extra: Any) -> Optional[dict[str, Any]]:
        if not self.caller.may_read(row, owner_org):
            self.withheld.add(pid)
            return None
        out = {"id": pid, "name": (row or {}).get("name") or name,
               "title": (row or {}).get("title")}
        if row is not None:
            out["private"] = bool(row.get("private"))
        out.update(extra)
        return out

    def refs(self, ids: list[str], rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        missing = [pid for pid in ids if pid not in rows]
        if missing:
            rows = {**rows, **harvest_db.datasets_by_id(missing)}
        for pid in ids:
            ref = self.ref(pid, rows.get(pid))
            if ref is not None:
                out.append(ref)
        return out

    def issues(self, problems: list[Any]) -> list[dict[str, Any]]:
        return [_issue(p, self.lang) for p in problems]


def _fetcher(viewer: harvest_db.Viewer):
    """``package_search`` as the harvester's HTTP request reaches it: a new
    context with the harvester's identity, the query string's parameters."""
    def fetch(params: dict[str, str]) -> dict[str, Any]:
        data = dict(params)
        if viewer.name:
            data["include_private"] = True
        try:
            return tk.get_action("package_search")({"user": viewer.name or ""}, data)
        except SolrConnectionError as error:
            raise harvest.SearchUnavailable(str(error)) from error
    return fetch


def _paging_part(report: _Report, walk: harvest.Walk, paging: harvest.PagingReport,
                 rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "ok": paging.ok,
        "requests": len(walk.pages),
        "stopped": walk.stopped,
        "received": len(walk.ids),
        "count": walk.reported_count,
        "issues": report.issues(paging.problems),
        "skipped": report.refs(paging.skipped, rows),
        "unexpected": report.refs(paging.unexpected, rows),
        "repeated": report.refs(paging.repeated, rows),
    }


# --- the action -----------------------------------------------------------------

def opdc_kpi_harvest_check(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """What the national GD Catalog harvester (ckanext-harvest's CKAN
    harvester) would see and reject in this catalog or one organization.

    It pages ``package_search`` as that harvester does (``rows=100``,
    ``start``, ``sort=id asc``, ``organization:<name>``), then again with its
    incremental ``metadata_modified`` window, and checks every dataset
    received. Records what it saw (per organization and viewer) so the next
    check lists the datasets gone since.

    :param id: organization id or name (default: the whole catalog;
        sysadmins and assessors only)
    :type id: string
    :param as_user: look as this user's API key would (with
        ``include_private``); default anonymous. Sysadmins, or the user itself.
    :type as_user: string
    :param since: start of the incremental window (ISO date-time, UTC);
        default: the last recorded check's start minus one hour, as the
        harvester does, else the median modification time
    :type since: string
    :param record: record this check for the next one (default true)
    :type record: bool
    :returns: ``seen``, ``expected``, ``paging_ok``, ``paging``,
        ``incremental``, ``problems``, ``hidden``, ``no_consent``, ``copies``,
        ``gone``, ``withheld`` (see the README)
    :rtype: dict
    """
    data = validate(data_dict, schema(), context)
    org = organization(data["id"]) if data.get("id") else None
    as_user = data.get("as_user")
    tk.check_access("opdc_kpi_harvest_check", context,
                    {"id": org["id"] if org else None, "as_user": as_user})
    viewer = harvest_db.Viewer(as_user)
    if as_user and viewer.user is None:
        raise tk.ValidationError({"as_user": [tk._("User not found")]})
    caller = harvest_db.Viewer(context.get("user"))
    if org is None and caller.assessor and not caller.sysadmin and caller.assessed is not None:
        # an assessor of some organizations: without an id, the check covers theirs
        orgs = [organization(org_id) for org_id in sorted(caller.assessed)]
        return merged([run_check(one, viewer, caller, since=data.get("since"),
                                 record=data.get("record", True)) for one in orgs], orgs)
    return run_check(org, viewer, caller, since=data.get("since"),
                     record=data.get("record", True))


_LISTS = ("problems", "hidden", "no_consent", "copies", "gone")
_PAGING_LISTS = ("issues", "skipped", "unexpected", "repeated")


def _merged_part(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Paging parts of several checks: ``stopped`` the first abnormal stop
    (an error or the page limit) else the first; the window's ``since`` and
    ``fq`` kept only where every check had the same."""
    stops = [p.get("stopped") for p in parts]
    out: dict[str, Any] = {
        "ok": all(p["ok"] for p in parts),
        "stopped": next((s for s in stops if s in ("error", "page_limit")),
                        stops[0] if stops else None)}
    for key in ("requests", "received", "count", "expected"):
        if any(key in p for p in parts):
            out[key] = sum(p.get(key) or 0 for p in parts)
    for key in _PAGING_LISTS:
        out[key] = [item for p in parts for item in p.get(key, [])]
    if any("unavailable" in p for p in parts):
        out["unavailable"] = any(p.get("unavailable") for p in parts)
    for key in ("since", "since_from", "fq"):
        if any(key in p for p in parts):
            values = {p.get(key) for p in parts}
            out[key] = values.pop() if len(values) == 1 else None
    return out


def merged(results: list[dict[str, Any]], orgs: list[dict[str, Any]]) -> dict[str, Any]:
    """One answer for the checks of several organizations (an assessor's
    own, each checked as the harvester checks one organization): counts
    added, lists joined, ``organizations`` naming them."""
    checked = [r["checked_at"] for r in results]
    previous = [r["previous_check"] for r in results if r["previous_check"]]
    return {
        "organization": None,
        "organizations": [{k: o[k] for k in ("id", "name", "title")} for o in orgs],
        "viewer": results[0]["viewer"] if results else None,
        "checked_at": min(checked) if checked else
        dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat(),
        "previous_check": min(previous) if len(previous) == len(results) and previous
        else None,
        "recorded": all(r["recorded"] for r in results),
        "search_unavailable": any(r["search_unavailable"] for r in results),
        "seen": sum(r["seen"] for r in results),
        "expected": sum(r["expected"] for r in results),
        "paging_ok": all(r["paging_ok"] for r in results),
        "paging": _merged_part([r["paging"] for r in results]),
        "incremental": _merged_part([r["incremental"] for r in results]),
        **{key: [item for r in results for item in r[key]] for key in _LISTS},
        "withheld": sum(r["withheld"] for r in results),
    }


def run_check(org: Optional[dict[str, Any]], viewer: harvest_db.Viewer,
              caller: harvest_db.Viewer, *, since: Optional[dt.datetime] = None,
              record: bool = True) -> dict[str, Any]:
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    lang = site.request_language()
    report = _Report(caller, lang)
    org_id = org["id"] if org else None
    scope = org_id or harvest_db.WHOLE_CATALOG
    rows = harvest_db.active_datasets(org_id)
    expected = {pid for pid, row in rows.items() if viewer.finds(row)}
    fq = [harvest.organization_filter([org["name"]])] if org else []

    problems: list[dict[str, Any]] = []
    no_consent: list[dict[str, Any]] = []
    copies: list[dict[str, Any]] = []
    received: dict[str, dict[str, Any]] = {}

    def on_new(pkg: dict) -> None:
        pid = str(pkg["id"])
        received[pid] = {"name": pkg.get("name"), "owner_org": pkg.get("owner_org")}
        row = rows.get(pid) or {"id": pid, "name": pkg.get("name"), "title": pkg.get("title"),
                                "private": harvest.is_private(pkg), "state": pkg.get("state"),
                                "owner_org": pkg.get("owner_org")}
        found = harvest.received_problems(pkg)
        copy = harvest.copy_problem(pkg)
        if copy is not None:
            ref = report.ref(pid, row, url=copy.params["url"])
            if ref is not None:
                copies.append(ref)
        if any(p.code == "harvest_no_consent" for p in found):
            ref = report.ref(pid, row)
            if ref is not None:
                no_consent.append(ref)
        if found:
            ref = report.ref(pid, row, issues=report.issues(found))
            if ref is not None:
                problems.append(ref)

    fetch = _fetcher(viewer)
    full = harvest.walk(fetch, fq, on_new=on_new)
    full_report = harvest.paging_problems(full, expected)

    previous = records.last_record(scope, viewer.key)
    since_from = "parameter" if since else None
    if since is None and previous:
        since, since_from = harvest.incremental_since(previous["started"]), "previous_check"
    if since is None:
        since = harvest.sample_since(rows[pid]["metadata_modified"] for pid in expected)
        since_from = "sample" if since else None
    incremental: dict[str, Any] = {"ok": True, "since": None, "since_from": None}
    if since is not None:
        window = harvest.modified_since_filter(since)
        part = harvest.walk(fetch, fq + [window])
        in_window = {pid for pid in expected
                     if harvest.modified_at_or_after(rows[pid]["metadata_modified"], since)}
        part_report = harvest.paging_problems(part, in_window, field="incremental")
        incremental = {**_paging_part(report, part, part_report, rows),
                       "unavailable": part.unavailable,
                       "since": since.isoformat(), "since_from": since_from,
                       "fq": " ".join(t for t in fq + [window] if t),
                       "expected": len(in_window)}

    hidden = []
    for pid, row in sorted(rows.items(), key=lambda item: item[1]["name"]):
        if pid in received or viewer.finds(row):
            continue
        found = harvest.hidden_problems(row)
        if found:
            ref = report.ref(pid, row, issues=report.issues(found))
            if ref is not None:
                hidden.append(ref)

    gone = []
    if previous:
        before = previous["seen"] or {}
        missing = sorted(set(before) - set(received))
        now = harvest_db.datasets_by_id(missing)
        for pid in missing:
            code = harvest.gone_reason(now.get(pid), org_id)
            ref = report.ref(pid, now.get(pid), name=before[pid].get("name"),
                             owner_org=before[pid].get("owner_org"),
                             issues=report.issues([harvest.Problem("", code, {})]))
            if ref is not None:
                gone.append(ref)

    paging = _paging_part(report, full, full_report, rows)
    # search out of reach: nothing is judged, and nothing recorded (a record
    # of an empty walk would make the next check's "gone" miss every dataset)
    unavailable = full.unavailable or incremental.get("unavailable", False)
    record = record and not unavailable
    result = {
        "organization": {k: org[k] for k in ("id", "name", "title")} if org else None,
        "viewer": viewer.name,
        "checked_at": started.isoformat(),
        "previous_check": previous["started"].isoformat() if previous else None,
        "recorded": bool(record),
        "search_unavailable": unavailable,
        "seen": len(full.ids),
        "expected": len(expected),
        "paging_ok": bool(paging["ok"] and incremental["ok"]),
        "paging": paging,
        "incremental": incremental,
        "problems": sorted(problems, key=lambda d: d["name"] or ""),
        "hidden": hidden,
        "no_consent": sorted(no_consent, key=lambda d: d["name"] or ""),
        "copies": sorted(copies, key=lambda d: d["name"] or ""),
        "gone": gone,
        "withheld": len(report.withheld),
    }
    if record:
        records.save_record(scope, viewer.key, started, received, {
            k: result[k] for k in ("seen", "expected", "paging_ok")} | {
            "problems": len(problems), "gone": len(gone)})
    return result


@tk.side_effect_free
def opdc_kpi_harvest_check_last(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The last recorded harvest check (as the anonymous harvester) of an
    organization or of the whole catalog: what it found, without checking
    again (no catalog-wide work). Same access as ``opdc_kpi_harvest_check``.

    :param id: organization id or name (default: the whole catalog)
    :type id: string
    :returns: ``organization``, ``checked_at`` (None when never recorded),
        ``seen``, ``expected``, ``paging_ok``, ``problems``, ``gone`` (counts)
    :rtype: dict
    """
    v = tk.get_validator
    data = validate(data_dict, {"id": [v("ignore_missing"), v("unicode_safe")],
                                "__extras": [reject_unknown], "__junk": [reject_unknown]},
                    context)
    org = organization(data["id"]) if data.get("id") else None
    tk.check_access("opdc_kpi_harvest_check_last", context, {"id": org["id"] if org else None})
    record = records.last_record(org["id"] if org else harvest_db.WHOLE_CATALOG,
                                 harvest_db.Viewer(None).key)
    summary = dict(record["summary"]) if record else {}
    return {"organization": {k: org[k] for k in ("id", "name", "title")} if org else None,
            "checked_at": record["started"].isoformat() if record else None,
            **{k: summary.get(k) for k in ("seen", "expected", "paging_ok", "problems",
                                           "gone")}}


def get_actions() -> dict[str, Any]:
    return {"opdc_kpi_harvest_check": opdc_kpi_harvest_check,
            "opdc_kpi_harvest_check_last": opdc_kpi_harvest_check_last}
