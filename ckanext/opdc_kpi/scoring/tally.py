"""An organization's ``opdc_kpi_score_list`` row from per-dataset
contributions (kpi-rules.md): what each dataset brings to the figures of
any year and view, independent of its organization's fields, and the row of
one year and view from their sum plus the organization's own fields.

The list's figures-only pass (``engine.score_rows``) and the stored figures
(``logic.score.figures``: one contribution stored per dataset, summed by
PostgreSQL) both go through ``row``, so a change to one dataset rewrites
one contribution and the row is summed again without re-reading the
organization's datasets. Assessors' records are not a sum of datasets: an
organization with records in a year gets the full report in the full view."""
from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any, Iterable

from ckanext.opdc_kpi.scoring.criteria import (
    catalog_url as resolve_catalog_url, dataset_openness, declared_focus_areas, focus_area_of,
    has_mission_work_process, has_use_evidence, is_active, is_private, is_public_category,
    kpi_years_of, text_of)
from ckanext.opdc_kpi.scoring.model import Rules, round_points
from ckanext.opdc_kpi.scoring.standard import mandatory_problems

BASIC_POINTS = 50
MAXIMA = {"basic": 50, "metadata": 15, "catalog": 10, "openness": 20, "use": 5}


@dataclasses.dataclass(frozen=True)
class Contribution:
    """What one dataset brings to its organization's figures."""

    years: tuple[int, ...]      # its KPI years (sorted, once each)
    focus_area: str             # "" when none
    active: bool
    private: bool
    complete: bool              # the 14 items given and valid
    mission: bool               # mission and work process given
    public_category: bool
    published: bool             # (public category only; else False)
    openness_points: int        # 0, 6, 12 or 20 (public category only; else 0)
    use_evidence: bool


@dataclasses.dataclass
class Tally:
    """The sums a row needs, for one year and view."""

    basket: int = 0
    complete: int = 0
    mission: int = 0
    evidence: bool = False
    public: int = 0             # public-category datasets in the openness scope
    published: int = 0
    openness_points: int = 0


def contribution(pkg: dict, rules: Rules) -> Contribution:
    public = is_public_category(pkg)
    openness = dataset_openness(pkg, rules, "") if public else None
    return Contribution(
        years=tuple(sorted(set(kpi_years_of(pkg)))), focus_area=focus_area_of(pkg),
        active=is_active(pkg), private=is_private(pkg), complete=not mandatory_problems(pkg),
        mission=has_mission_work_process(pkg), public_category=public,
        published=bool(openness and openness.published),
        openness_points=int(openness.points) if openness else 0,
        use_evidence=has_use_evidence(pkg))


def tally(contributions: Iterable[Contribution], *, year: int, focus_areas: list[str],
          public_only: bool, openness_scope: str) -> Tally:
    """The sums of the year's basket (active, the year among its KPI years,
    a declared focus area) and of the openness scope (the basket, or every
    active dataset when the scope is the catalog); the public view counts
    public datasets only."""
    out = Tally()
    basket_scope = openness_scope == "basket"
    for c in contributions:
        if not c.active or (public_only and c.private):
            continue
        in_basket = year in c.years and c.focus_area in focus_areas
        if in_basket:
            out.basket += 1
            out.complete += c.complete
            out.mission += c.mission
            out.evidence = out.evidence or c.use_evidence
        if c.public_category and (in_basket or not basket_scope):
            out.public += 1
            out.published += c.published
            out.openness_points += c.openness_points
    return out


def ladder(basic_passed: bool, points: dict[str, Fraction]
           ) -> tuple[Fraction, dict[str, bool], str | None]:
    """The score, which parts are at their maximum, and the level, from
    the basic level and the points of the four other parts (the full report
    and the list row both climb it here)."""
    score = (BASIC_POINTS + sum(points.values(), Fraction(0))) if basic_passed else Fraction(0)
    at_max = {part: points[part] == MAXIMA[part] for part in points}
    if not basic_passed:
        level = None
    elif all(at_max.values()):
        level = "advanced"
    elif at_max["metadata"] and at_max["catalog"]:
        level = "standard"
    else:
        level = "basic"
    return score, at_max, level


def row(organization: dict, t: Tally, *, rules: Rules, catalog_url: str | None
        ) -> dict[str, Any]:
    """The list row (as ``engine.score_row`` of the full report) from the sums."""
    focus = declared_focus_areas(organization)
    basic_passed = bool(focus) and t.mission > 0
    _url, url_ok = resolve_catalog_url(organization.get("catalog_url"), catalog_url)
    points = {
        "metadata": Fraction(15 * t.complete, t.basket) if t.basket else Fraction(0),
        "catalog": Fraction(10 if url_ok else 0),
        "openness": Fraction(t.openness_points, t.public) if t.public else Fraction(0),
        "use": Fraction(5 if t.evidence else 0),
    }
    if not basic_passed and not rules.report_parts_when_basic_fails:
        points = {part: Fraction(0) for part in points}
    score, _at_max, level = ladder(basic_passed, points)
    parts = {"basic": float(BASIC_POINTS if basic_passed else 0)}
    parts.update((part, round_points(value)) for part, value in points.items())
    return {
        "organization": {"id": text_of(organization.get("id")),
                         "name": text_of(organization.get("name")),
                         "title": text_of(organization.get("title"))
                         or text_of(organization.get("name"))},
        "score": round_points(score),
        "level": level,
        "parts": parts,
        "basket": t.basket,
    }
