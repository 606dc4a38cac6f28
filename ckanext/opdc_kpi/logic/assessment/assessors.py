"""Assessors managed by sysadmins (``opdc_kpi_assessor_*``), beside the
``ckanext.opdc_kpi.assessors`` config list (whose users assess every part of
every organization); an assessor may be limited to parts and organizations.
Who assesses what is decided in ``logic.access``."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import inputs
from ckanext.opdc_kpi.logic.access import PARTS, config_assessors
from ckanext.opdc_kpi.model import assessor as store


def _org_ids(values: Any) -> list[str]:
    ids = []
    for value in tk.aslist(values) if not isinstance(values, list) else values:
        org = model.Group.get(value)
        if org is None or not org.is_organization:
            raise tk.ValidationError({"organizations": [
                tk._("Organization not found: {name}").format(name=value)]})
        ids.append(org.id)
    return ids


def opdc_kpi_assessor_create(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Make a user an assessor (sysadmins), or change what they assess.

    :param user: user name or id
    :param parts: list of ``basic_standard`` and/or ``advanced`` (default both)
    :param organizations: organization names or ids (default: every organization)
    """
    tk.check_access("opdc_kpi_assessor_create", context, data_dict)
    v = tk.get_validator
    data = inputs.validate(data_dict, {
        "user": [v("not_empty"), v("unicode_safe")],
        "parts": [v("ignore_missing")], "organizations": [v("ignore_missing")],
        "__extras": [inputs.reject_unknown], "__junk": [inputs.reject_unknown],
    }, context)
    user = model.User.get(data["user"])
    if user is None or user.state == "deleted":
        raise tk.ValidationError({"user": [tk._(
            "No user “{name}”: give the user name someone logs in with (e.g. somchai_s), "
            "not the display name").format(name=data["user"])]})
    parts = data.get("parts") or list(PARTS)
    parts = tk.aslist(parts) if isinstance(parts, str) else list(parts)
    bad = [p for p in parts if p not in PARTS]
    if bad or not parts:
        raise tk.ValidationError({"parts": [
            tk._("Choose basic_standard and/or advanced")]})
    organizations = data.get("organizations")
    org_ids = _org_ids(organizations) if organizations else None
    creator = model.User.get(context.get("user") or "")
    store.replace(user.id, parts, org_ids, creator.id if creator else "")
    return {"user": user.name, "parts": parts, "organizations": org_ids}


def opdc_kpi_assessor_delete(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Stop a user being an assessor (sysadmins). :param user: name or id"""
    v = tk.get_validator
    data = inputs.validate(data_dict, {"user": [v("not_empty"), v("unicode_safe")],
                                       "__extras": [inputs.reject_unknown],
                                       "__junk": [inputs.reject_unknown]}, context)
    tk.check_access("opdc_kpi_assessor_delete", context, data)
    user = model.User.get(data["user"])
    if user is None:
        raise tk.ObjectNotFound(tk._("User not found"))
    store.delete(user.id)
    return {"user": user.name}


@tk.side_effect_free
def opdc_kpi_assessor_list(context: dict, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Every assessor (sysadmins): the managed ones and the config list's."""
    tk.check_access("opdc_kpi_assessor_list", context, data_dict)
    out = [{"user": name, "parts": list(PARTS), "organizations": None, "source": "config"}
           for name in config_assessors()]
    for row in store.all_rows():
        user = model.User.get(row.user_id)
        orgs = None
        if row.organizations is not None:
            orgs = [g.name for g in (model.Group.get(i) for i in row.organizations) if g]
        out.append({"user": user.name if user else row.user_id, "parts": list(row.parts),
                    "organizations": orgs, "source": "database"})
    return sorted(out, key=lambda a: a["user"])


def _sysadmins_only(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False, "msg": tk._("Only sysadmins manage assessors")}


def get_actions() -> dict[str, Any]:
    return {"opdc_kpi_assessor_create": opdc_kpi_assessor_create,
            "opdc_kpi_assessor_delete": opdc_kpi_assessor_delete,
            "opdc_kpi_assessor_list": opdc_kpi_assessor_list}


def get_auth_functions() -> dict[str, Any]:
    return {name: _sysadmins_only for name in get_actions()}
