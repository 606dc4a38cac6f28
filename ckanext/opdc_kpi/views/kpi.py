"""KPI pages: ``/ckan-admin/opdc-kpi`` (every organization, for sysadmins and
assessors) and ``/organization/<id>/kpi`` (one organization, for its members,
sysadmins and assessors; everyone when public scores are on). Both take
``?year=`` and ``?format=csv|xlsx``; the figures come from the actions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.authz as authz
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import inputs, site
from ckanext.opdc_kpi.logic.assessment import may_assess
from ckanext.opdc_kpi.logic.score import basket_years, stored_basket_years
from ckanext.opdc_kpi.scoring import advice, assessment, localtime, progress
from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS
from ckanext.opdc_kpi.scoring.tally import MAXIMA
from ckanext.opdc_kpi.views.common import answer_action_errors
from ckanext.opdc_kpi.views.common import context as _context
from ckanext.opdc_kpi.views.common import login_or_403 as _login_or_403
from ckanext.opdc_kpi.views.common import organization_or_404
from ckanext.opdc_kpi.views import exports

bp = answer_action_errors(Blueprint("opdc_kpi", __name__))
PARTS = ("basic", "metadata", "catalog", "openness", "use")
SORTS = ("name", "score", "level", "basket", *PARTS)
PAGE_SIZE = 100  # basket datasets per page of the organization's table
#: organizations per page of the admin table and its points chart (2,000 at
#: national scale: one page of all of them took seconds to render)
ADMIN_PAGE_SIZE = 100


def _lang() -> str:
    return site.request_language()


def _year(available: list[int]) -> tuple[int, list[int]]:
    """The requested year, else the most recent year with a basket (not
    beyond the next fiscal year), else the current one; and the choices."""
    current = site.current_fiscal_year()
    choices = sorted({y for y in available if 2550 <= y <= current + 1} | {current},
                     reverse=True)
    asked = tk.request.args.get("year", "").strip()
    if asked:
        try:
            year = inputs.fiscal_year(asked, {})
        except tk.Invalid as error:
            return tk.abort(400, str(error.error))
        if year not in choices:
            choices = sorted(set(choices) | {year}, reverse=True)
        return year, choices
    with_basket = [y for y in available if y <= current + 1]
    return (with_basket[0] if with_basket else current), choices


def _flag(name: str) -> bool:
    """A true/false query parameter (absent: false); anything else is a 400."""
    value = tk.request.args.get(name, "").strip()
    try:
        return bool(value) and tk.asbool(value)
    except ValueError:
        return tk.abort(400, tk._("{name}: use true or false").format(name=name))


def _label(field: str) -> str:
    labels = FIELD_LABELS.get(field)
    if not labels:
        return field
    return labels[0] if _lang() == "th" else labels[1]


def _export_format() -> str | None:
    """``?format=`` (csv or xlsx; anything else is a 400), or None."""
    fmt = tk.request.args.get("format")
    if fmt and fmt not in ("csv", "xlsx"):
        return tk.abort(400, tk._("Unknown export format: use csv or xlsx"))
    return fmt or None


# --- /ckan-admin/opdc-kpi ---------------------------------------------------------

def _admin_export(fmt: str, rows: list[dict[str, Any]], year: int):
    parts = exports.part_names()
    headers = {"organization": tk._("URL name"), "title": tk._("Organization"),
               "score": tk._("Score (of 100)"), "level": tk._("Level"),
               **{part: tk._("{part} (points)").format(part=parts[part]) for part in PARTS},
               "basket": tk._("Basket datasets"),
               "computed_score": tk._("Score computed without the assessors' overrides")}
    first = [tk._("Data Catalog KPI, fiscal year {year}").format(year=year),
             tk._("Organizations"), len(rows)]
    return exports.respond(fmt, first, headers, rows, {"level": exports.level_name},
                           f"opdc-kpi-{year}", f"KPI {year}")


def _admin_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in result["organizations"]:
        flat = {"organization": row["organization"]["name"],
                "title": row["organization"]["title"], "score": row["score"],
                "level": row["level"] or "", "basket": row["basket"],
                "computed_score": row.get("computed_score")}
        flat.update({part: row["parts"].get(part, 0) for part in PARTS})
        rows.append(flat)
    return rows


@bp.route("/ckan-admin/opdc-kpi")
def admin():
    try:
        tk.check_access("opdc_kpi_score_private", _context(), {})
    except tk.NotAuthorized:
        return _login_or_403(tk._("Only sysadmins and assessors may see every "
                                  "organization's KPI"))
    year, years = _year(stored_basket_years())
    result = tk.get_action("opdc_kpi_score_list")(_context(), {"fiscal_year": year})
    rows = _admin_rows(result)
    sort = tk.request.args.get("sort", "score")
    sort = sort if sort in SORTS else "score"
    descending = tk.request.args.get("dir", "desc" if sort != "name" else "asc") == "desc"
    key = "organization" if sort == "name" else sort
    rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0),
              reverse=descending)
    fmt = _export_format()
    if fmt:
        return _admin_export(fmt, rows, year)
    buckets = [0] * 10
    for row in rows:
        buckets[min(9, int(row["score"] // 10))] += 1
    page, pages = _page_number(len(rows), ADMIN_PAGE_SIZE)
    return tk.render("opdc_kpi/admin.html", extra_vars={
        "rows": rows[(page - 1) * ADMIN_PAGE_SIZE:page * ADMIN_PAGE_SIZE], "count": len(rows),
        "page": page, "pages": pages,
        "year": year, "years": years, "sort": sort, "descending": descending,
        "buckets": buckets, "parts": PARTS, "maxima": MAXIMA})


# --- /organization/<id>/kpi -----------------------------------------------------------


def _assessment_text(items: list[dict[str, Any]]) -> str:
    """The assessors' records as one export cell: each reason with its time."""
    return "; ".join(f"{item['reason']['message']} "
                     f"[{localtime.time_text(item.get('created'), _lang())}]"
                     for item in items)


def _dataset_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for d in report["datasets"]:
        openness = d.get("openness") or {}
        criteria = openness.get("criteria") or {}
        rows.append({
            "name": d["name"], "title": d["title"], "private": d["private"],
            "data_category": d.get("data_category") or "",
            "complete": d["complete"],
            "missing": ", ".join(_label(f) for f in d.get("missing") or []),
            "invalid": "; ".join(f"{_label(f)}: {m}" for f, m in (d.get("invalid") or {}).items()),
            "openness_tier": openness.get("tier", ""),
            **{c: (criteria.get(c) or {}).get("tier", "") for c in ("access", "granularity",
                                                                     "format")},
            "in_previous_year": d.get("in_previous_year"),
            "assessments": _assessment_text(list((d.get("assessments") or {}).values())),
        })
    return rows


def _organization_export(fmt: str, org: dict[str, Any], report: dict[str, Any], year: int):
    """The organization's download: a first row with its score and level
    (and the computed score beside an override, the organization's own
    assessments), then its basket datasets."""
    first = [org.get("title") or org["name"],
             tk._("Data Catalog KPI, fiscal year {year}").format(year=year),
             tk._("Score (of 100)"), report["score"], tk._("Level"),
             exports.level_name(report["level"])]
    computed = report.get("computed")
    if computed and computed["score"] != report["score"]:
        first += [tk._("Score computed without the assessors' overrides"), computed["score"]]
    organization_items = [a for a in report.get("assessments") or [] if not a["dataset"]]
    if organization_items:
        first += [tk._("Assessors' records of the organization"),
                  _assessment_text(organization_items)]
    headers = {"name": tk._("URL name"), "title": tk._("Dataset"), "private": tk._("Private"),
               "data_category": _label("data_category"),
               "complete": tk._("14 items complete"), "missing": tk._("Missing"),
               "invalid": tk._("Invalid"), "openness_tier": tk._("Open data tier"),
               "access": tk._("Access"), "granularity": tk._("Granularity"),
               "format": tk._("Format"), "in_previous_year": tk._("In last year's basket"),
               "assessments": tk._("Assessors' records")}
    formats = {key: exports.yes_no for key in ("private", "complete", "in_previous_year")}
    return exports.respond(fmt, first, headers, _dataset_rows(report), formats,
                           f"opdc-kpi-{org['name']}-{year}", f"KPI {year}")


def _page_number(count: int, size: int) -> tuple[int, int]:
    """The requested page of a table (``?page=``, from 1) and the number of
    pages; a page that is not a number or out of range is a 400."""
    pages = max(1, -(-count // size))
    asked = tk.request.args.get("page", "").strip()
    if not asked:
        return 1, pages
    # the length first: int() refuses a text of more than 4,300 digits
    if (not asked.isdecimal() or len(asked) > len(str(pages))
            or not 1 <= int(asked) <= pages):
        return tk.abort(400, tk._("page: a number from 1 to {pages}").format(pages=pages)), pages
    return int(asked), pages


def _editable(org_id: str, datasets: list[dict[str, Any]]) -> list[bool]:
    """Whether the viewer may edit each dataset, without an auth check per
    dataset where CKAN's rule is per organization: sysadmins and the
    organization's editors and admins edit all of them; anyone else only as
    a dataset collaborator (when collaborators are on), checked per dataset."""
    user = tk.current_user
    if not user.is_authenticated:
        return [False] * len(datasets)
    if user.sysadmin or authz.has_user_permission_for_group_or_org(
            org_id, user.name, "update_dataset"):
        return [True] * len(datasets)
    if not tk.asbool(tk.config.get("ckan.auth.allow_dataset_collaborators")):
        return [False] * len(datasets)
    out = []
    for d in datasets:
        try:
            tk.check_access("package_update", _context(), {"id": d["id"]})
            out.append(True)
        except tk.NotAuthorized:
            out.append(False)
    return out


def _full_view(org_id: str) -> bool:
    try:
        tk.check_access("opdc_kpi_score_private", _context(), {"id": org_id})
        return True
    except tk.NotAuthorized:
        return False


def render_organization(org: dict[str, Any], form: dict[str, Any] | None = None,
                        errors: dict[str, Any] | None = None):
    """The organization's KPI page (or its export); ``form``/``errors``: an
    assessment that failed to save, shown again with what was typed."""
    try:
        tk.check_access("opdc_kpi_score", _context(), {"id": org["id"]})
    except tk.NotAuthorized:
        return _login_or_403(tk._("Only the organization's members, sysadmins and "
                                  "assessors may see its KPI"))
    # the years offered count only what this viewer may see: private
    # datasets only for the full view (members, assessors of it, sysadmins)
    year, years = _year(basket_years(org["id"], public_only=not _full_view(org["id"])))
    if form:  # the year the refused form was for, when it is one
        try:
            year = inputs.fiscal_year(form.get("fiscal_year"), {})
        except tk.Invalid:
            pass
    params = {"id": org["id"], "fiscal_year": year}
    if _flag("live"):
        params["live"] = True
    report = tk.get_action("opdc_kpi_score")(dict(_context(), opdc_kpi_cached_report=True),
                                            params)
    fmt = _export_format()
    if fmt:
        return _organization_export(fmt, org, report, year)
    page, pages = _page_number(len(report["datasets"]), PAGE_SIZE)
    shown = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    datasets = report["datasets"][shown]
    rows = _dataset_rows({"datasets": datasets})
    may = ({part: False for part in assessment.PARTS} if report.get("public_only")
           else may_assess(_context()["user"], org["id"]))
    org_criterion_parts = {name: assessment.part_of(name)
                           for name in assessment.ORGANIZATION_CRITERIA}
    criteria = [{"name": name, "label": assessment.criterion_label(name, _lang()),
                 "part": spec[1], "level": spec[0], "kind": spec[2]}
                for name, spec in assessment.CRITERIA.items() if may.get(spec[1])]
    return tk.render("opdc_kpi/organization_kpi.html", extra_vars={
        "group_dict": org, "group_type": "organization", "am_following": False,
        "report": report, "year": year, "years": years, "parts": PARTS,
        "headline": progress.headline(report, _lang()),
        "plan": advice.fix_plan(report, _lang()),
        "page_datasets": list(zip(datasets, rows, _editable(org["id"], datasets))),
        "page": page, "pages": pages,
        "may_assess": may, "criteria": criteria, "org_criterion_parts": org_criterion_parts,
        "assessment_form": form or {},
        "assessment_errors": errors or {}})



@bp.route("/organization/<id>/kpi")
def organization(id: str):
    return render_organization(organization_or_404(id))


def get_blueprints() -> list[Blueprint]:
    return [bp]
