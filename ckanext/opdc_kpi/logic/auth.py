"""Who may see KPI scores. Sysadmins pass every check before these run.

- the full report (private datasets included): the organization's members
  (any capacity), assessors (``ckanext.opdc_kpi.assessors``) and sysadmins;
- the public view: everyone, when ``ckanext.opdc_kpi.public_scores`` is on.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk


def is_assessor(user_name: str | None, org_id: str | None = None) -> bool:
    """An assessor of ``org_id`` (of every organization when None): from the
    ``ckanext.opdc_kpi.assessors`` list or managed by sysadmins."""
    from ckanext.opdc_kpi.logic import assessor

    return assessor.assesses(user_name, org_id)


def _public_scores() -> bool:
    return tk.asbool(tk.config.get("ckanext.opdc_kpi.public_scores"))


def _is_member(user_name: str | None, org_id: str | None) -> bool:
    if not user_name or not org_id:
        return False
    return authz.has_user_permission_for_group_or_org(org_id, user_name, "read")


@tk.auth_allow_anonymous_access
def opdc_kpi_score_private(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The full report of one organization (``id``), or of all (no ``id``)."""
    user = context.get("user")
    org_id = (data_dict or {}).get("id")
    if is_assessor(user, org_id) or (org_id and _is_member(user, org_id)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only members of the organization and assessors "
                                          "may see its full KPI report")}


@tk.auth_allow_anonymous_access
def opdc_kpi_score(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    if _public_scores() or opdc_kpi_score_private(context, data_dict)["success"]:
        return {"success": True}
    return {"success": False, "msg": tk._("Not allowed to see this organization's KPI score")}


@tk.auth_allow_anonymous_access
def opdc_kpi_score_list(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    if _public_scores() or is_assessor(context.get("user")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only assessors may list every organization's KPI score")}


def get_auth_functions() -> dict[str, Any]:
    return {
        "opdc_kpi_score": opdc_kpi_score,
        "opdc_kpi_score_list": opdc_kpi_score_list,
        "opdc_kpi_score_private": opdc_kpi_score_private,
    }
