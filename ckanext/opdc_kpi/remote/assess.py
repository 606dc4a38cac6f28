"""What ``opdc-kpi-remote`` computes: a catalog's KPI report and the
harvest check, from the catalog's API, with the extension's pure core."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ckanext.opdc_kpi.remote.basket import Basket, apply_basket
from ckanext.opdc_kpi.remote.client import CkanClient, LimitExceeded
from ckanext.opdc_kpi.scoring import Rules, fiscal_year_of, score_organization
from ckanext.opdc_kpi.scoring.harvest import (
    organization_filter, paging_problems, received_problems, walk)
from ckanext.opdc_kpi.scoring.messages import message

BANGKOK = ZoneInfo("Asia/Bangkok")
SEARCH_ROWS = 1000


def today() -> dt.date:
    return dt.datetime.now(BANGKOK).date()


def current_fiscal_year() -> int:
    return fiscal_year_of(today())


def score_catalog(client: CkanClient, org: str, fiscal_year: int, *,
                  basket: Basket | None = None, lang: str = "th", rules: Rules | None = None,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The KPI report of one organization of a remote catalog. Without an
    API key only public datasets are read, so it is the public view; the
    organization's own ``catalog_url``, else the catalog's URL, is the
    catalog part's URL."""
    status = client.check_site()
    organization = client.organization(org)
    datasets = client.organization_datasets(organization["id"], progress)
    warnings: list[str] = []
    if not client.authenticated:
        warnings.append("no API key: only public datasets were read (the public view)")
    if basket is not None:
        organization, datasets, missing = apply_basket(organization, datasets, basket,
                                                       fiscal_year)
        for name in missing:
            warnings.append(f"basket dataset not found in the catalog: {name}")
    # by name, as the catalog's own opdc_kpi_score lists them
    datasets = sorted(datasets, key=lambda pkg: str(pkg.get("name") or ""))
    report = score_organization(
        organization, datasets, fiscal_year=fiscal_year, today=today(),
        rules=rules or Rules(), catalog_url=client.url, lang=lang,
        public_only=not client.authenticated)
    report["source"] = {
        "url": client.url,
        "ckan_version": status.get("ckan_version"),
        "authenticated": client.authenticated,
        "datasets_read": len(datasets),
        "basket_file": basket is not None,
        "warnings": warnings,
    }
    return report


def _issues(problems: list, lang: str) -> list[dict[str, str]]:
    return [{"field": p.field, "code": p.code,
             "message": message(p.code, lang, **dict(p.params or {}))} for p in problems]


def _all_ids(client: CkanClient, fq: str | None) -> list[str]:
    """An independent listing (``name asc``, pages of 1,000) of what the
    harvester's walk should receive, within the client's page limit."""
    ids: list[str] = []
    start = 0
    for _ in range(client.limits.max_pages):
        params: dict[str, Any] = {"rows": SEARCH_ROWS, "start": start, "sort": "name asc"}
        if fq:
            params["fq"] = fq
        result = client.search(params)
        results = result["results"]
        ids.extend(str(p["id"]) for p in results if isinstance(p, dict) and p.get("id"))
        start += len(results)
        if not results or start >= result["count"]:
            return ids
    raise client.too_many_pages("package_search (name asc)")


def harvest_check(client: CkanClient, org: str | None = None, *,
                  lang: str = "th") -> dict[str, Any]:
    """What the national harvester would receive from this catalog and reject:
    the harvester's paging (``rows=100``, ``sort=id asc``) against an
    independent listing, and each received dataset's problems."""
    client.check_site()
    org_name = None
    if org:
        org_name = client.organization(org)["name"]
    fq = organization_filter([org_name]) if org_name else None
    received: dict[str, dict] = {}
    refused: list[LimitExceeded] = []

    def fetch(params: dict[str, Any]) -> dict[str, Any]:
        try:
            return client.search(params)
        except LimitExceeded as error:  # the walk reads an error as the end: say why
            refused.append(error)
            raise

    got = walk(fetch, [fq] if fq else [], max_pages=client.limits.max_pages,
               on_new=lambda pkg: received.setdefault(str(pkg["id"]), pkg))
    if refused:
        raise refused[0]
    if got.stopped == "page_limit":
        raise client.too_many_pages("package_search (the harvester's paging)")
    paging = paging_problems(got, _all_ids(client, fq))
    problems = []
    for pkg_id in got.ids:
        pkg = received.get(pkg_id) or {}
        found = received_problems(pkg)
        if found:
            problems.append({"id": pkg_id, "name": pkg.get("name"), "title": pkg.get("title"),
                             "issues": _issues(found, lang)})
    return {
        "url": client.url,
        "organization": org_name,
        "authenticated": client.authenticated,
        "seen": len(got.ids),
        "paging_ok": paging.ok,
        "paging": _issues(paging.problems, lang),
        "problems": problems,
    }
