"""Score one organization for one fiscal year (kpi-rules.md), as the
``opdc_kpi_score`` report of api.md. Exact arithmetic with fractions; every
point value and the score rounded half-up to 2 decimals at the end."""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any, Iterable

from ckanext.opdc_kpi.scoring import assessment, tally
from ckanext.opdc_kpi.scoring.criteria import (
    catalog_url as resolve_catalog_url, dataset_openness, declared_focus_areas,
    focus_area_of, has_mission_work_process, has_use_evidence, in_basket, is_active,
    is_private, is_public_category, kpi_years_of, reason, text_of, truthy)
from ckanext.opdc_kpi.scoring.fiscal import parse_year
from ckanext.opdc_kpi.scoring.messages import language, message
from ckanext.opdc_kpi.scoring.model import Openness, Reason, Rules, round_points
from ckanext.opdc_kpi.scoring.standard import is_not_given, mandatory_problems

BASIC_POINTS = tally.BASIC_POINTS
MAXIMA = tally.MAXIMA
PARTS = ("basic", "metadata", "catalog", "openness", "use")


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
                       lang: str = "th", public_only: bool = False,
                       assessments: Iterable[dict] | None = None) -> dict[str, Any]:
    """The KPI report of one organization for one Thai fiscal year.

    ``organization``: an ``organization_show``-like dict (id, name, title,
    focus_areas, catalog_url). ``datasets``: ``package_show`` dicts of the
    organization (all of them when ``rules.openness_scope`` is "catalog").
    ``catalog_url``: the resolved fallback (config, then site URL) used when
    the organization's own is blank. ``today`` is accepted for symmetry with
    the other entry points; the score itself does not depend on it.
    ``public_only`` drops private datasets before anything else.

    ``assessments``: the assessors' confirmation and override records of
    this organization and year (``scoring.assessment``; the history: the
    newest of each criterion counts). Given (even empty), the report gains
    ``assessments`` (each record with the computed value beside it) and
    ``computed`` (the score without overrides); overrides change the points.
    The public view ignores them.
    """
    del today  # the basket is fixed by kpi_years; nothing here is date-relative
    org, pool, settings = _prepared(organization, datasets, fiscal_year=fiscal_year,
                                    rules=rules, catalog_url=catalog_url, lang=lang,
                                    public_only=public_only)
    lang = settings["lang"]
    if assessments is None or public_only:
        return _score(org, pool, {}, **settings)
    effective = assessment.current(a for a in assessments if isinstance(a, dict))
    overrides = assessment.overrides_of(effective)
    computed = _score(org, pool, {}, **settings)
    report = _score(org, pool, overrides, **settings) if overrides else computed
    return _annotate(report, computed, effective, pool, lang)


def _prepared(organization: Any, datasets: Any, *, fiscal_year: Any, rules: Any,
              catalog_url: str | None, lang: Any, public_only: bool
              ) -> tuple[dict, list[dict], dict[str, Any]]:
    """The organization, the datasets in view (its own; private ones dropped
    in the public view) and ``_score``'s settings, from lenient input."""
    org = organization if isinstance(organization, dict) else {}
    year = parse_year(fiscal_year)
    pool = [d for d in (datasets or []) if isinstance(d, dict) and _belongs(d, org)]
    if public_only:
        pool = [d for d in pool if not is_private(d)]
    return org, pool, dict(year=year if year is not None else 0,
                           rules=rules if isinstance(rules, Rules) else Rules(),
                           catalog_url=catalog_url, lang=language(lang),
                           public_only=public_only)


def _score(org: dict, pool: list[dict], overrides: dict[tuple[str, str], bool | int], *,
           year: int, rules: Rules, catalog_url: str | None, lang: str,
           public_only: bool, summary: bool = False) -> dict[str, Any]:
    """The report of ``pool`` (the organization's datasets in view), with
    the assessors' ``overrides`` ((dataset id or "", criterion) → value).
    ``summary``: the figures only (no dataset entries, no per-dataset
    reasons), for a list of every organization."""
    by_dataset: dict[str, dict[str, bool | int]] = {}
    for (dataset, criterion), value in overrides.items():
        if dataset:
            by_dataset.setdefault(dataset, {})[criterion] = value
    if by_dataset:
        pool = [_with_single_source(d, by_dataset) for d in pool]
    focus = declared_focus_areas(org)
    basket = [d for d in pool if is_active(d) and in_basket(d, focus, year)]

    openness_of: dict[int, Openness] = {}

    def openness(pkg: dict) -> Openness:
        if id(pkg) not in openness_of:
            found = dataset_openness(pkg, rules, "" if summary else lang)
            assessed = by_dataset.get(text_of(pkg.get("id")))
            if assessed:
                found = assessment.apply_to_openness(found, assessed, rules, lang)
            openness_of[id(pkg)] = found
        return openness_of[id(pkg)]

    # per dataset
    entries, complete = [], 0
    for pkg in basket:
        if summary:
            assessed = by_dataset.get(text_of(pkg.get("id"))) or {}
            complete += bool(assessed["complete"]) if "complete" in assessed else (
                not mandatory_problems(pkg))
            continue
        entry, ok = _dataset_entry(pkg, year, openness(pkg) if is_public_category(pkg) else None,
                                   lang)
        assessed = by_dataset.get(entry["id"]) or {}
        if "complete" in assessed:
            ok = entry["complete"] = bool(assessed["complete"])
        entries.append(entry)
        complete += ok

    # basic
    with_mission = sum(1 for d in basket if has_mission_work_process(d))
    basic_passed = bool(overrides.get(("", "basic"), bool(focus) and with_mission > 0))
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
    # the reason states what the catalog holds; an assessor's override of it
    # comes first among the part's reasons (``_annotate``)
    url, url_valid = resolve_catalog_url(org.get("catalog_url"), catalog_url)
    url_ok = bool(overrides.get(("", "catalog"), url_valid))
    catalog = Fraction(10 if url_ok else 0)
    if url is None:
        catalog_reasons = [reason("catalog_url_missing", lang)]
    elif url_valid:
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
    def shows_use(pkg: dict) -> bool:
        assessed = by_dataset.get(text_of(pkg.get("id"))) or {}
        return bool(assessed.get("use_evidence", has_use_evidence(pkg)))

    evidence = next((d for d in basket if shows_use(d)), None)
    use = Fraction(5 if overrides.get(("", "use"), evidence is not None) else 0)
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

    score, at_max, level = tally.ladder(basic_passed, points)

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


def _with_single_source(pkg: dict, by_dataset: dict[str, dict[str, bool | int]]) -> dict:
    """The dataset as the assessor sees it: a single-source-of-truth
    override replaces the declared value (it feeds the access tier)."""
    assessed = by_dataset.get(text_of(pkg.get("id"))) or {}
    if "single_source_of_truth" not in assessed:
        return pkg
    return {**pkg, "single_source_of_truth": "True" if assessed["single_source_of_truth"]
            else "False"}


def _computed_value(report: dict, pkg: dict | None, dataset: str, criterion: str) -> Any:
    """What the catalog says about a criterion (None: it does not apply here)."""
    parts = report["parts"]
    if not dataset:  # an organization criterion is named like its part
        part = parts.get(criterion) if criterion in assessment.ORGANIZATION_CRITERIA else None
        return bool(part["passed"]) if part else None
    entry = next((d for d in report["datasets"] if d["id"] == dataset), None)
    if entry is None or pkg is None:
        return None
    openness = entry.get("openness")
    if criterion == "complete":
        return entry["complete"]
    if criterion == "single_source_of_truth":
        return truthy(pkg.get("single_source_of_truth"))
    if criterion == "use_evidence":
        return has_use_evidence(pkg)
    if openness is None:
        return None
    if criterion == "openness":
        return openness["tier"]
    if criterion == "searchable_text":
        return None if openness["structured"] else True
    found = (openness.get("criteria") or {}).get(criterion)
    return found["tier"] if found else None


def _annotate(report: dict, computed: dict, effective: dict, pool: list[dict],
              lang: str) -> dict[str, Any]:
    """The report with every record that counts beside its computed value."""
    pkgs = {text_of(d.get("id")): d for d in pool}
    entries = {d["id"]: d for d in report["datasets"]}
    out = []
    for (dataset, criterion), record in sorted(effective.items()):
        now = _computed_value(computed, pkgs.get(dataset), dataset, criterion)
        action = record.get("action")
        if action == "override":
            try:
                value = assessment.parse_value(criterion, record.get("value"))
            except ValueError:
                value = None
        else:
            value = record.get("value")
        item = {
            "id": record.get("id"), "dataset": dataset or None, "criterion": criterion,
            "label": assessment.criterion_label(criterion, lang),
            "part": assessment.part_of(criterion), "action": action, "value": value,
            "computed": now, "applies": now is not None,
            "changed": action == "confirm" and now is not None and value != now,
            "note": record.get("note") or "", "user": record.get("user"),
            "created": record.get("created"),
        }
        params = dict(user=record.get("user") or "-", criterion=item["label"],
                      value=assessment.value_text(criterion, value, lang),
                      computed=assessment.value_text(criterion, now, lang),
                      note=item["note"] or "-")
        code = "assessor_override" if action == "override" else "assessor_confirmed"
        item["reason"] = reason(code, lang, **params).as_dict()
        out.append(item)
        if not dataset and criterion in assessment.ORGANIZATION_CRITERIA:
            part = report["parts"][criterion]
            part["assessment"] = item
            part["reasons"] = [item["reason"]] + part["reasons"]
        elif dataset in entries:
            entries[dataset].setdefault("assessments", {})[criterion] = item
    report["assessments"] = out
    report["computed"] = {"score": computed["score"], "level": computed["level"],
                          "parts": {name: computed["parts"][name]["points"] for name in PARTS}}
    return report


def score_rows(organizations: list[tuple[dict, list[dict], Iterable[dict] | None]], *,
               fiscal_year: int, today: date, rules: Rules, catalog_url: str | None,
               lang: str = "th", public_only: bool = False) -> list[dict[str, Any]]:
    """``score_row`` of each (organization, datasets, assessments), as
    ``score_organization`` would give, computing only the figures a row
    shows, from the datasets' contributions (``tally``): the list of every
    organization. An organization with assessors' records gets the full
    computation (records may name datasets)."""
    rows = []
    for organization, datasets, assessments in organizations:
        if assessments and not public_only:
            report = score_organization(
                organization, datasets, fiscal_year=fiscal_year, today=today, rules=rules,
                catalog_url=catalog_url, lang=lang, public_only=public_only,
                assessments=assessments)
        else:
            org, pool, settings = _prepared(organization, datasets, fiscal_year=fiscal_year,
                                            rules=rules, catalog_url=catalog_url, lang=lang,
                                            public_only=public_only)
            rules_in_use = settings["rules"]
            sums = tally.tally((tally.contribution(d, rules_in_use) for d in pool),
                               year=settings["year"], focus_areas=declared_focus_areas(org),
                               public_only=public_only,
                               openness_scope=rules_in_use.openness_scope)
            rows.append(tally.row(org, sums, rules=rules_in_use, catalog_url=catalog_url))
            continue
        rows.append(score_row(report))
    return rows


def score_row(report: dict) -> dict[str, Any]:
    """One row of ``opdc_kpi_score_list`` from a ``score_organization`` report."""
    parts = report.get("parts") or {}
    row = {
        "organization": report.get("organization"),
        "score": report.get("score"),
        "level": report.get("level"),
        "parts": {name: (parts.get(name) or {}).get("points", 0.0) for name in PARTS},
        "basket": report.get("basket", (parts.get("metadata") or {}).get("total", 0)),
    }
    computed = report.get("computed")
    if computed and computed.get("score") != report.get("score"):
        # assessors' overrides changed the score: the computed one beside it
        row["computed_score"] = computed.get("score")
    return row
