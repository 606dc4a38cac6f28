"""Frozen KPI results (``opdc_kpi_snapshot_create``): the full report of an
organization for a fiscal year, with its Template 1 declaration, stored at
the assessment deadline so later catalog edits do not change past years."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import action as kpi_action
from ckanext.opdc_kpi.logic import auth as kpi_auth
from ckanext.opdc_kpi.logic import reader, rules, schema

snapshot_table = sa.Table(
    "opdc_kpi_snapshot",
    tk.BaseModel.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("organization_id", sa.UnicodeText, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("creator_user_id", sa.UnicodeText, nullable=False),
    sa.Column("report", postgresql.JSONB, nullable=False),
    sa.Column("declaration", postgresql.JSONB, nullable=False),
    extend_existing=True,
)
DECLARATION = ("focus_areas", "focus_issue", "data_use_goal", "expected_users", "catalog_url")


def latest(organization_id: str, fiscal_year: int) -> dict[str, Any] | None:
    """The newest snapshot of an organization's year, or None."""
    row = model.Session.execute(
        sa.select(snapshot_table)
        .where(snapshot_table.c.organization_id == organization_id,
               snapshot_table.c.fiscal_year == fiscal_year)
        .order_by(snapshot_table.c.created.desc()).limit(1)).first()
    return _dictize(row) if row else None


def _dictize(row: Any) -> dict[str, Any]:
    user = model.User.get(row.creator_user_id)
    return {"id": row.id, "organization_id": row.organization_id,
            "fiscal_year": row.fiscal_year, "created": row.created.isoformat(),
            "creator": user.name if user else None, "report": row.report,
            "declaration": row.declaration}


def _snapshot_schema() -> dict[str, list]:
    v = tk.get_validator
    return {"id": [v("ignore_missing"), v("unicode_safe")],
            "fiscal_year": [v("not_empty"), schema.fiscal_year],
            "__extras": [schema.reject_unknown], "__junk": [schema.reject_unknown]}


def opdc_kpi_snapshot_create(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Freeze the full KPI report of one organization (``id``) or of every
    organization (no ``id``) for ``fiscal_year``. Assessors and sysadmins.

    :returns: ``{"fiscal_year", "snapshots": [{"id", "organization", "score", "level",
        "created"}]}``
    """
    data = schema.validate(data_dict, _snapshot_schema(), context)
    tk.check_access("opdc_kpi_snapshot_create", context, data)
    ids = [data["id"]] if data.get("id") else None
    orgs = reader.organizations(ids)
    if ids and not orgs:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Log in to freeze KPI results"))
    now = dt.datetime.utcnow()
    reports = kpi_action.score_organizations(orgs, fiscal_year=data["fiscal_year"],
                                             public_only=False)
    out = []
    for org, report in zip(orgs, reports):
        row = {"id": str(uuid.uuid4()), "organization_id": org["id"],
               "fiscal_year": data["fiscal_year"], "created": now, "creator_user_id": user.id,
               "report": report,
               "declaration": {k: org.get(k) for k in DECLARATION}}
        model.Session.execute(snapshot_table.insert().values(**row))
        out.append({"id": row["id"], "organization": report["organization"],
                    "score": report["score"], "level": report["level"],
                    "created": now.isoformat()})
    model.repo.commit()
    return {"fiscal_year": data["fiscal_year"], "snapshots": out}


def opdc_kpi_snapshot_create_auth(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    if kpi_auth.is_assessor(context.get("user"), (data_dict or {}).get("id")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only assessors and sysadmins may freeze KPI results")}


def get_actions() -> dict[str, Any]:
    return {"opdc_kpi_snapshot_create": opdc_kpi_snapshot_create}


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_snapshot_create": opdc_kpi_snapshot_create_auth}
