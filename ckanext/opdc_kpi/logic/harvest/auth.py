"""Who may run the harvest check. Sysadmins pass every check before this runs."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.access import assesses, assessor_record


def opdc_kpi_harvest_check(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Assessors of the organization (``id``; without one, any assessor:
    the check then covers the organizations they assess, the whole catalog
    for assessors of every organization), and an organization's admins for
    that organization; looking as another user (``as_user``) is for
    sysadmins (or that user)."""
    user = context.get("user")
    data_dict = data_dict or {}
    as_user = data_dict.get("as_user")
    if as_user and as_user != user:
        return {"success": False,
                "msg": tk._("Only sysadmins may check the catalog as another user")}
    org_id = data_dict.get("id")
    if assesses(user, org_id) or (not org_id and assessor_record(user) is not None):
        return {"success": True}
    if org_id and user and authz.has_user_permission_for_group_or_org(org_id, user, "admin"):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only sysadmins, assessors and the organization's admins may run "
                        "the harvest check")}


def opdc_kpi_harvest_check_last(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may run the check of the organization may read its last
    record; the whole catalog's record, assessors of every organization."""
    org_id = (data_dict or {}).get("id")
    if not org_id and not assesses(context.get("user"), None):
        return {"success": False,
                "msg": tk._("Only sysadmins and assessors of every organization may read "
                            "the whole catalog's harvest check")}
    return opdc_kpi_harvest_check(context, {"id": org_id})


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_harvest_check": opdc_kpi_harvest_check,
            "opdc_kpi_harvest_check_last": opdc_kpi_harvest_check_last}
