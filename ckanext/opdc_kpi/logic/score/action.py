"""KPI actions: one organization's report computed from live catalog content
at call time; the list of every organization read from the stored figures."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.inputs import validate
from ckanext.opdc_kpi.logic.score import figures, report_cache, schema
from ckanext.opdc_kpi.logic.score.engine import score_organizations, score_rows
from ckanext.opdc_kpi.logic.score.reader import organization, organizations
from ckanext.opdc_kpi.model import snapshot


def _full_view(context: dict, org_id: str | None) -> bool:
    """Whether the caller may see private datasets in the report."""
    try:
        tk.check_access("opdc_kpi_score_private", context, {"id": org_id} if org_id else {})
        return True
    except tk.NotAuthorized:
        return False


@tk.side_effect_free
def opdc_kpi_score(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """An organization's OPDC Data Catalog KPI score, with the reason for every point.

    :param id: the organization's id or name
    :type id: string
    :param fiscal_year: Thai fiscal year (พ.ศ., e.g. 2565); default: the current one
    :type fiscal_year: int
    :param public_only: score only what the public API shows (default: false).
        Callers who may only see the public view always get it.
    :type public_only: bool
    :param live: the live report even when the year was frozen by
        ``opdc_kpi_snapshot_create`` (default: false: the frozen one, with
        ``snapshot`` saying when, by whom, and the live score)
    :type live: bool
    :returns: the report (see the README: organization, fiscal_year, score, level,
        parts, datasets)
    :rtype: dict
    """
    data = validate(data_dict, schema.score(), context)
    org = organization(data["id"])
    tk.check_access("opdc_kpi_score", context, {"id": org["id"]})
    public_only = bool(data.get("public_only")) or not _full_view(context, org["id"])
    fiscal_year = data.get("fiscal_year") or site.current_fiscal_year()
    def compute() -> dict[str, Any]:
        return score_organizations([org], fiscal_year=fiscal_year, public_only=public_only)[0]

    # the extension's pages ask for a cached report (valid while the
    # organization's stored figures are unchanged); API callers get it live
    live = (report_cache.report(org["id"], (org["id"], fiscal_year, public_only,
                                            site.request_language()), compute)
            if context.get("opdc_kpi_cached_report") else compute())
    if public_only or data.get("live"):
        return live
    # a year frozen at the deadline reads as frozen (the full view only:
    # a snapshot holds private datasets); the live report is one flag away
    frozen = snapshot.latest(org["id"], fiscal_year)
    if frozen is None:
        return live
    report = dict(frozen["report"])
    report["snapshot"] = {"id": frozen["id"], "created": frozen["created"],
                          "creator": frozen["creator"], "declaration": frozen["declaration"],
                          "live_score": live["score"], "live_level": live["level"],
                          "differs": live["score"] != report["score"]
                          or live["parts"] != report["parts"]}
    return report


@tk.side_effect_free
def opdc_kpi_score_list(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Every organization's score for one fiscal year, one row each (for assessors).

    :param fiscal_year: Thai fiscal year (พ.ศ.); default: the current one
    :type fiscal_year: int
    :param public_only: score only public datasets (default: false; always on
        for callers who are not assessors or sysadmins)
    :type public_only: bool
    :rtype: dict with ``fiscal_year`` and ``organizations`` (rows of
        organization, score, level, parts, basket)
    """
    data = validate(data_dict, schema.score_list(), context)
    tk.check_access("opdc_kpi_score_list", context, data)
    public_only = bool(data.get("public_only")) or not _full_view(context, None)
    fiscal_year = data.get("fiscal_year") or site.current_fiscal_year()
    if figures.enabled():   # kept current on every change (figures.py)
        rows = figures.score_list_rows(fiscal_year, public_only)
    else:
        rows = score_rows(organizations(), fiscal_year=fiscal_year, public_only=public_only)
    return {"fiscal_year": fiscal_year, "public_only": public_only, "organizations": rows}


def get_actions() -> dict[str, Any]:
    return {
        "opdc_kpi_score": opdc_kpi_score,
        "opdc_kpi_score_list": opdc_kpi_score_list,
    }
