"""Who may ask how complete a dataset being typed is: whoever may edit it
(``id`` given) or create a dataset (in the form's organization). Sysadmins
pass every check before this runs."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def opdc_kpi_dataset_completeness(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    data_dict = data_dict or {}
    dataset = data_dict.get("dataset") if isinstance(data_dict.get("dataset"), dict) else {}
    try:
        if data_dict.get("id"):
            tk.check_access("package_update", context, {"id": data_dict["id"]})
        else:
            org = dataset.get("owner_org")
            tk.check_access("package_create", context,
                            {"owner_org": org} if isinstance(org, str) and org else {})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return {"success": False,
                "msg": tk._("Only those who may create or edit datasets may check one")}
    return {"success": True}


def opdc_kpi_dataset_name_propose(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The URL name a title would get: for whoever may edit the dataset
    (``id`` given) or create one in the organization given."""
    data_dict = data_dict or {}
    try:
        if data_dict.get("id"):
            tk.check_access("package_update", context, {"id": data_dict["id"]})
        else:
            org = data_dict.get("owner_org")
            tk.check_access("package_create", context,
                            {"owner_org": org} if isinstance(org, str) and org else {})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return {"success": False,
                "msg": tk._("Only those who may create or edit datasets may ask for a URL name")}
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_dataset_completeness": opdc_kpi_dataset_completeness,
            "opdc_kpi_dataset_name_propose": opdc_kpi_dataset_name_propose}
