"""Who may run the harvest check. Sysadmins pass every check before this runs."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.access import assesses


def opdc_kpi_harvest_check(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Assessors of the organization (``id``; without one, the whole
    catalog: assessors of every organization only), and an organization's
    admins for that organization; looking as another user (``as_user``) is
    for sysadmins (or that user)."""
    user = context.get("user")
    data_dict = data_dict or {}
    as_user = data_dict.get("as_user")
    if as_user and as_user != user:
        return {"success": False,
                "msg": tk._("Only sysadmins may check the catalog as another user")}
    org_id = data_dict.get("id")
    if assesses(user, org_id):
        return {"success": True}
    if org_id and user and authz.has_user_permission_for_group_or_org(org_id, user, "admin"):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only sysadmins, assessors and the organization's admins may run "
                        "the harvest check")}


def opdc_kpi_harvest_check_last(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may run the check may read its last record."""
    return opdc_kpi_harvest_check(context, {"id": (data_dict or {}).get("id")})


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_harvest_check": opdc_kpi_harvest_check,
            "opdc_kpi_harvest_check_last": opdc_kpi_harvest_check_last}
