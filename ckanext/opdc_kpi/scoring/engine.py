"""Score one organization for one fiscal year (kpi-rules.md), as the
``opdc_kpi_score`` report of api.md. Exact arithmetic with fractions; every
point value and the score rounded half-up to 2 decimals at the end."""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any, Iterable

from ckanext.opdc_kpi.scoring.criteria import (
    catalog_url as resolve_catalog_url, dataset_openness, declared_focus_areas,
    focus_area_of, has_mission_work_process, has_use_evidence, is_active, is_private,
    is_public_category, reason, text_of)
from ckanext.opdc_kpi.scoring.fiscal import parse_kpi_years, parse_year
from ckanext.opdc_kpi.scoring.messages import language, message
from ckanext.opdc_kpi.scoring.model import Openness, Reason, Rules, round_points
from ckanext.opdc_kpi.scoring.standard import is_not_given, mandatory_problems

BASIC_POINTS = 50
MAXIMA = {"basic": 50, "metadata": 15, "catalog": 10, "openness": 20, "use": 5}
PARTS = ("basic", "metadata", "catalog", "openness", "use")


def kpi_years_of(pkg: dict) -> list[int]:
    """The dataset's KPI years, leniently (ints, strings, lists, JSON)."""
    return parse_kpi_years(pkg.get("kpi_years"), today=None)[0]


def _belongs(pkg: dict, organization: dict) -> bool:
    """A dataset of this organization (a dataset without ``owner_org`` is
    taken as the caller's word)."""
    owner = text_of(pkg.get("owner_org"))
    return not owner or owner in {text_of(organization.get("id")),
                                  text_of(organization.get("name"))}


def _reasons(items: Iterable[Reason]) -> list[dict[str, str]]:
    return [r.as_dict() for r in items]


def _dataset_entry(pkg: dict, fiscal_year: int, openness: Openness | None,
                   lang: str) -> tuple[dict[str, Any], bool]:
    problems = mandatory_problems(pkg)
    missing: list[str] = []
    invalid: dict[str, str] = {}
    for problem in problems:
        if is_not_given(problem):
            if problem.field not in missing:
                missing.append(problem.field)
        else:
            text = message(problem.code, lang, **dict(problem.params))
            invalid[problem.field] = (f"{invalid[problem.field]}; {text}"
                                      if problem.field in invalid else text)
    complete = not problems
    category = text_of(pkg.get("data_category"))
    entry = {
        "id": text_of(pkg.get("id")),
        "name": text_of(pkg.get("name")),
        "title": text_of(pkg.get("title")) or text_of(pkg.get("name")),
        "private": is_private(pkg),
        "data_category": category or None,
        "focus_area": focus_area_of(pkg) or None,
        "complete": complete,
        "missing": missing,
        "invalid": invalid,
        "openness": openness.as_dict() if openness is not None else None,
        "in_previous_year": (fiscal_year - 1) in kpi_years_of(pkg),
    }
    return entry, complete


def score_organization(organization: dict, datasets: list[dict], *, fiscal_year: int,
                       today: date, rules: Rules, catalog_url: str | None,
                       lang: str = "th", public_only: bool = False) -> dict[str, Any]:
    """The KPI report of one organization for one Thai fiscal year.

    ``organization``: an ``organization_show``-like dict (id, name, title,
    focus_areas, catalog_url). ``datasets``: ``package_show`` dicts of the
    organization (all of them when ``rules.openness_scope`` is "catalog").
    ``catalog_url``: the resolved fallback (config, then site URL) used when
    the organization's own is blank. ``today`` is accepted for symmetry with
    the other entry points; the score itself does not depend on it.
    ``public_only`` drops private datasets before anything else.
    """
    del today  # the basket is fixed by kpi_years; nothing here is date-relative
    org = organization if isinstance(organization, dict) else {}
    rules = rules if isinstance(rules, Rules) else Rules()
    lang = language(lang)
    year = parse_year(fiscal_year)
    year = year if year is not None else 0
    pool = [d for d in (datasets or []) if isinstance(d, dict) and _belongs(d, org)]
    if public_only:
        pool = [d for d in pool if not is_private(d)]
    focus = declared_focus_areas(org)
    basket = [d for d in pool if is_active(d) and year in kpi_years_of(d)
              and focus_area_of(d) in focus]

    openness_of: dict[int, Openness] = {}

    def openness(pkg: dict) -> Openness:
        if id(pkg) not in openness_of:
            openness_of[id(pkg)] = dataset_openness(pkg, rules, lang)
        return openness_of[id(pkg)]

    # per dataset
    entries, complete = [], 0
    for pkg in basket:
        entry, ok = _dataset_entry(pkg, year, openness(pkg) if is_public_category(pkg) else None,
                                   lang)
        entries.append(entry)
        complete += ok

    # basic
    with_mission = sum(1 for d in basket if has_mission_work_process(d))
    basic_passed = bool(focus) and with_mission > 0
    if basic_passed:
        basic_reasons = [reason("basic_passed", lang, focus_areas=len(focus),
                                datasets=with_mission)]
    else:
        basic_reasons = []
        if not focus:
            basic_reasons.append(reason("no_focus_area", lang))
        if not basket:
            basic_reasons.append(reason("basket_empty", lang, fiscal_year=year))
        elif not with_mission:
            basic_reasons.append(reason("no_mission_work_process", lang))

    # standard: metadata
    total = len(basket)
    metadata = Fraction(15 * complete, total) if total else Fraction(0)
    metadata_reasons = ([reason("metadata_complete", lang, complete=complete, total=total,
                                points=f"{round_points(metadata):.2f}")]
                        if total else [reason("metadata_empty_basket", lang)])

    # standard: catalog
    url, url_ok = resolve_catalog_url(org.get("catalog_url"), catalog_url)
    catalog = Fraction(10 if url_ok else 0)
    if url is None:
        catalog_reasons = [reason("catalog_url_missing", lang)]
    elif url_ok:
        catalog_reasons = [reason("catalog_url_ok", lang, url=url)]
    else:
        catalog_reasons = [reason("catalog_url_invalid", lang, url=url)]

    # advanced: openness
    scope = basket if rules.openness_scope == "basket" else [d for d in pool if is_active(d)]
    public = [d for d in scope if is_public_category(d)]
    published = sum(1 for d in public if openness(d).published)
    open_points = (sum((openness(d).points for d in public), Fraction(0)) / len(public)
                   if public else Fraction(0))
    openness_reasons = ([reason("openness_mean", lang, public=len(public), published=published,
                                points=f"{round_points(open_points):.2f}")]
                        if public else [reason("openness_no_public", lang)])

    # advanced: use
    evidence = next((d for d in basket if has_use_evidence(d)), None)
    use = Fraction(5 if evidence is not None else 0)
    use_reasons = ([reason("use_evidence", lang,
                           dataset=text_of(evidence.get("title")) or text_of(evidence.get("name")),
                           url=text_of(evidence.get("use_case_url")))]
                   if evidence is not None else [reason("use_no_evidence", lang)])

    points = {"metadata": metadata, "catalog": catalog, "openness": open_points, "use": use}
    reasons = {"metadata": metadata_reasons, "catalog": catalog_reasons,
               "openness": openness_reasons, "use": use_reasons}
    if not basic_passed and not rules.report_parts_when_basic_fails:
        for part in points:
            points[part] = Fraction(0)
            reasons[part] = [reason("basic_failed", lang)] + reasons[part]

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

    parts = {
        "basic": {"passed": basic_passed, "points": float(BASIC_POINTS if basic_passed else 0),
                  "max": MAXIMA["basic"], "reasons": _reasons(basic_reasons)},
        "metadata": {"passed": at_max["metadata"], "points": round_points(points["metadata"]),
                     "max": MAXIMA["metadata"], "complete": complete, "total": total,
                     "reasons": _reasons(reasons["metadata"])},
        "catalog": {"passed": at_max["catalog"], "points": round_points(points["catalog"]),
                    "max": MAXIMA["catalog"], "url": url, "reasons": _reasons(reasons["catalog"])},
        "openness": {"passed": at_max["openness"], "points": round_points(points["openness"]),
                     "max": MAXIMA["openness"], "public": len(public), "published": published,
                     "scope": rules.openness_scope, "reasons": _reasons(reasons["openness"])},
        "use": {"passed": at_max["use"], "points": round_points(points["use"]),
                "max": MAXIMA["use"],
                "dataset": text_of(evidence.get("name")) or None if evidence is not None else None,
                "reasons": _reasons(reasons["use"])},
    }
    return {
        "organization": {"id": text_of(org.get("id")), "name": text_of(org.get("name")),
                         "title": text_of(org.get("title")) or text_of(org.get("name"))},
        "fiscal_year": year,
        "public_only": bool(public_only),
        "focus_areas": focus,
        "basket": total,
        "score": round_points(score),
        "level": level,
        "parts": parts,
        "datasets": entries,
        "rules": {
            "report_parts_when_basic_fails": rules.report_parts_when_basic_fails,
            "format_map": dict(rules.format_map),
            "structured_tier": rules.structured_tier,
            "openness_scope": rules.openness_scope,
        },
    }


def score_row(report: dict) -> dict[str, Any]:
    """One row of ``opdc_kpi_score_list`` from a ``score_organization`` report."""
    parts = report.get("parts") or {}
    return {
        "organization": report.get("organization"),
        "score": report.get("score"),
        "level": report.get("level"),
        "parts": {name: (parts.get(name) or {}).get("points", 0.0) for name in PARTS},
        "basket": report.get("basket", (parts.get("metadata") or {}).get("total", 0)),
    }
