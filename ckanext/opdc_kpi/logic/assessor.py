"""Assessors managed by sysadmins (``opdc_kpi_assessor_*``), beside the
``ckanext.opdc_kpi.assessors`` config list (whose users assess every part of
every organization). The seed splits the work: NSO checks basic/standard,
DGA advanced, OPDC everything; an assessor may be limited to organizations."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import schema as kpi_schema

PARTS = ("basic_standard", "advanced")

assessor_table = sa.Table(
    "opdc_kpi_assessor",
    tk.BaseModel.metadata,
    sa.Column("user_id", sa.UnicodeText, primary_key=True),
    sa.Column("parts", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("organizations", postgresql.ARRAY(sa.UnicodeText), nullable=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("creator_user_id", sa.UnicodeText, nullable=False),
    extend_existing=True,
)


def _config_assessors() -> list[str]:
    return tk.aslist(tk.config.get("ckanext.opdc_kpi.assessors"))


def record(user_name: Optional[str]) -> Optional[dict[str, Any]]:
    """The user's assessor record: ``{"parts", "organizations"}`` (None for
    organizations means all), or None when the user assesses nothing."""
    if not user_name:
        return None
    if user_name in _config_assessors():
        return {"parts": list(PARTS), "organizations": None, "source": "config"}
    user = model.User.get(user_name)
    if user is None:
        return None
    try:
        row = model.Session.execute(
            sa.select(assessor_table).where(assessor_table.c.user_id == user.id)).first()
    except sa.exc.ProgrammingError:  # the table is not migrated yet
        model.Session.rollback()
        return None
    if row is None:
        return None
    return {"parts": list(row.parts), "organizations": list(row.organizations)
            if row.organizations is not None else None, "source": "database"}


def assesses(user_name: Optional[str], org_id: Optional[str] = None,
             part: Optional[str] = None) -> bool:
    """Whether the user assesses ``part`` (any when None) of ``org_id``
    (every organization when None: then only assessors of all of them)."""
    found = record(user_name)
    if found is None:
        return False
    if part is not None and part not in found["parts"]:
        return False
    orgs = found["organizations"]
    if orgs is None:
        return True
    return org_id is not None and org_id in orgs


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
    data = kpi_schema.validate(data_dict, {
        "user": [v("not_empty"), v("unicode_safe")],
        "parts": [v("ignore_missing")], "organizations": [v("ignore_missing")],
        "__extras": [kpi_schema.reject_unknown], "__junk": [kpi_schema.reject_unknown],
    }, context)
    user = model.User.get(data["user"])
    if user is None:
        raise tk.ValidationError({"user": [tk._("User not found")]})
    parts = data.get("parts") or list(PARTS)
    parts = tk.aslist(parts) if isinstance(parts, str) else list(parts)
    bad = [p for p in parts if p not in PARTS]
    if bad or not parts:
        raise tk.ValidationError({"parts": [
            tk._("Choose basic_standard and/or advanced")]})
    organizations = data.get("organizations")
    org_ids = _org_ids(organizations) if organizations else None
    creator = model.User.get(context.get("user") or "")
    table = assessor_table
    model.Session.execute(table.delete().where(table.c.user_id == user.id))
    model.Session.execute(table.insert().values(
        user_id=user.id, parts=parts, organizations=org_ids, created=dt.datetime.utcnow(),
        creator_user_id=creator.id if creator else ""))
    model.repo.commit()
    return {"user": user.name, "parts": parts, "organizations": org_ids}


def opdc_kpi_assessor_delete(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Stop a user being an assessor (sysadmins). :param user: name or id"""
    tk.check_access("opdc_kpi_assessor_delete", context, data_dict)
    user = model.User.get((data_dict or {}).get("user") or "")
    if user is None:
        raise tk.ObjectNotFound(tk._("User not found"))
    model.Session.execute(assessor_table.delete().where(assessor_table.c.user_id == user.id))
    model.repo.commit()
    return {"user": user.name}


@tk.side_effect_free
def opdc_kpi_assessor_list(context: dict, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Every assessor (sysadmins): the managed ones and the config list's."""
    tk.check_access("opdc_kpi_assessor_list", context, data_dict)
    out = [{"user": name, "parts": list(PARTS), "organizations": None, "source": "config"}
           for name in _config_assessors()]
    rows = model.Session.execute(sa.select(assessor_table)).all()
    for row in rows:
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
