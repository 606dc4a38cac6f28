"""Frozen KPI results (``opdc_kpi_snapshot_create``): the full report of an
organization for a fiscal year, with its Template 1 declaration, stored at
the assessment deadline so later catalog edits do not change past years."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import access, inputs
from ckanext.opdc_kpi.logic.score import organizations, score_organizations
from ckanext.opdc_kpi.model import snapshot as store

DECLARATION = ("focus_areas", "focus_issue", "data_use_goal", "expected_users", "catalog_url")


def _snapshot_schema() -> dict[str, list]:
    v = tk.get_validator
    return {"id": [v("ignore_missing"), v("unicode_safe")],
            "fiscal_year": [v("not_empty"), inputs.fiscal_year],
            "__extras": [inputs.reject_unknown], "__junk": [inputs.reject_unknown]}


def opdc_kpi_snapshot_create(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Freeze the full KPI report of one organization (``id``) or of every
    organization (no ``id``) for ``fiscal_year``. Assessors and sysadmins.

    :returns: ``{"fiscal_year", "snapshots": [{"id", "organization", "score", "level",
        "created"}]}``
    """
    data = inputs.validate(data_dict, _snapshot_schema(), context)
    tk.check_access("opdc_kpi_snapshot_create", context, data)
    ids = [data["id"]] if data.get("id") else None
    orgs = organizations(ids)
    if ids and not orgs:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Log in to freeze KPI results"))
    now = dt.datetime.utcnow()
    reports = score_organizations(orgs, fiscal_year=data["fiscal_year"],
                                             public_only=False)
    out = []
    for org, report in zip(orgs, reports):
        row = {"id": str(uuid.uuid4()), "organization_id": org["id"],
               "fiscal_year": data["fiscal_year"], "created": now, "creator_user_id": user.id,
               "report": report,
               "declaration": {k: org.get(k) for k in DECLARATION}}
        store.insert(row)
        out.append({"id": row["id"], "organization": report["organization"],
                    "score": report["score"], "level": report["level"],
                    "created": now.isoformat()})
    model.repo.commit()
    return {"fiscal_year": data["fiscal_year"], "snapshots": out}


def opdc_kpi_snapshot_create_auth(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    if access.assesses(context.get("user"), (data_dict or {}).get("id")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only assessors and sysadmins may freeze KPI results")}


def get_actions() -> dict[str, Any]:
    return {"opdc_kpi_snapshot_create": opdc_kpi_snapshot_create}


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_snapshot_create": opdc_kpi_snapshot_create_auth}
