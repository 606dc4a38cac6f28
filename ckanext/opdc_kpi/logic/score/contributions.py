"""The stored figures from per-dataset contributions: each active dataset's
``scoring.tally.Contribution`` computed from the set-based read and stored,
their sums per organization (moved by a change's difference, or summed
again by PostgreSQL), and each organization's ``opdc_kpi_score_list`` rows
from its sums plus its own fields (``scoring.tally.row``, the function the
live list uses too). A year in
which the organization has assessors' records is scored whole in the full
view (records name datasets; they are not a sum)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Optional

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.score import reader
from ckanext.opdc_kpi.model import confirmation
from ckanext.opdc_kpi.model import contributions as store
from ckanext.opdc_kpi.scoring import tally
from ckanext.opdc_kpi.scoring.criteria import declared_focus_areas

VIEWS = (False, True)          # public_only
ANY_YEAR = 0


def _as_row(org_id: str, pkg: dict, found: tally.Contribution) -> dict[str, Any]:
    return {"organization_id": org_id, "dataset_id": pkg["id"], "years": list(found.years),
            "focus_area": found.focus_area, "private": found.private,
            "complete": found.complete, "mission": found.mission,
            "public_category": found.public_category, "published": found.published,
            "openness_points": found.openness_points, "use_evidence": found.use_evidence}


def compute(session: Any, org_ids: list[str], dataset_ids: Optional[list[str]] = None
            ) -> list[dict[str, Any]]:
    """The contribution rows of these active organizations' active datasets
    (all of them, or those of ``dataset_ids``), read in ``session``."""
    if not org_ids:
        return []
    rules = site.from_config()
    by_org = reader.datasets(org_ids, session=session, ids=dataset_ids)
    with reader.paused_gc():
        return [_as_row(org_id, pkg, tally.contribution(pkg, rules))
                for org_id in org_ids for pkg in by_org.get(org_id, ())]


def _sums_by_year(session: Any, org_ids: list[str]
                  ) -> tuple[dict[str, dict[int, list[Any]]], dict[str, list[Any]]]:
    """The stored sums by organization and year, and the every-dataset
    sums of the public category by organization."""
    by_year: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    every: dict[str, list[Any]] = defaultdict(list)
    for row in store.sums(session, org_ids):
        if not row.every:
            by_year[row.organization_id][row.fiscal_year].append(row)
        elif row.public_category:
            every[row.organization_id].append(row)
    return by_year, every


def _deltas(old: Any, new: Any) -> dict[tuple, tuple[int, ...]]:
    """What replacing the ``old`` contribution rows by the ``new`` adds to
    the sums ({sums key: difference})."""
    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for rows, sign in ((old, -1), (new, 1)):
        for row in rows:
            values = (1, row["complete"], row["mission"], row["use_evidence"],
                      row["published"], row["openness_points"])
            base = (row["focus_area"], row["private"], row["public_category"])
            for key in [(False, year) + base for year in row["years"]] + [(True, 0) + base]:
                total = out[key]
                for i, value in enumerate(values):
                    total[i] += sign * int(value)
    return {key: tuple(total) for key, total in out.items()}


def apply_changes(session: Any, org_id: str, dataset_ids: list[str]) -> None:
    """These datasets' contributions computed again and rewritten, the
    organization's sums moved by the difference (under its lock)."""
    new = compute(session, [org_id], dataset_ids)
    old = store.replace(session, [org_id], new, dataset_ids=dataset_ids)
    store.add_sums(session, org_id, _deltas(old, new))


def _tally(year_rows: list[Any], catalog_rows: list[Any], focus: list[str],
           public_only: bool, basket_scope: bool) -> tally.Tally:
    """``tally.tally`` of the year and view, from the stored sums."""
    out = tally.Tally()
    for r in year_rows:
        if r.focus_area not in focus or (public_only and r.private):
            continue
        out.basket += r.n
        out.complete += r.complete
        out.mission += r.mission
        out.evidence = out.evidence or bool(r.evidence)
        if basket_scope and r.public_category:
            out.public += r.n
            out.published += r.published
            out.openness_points += int(r.points)
    if not basket_scope:
        for r in catalog_rows:
            if not (public_only and r.private):
                out.public += r.n
                out.published += r.published
                out.openness_points += int(r.points)
    return out


def figure_rows(session: Any, orgs: list[dict[str, Any]]
                ) -> list[tuple[str, int, bool, dict[str, Any]]]:
    """(organization id, fiscal year, public_only, row) of every year with a
    dataset or an assessor's record, and ``ANY_YEAR``, in both views, from
    the stored sums (read in ``session``)."""
    ids = [org["id"] for org in orgs]
    if not ids:
        return []
    rules = site.from_config()
    catalog_url = site.fallback_catalog_url()
    basket_scope = rules.openness_scope == "basket"
    sums, catalog = _sums_by_year(session, ids)
    records = confirmation.records_by_year(ids, session)
    out = []
    for org in orgs:
        org_sums, org_records = sums.get(org["id"], {}), records.get(org["id"], {})
        focus = declared_focus_areas(org)
        for year in sorted({ANY_YEAR} | set(org_sums) | set(org_records)):
            for public_only in VIEWS:
                assessments = None if public_only else org_records.get(year)
                if assessments:
                    row = _scored_whole(session, org, year, assessments, rules, catalog_url)
                else:
                    row = tally.row(org, _tally(org_sums.get(year, []), catalog[org["id"]],
                                                focus, public_only, basket_scope),
                                    rules=rules, catalog_url=catalog_url)
                out.append((org["id"], year, public_only, row))
    return out


def _scored_whole(session: Any, org: dict, year: int, assessments: list, rules: Any,
                  catalog_url: Optional[str]) -> dict[str, Any]:
    """The full view's row of a year with assessors' records: the whole report."""
    basket_year = year if rules.openness_scope == "basket" else None
    pool = reader.datasets([org["id"]], basket_year=basket_year, session=session)
    return scoring.score_rows([(org, pool.get(org["id"], []), assessments)], fiscal_year=year,
                              today=site.today(), rules=rules, catalog_url=catalog_url,
                              lang="en", public_only=False)[0]
