"""Who may import workbooks into an organization: its admins (sysadmins
pass every check before this runs)."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk


def opdc_kpi_workbook_import(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    org_id = (data_dict or {}).get("id")
    user = context.get("user")
    if user and org_id and authz.has_user_permission_for_group_or_org(org_id, user, "admin"):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only sysadmins and the organization's admins may import workbooks")}


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_workbook_import": opdc_kpi_workbook_import}
