"""Who may see KPI scores. Sysadmins pass every check before these run.

- the full report (private datasets included): the organization's members
  (any capacity), its assessors and sysadmins;
- the public view: everyone, when ``ckanext.opdc_kpi.public_scores`` is on.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import access


@tk.auth_allow_anonymous_access
def opdc_kpi_score_private(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The full report of one organization (``id``), or of all (no ``id``)."""
    if access.sees_full_report(context.get("user"), (data_dict or {}).get("id")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only members of the organization and assessors "
                                          "may see its full KPI report")}


@tk.auth_allow_anonymous_access
def opdc_kpi_score(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    if access.public_scores() or opdc_kpi_score_private(context, data_dict)["success"]:
        return {"success": True}
    return {"success": False, "msg": tk._("Not allowed to see this organization's KPI score")}


@tk.auth_allow_anonymous_access
def opdc_kpi_score_list(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    if access.public_scores() or access.assesses(context.get("user")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only assessors may list every organization's KPI score")}


def get_auth_functions() -> dict[str, Any]:
    return {
        "opdc_kpi_score": opdc_kpi_score,
        "opdc_kpi_score_list": opdc_kpi_score_list,
        "opdc_kpi_score_private": opdc_kpi_score_private,
    }
