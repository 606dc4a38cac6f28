"""Who is who for the KPI: assessors (the ``ckanext.opdc_kpi.assessors``
list, whose users assess every part of every organization, and those named
by sysadmins, per part and organization), members of an organization, and
whether scores are public. Auth functions decide with these; they never
work. The seed splits the work: NSO checks basic/standard, DGA advanced,
OPDC everything."""
from __future__ import annotations

from typing import Any, Iterable, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.model import assessor as assessor_store

PARTS = ("basic_standard", "advanced")


def config_assessors() -> list[str]:
    return tk.aslist(tk.config.get("ckanext.opdc_kpi.assessors"))


def assessor_record(user_name: Optional[str]) -> Optional[dict[str, Any]]:
    """The user's assessor record: ``{"parts", "organizations", "source"}``
    (None for organizations means all), or None when the user assesses nothing."""
    if not user_name:
        return None
    if user_name in config_assessors():
        return {"parts": list(PARTS), "organizations": None, "source": "config"}
    user = model.User.get(user_name)
    if user is None:
        return None
    row = assessor_store.row_of(user.id)
    if row is None:
        return None
    return {"parts": list(row.parts), "organizations": list(row.organizations)
            if row.organizations is not None else None, "source": "database"}


def assesses(user_name: Optional[str], org_id: Optional[str] = None,
             part: Optional[str] = None) -> bool:
    """Whether the user assesses ``part`` (any when None) of ``org_id``
    (every organization when None: then only assessors of all of them)."""
    found = assessor_record(user_name)
    if found is None:
        return False
    if part is not None and part not in found["parts"]:
        return False
    orgs = found["organizations"]
    if orgs is None:
        return True
    return org_id is not None and org_id in orgs


def is_member(user_name: Optional[str], org_id: Optional[str], capacity: str = "read") -> bool:
    """A member of the organization with at least this permission."""
    if not user_name or not org_id:
        return False
    return authz.has_user_permission_for_group_or_org(org_id, user_name, capacity)


def public_scores() -> bool:
    return tk.asbool(tk.config.get("ckanext.opdc_kpi.public_scores"))


def sees_full_report(user_name: Optional[str], org_id: Optional[str]) -> bool:
    """The full report of one organization (``org_id``) or of all (None):
    its members (any capacity) and its assessors. Sysadmins are admitted by
    CKAN before any auth function runs."""
    return assesses(user_name, org_id) or (bool(org_id) and is_member(user_name, org_id))


def readable_datasets(context: dict[str, Any], ids: Iterable[Optional[str]]) -> set[str]:
    """Which of the datasets ``ids`` the context's user may read now
    (``package_show``'s auth): public active ones without a check, the
    others one by one."""
    wanted = {pid for pid in ids if pid}
    if not wanted:
        return set()
    rows = model.Session.query(model.Package.id, model.Package.private,
                               model.Package.state).filter(model.Package.id.in_(wanted))
    auth_context = {"user": context.get("user") or "",
                    "ignore_auth": bool(context.get("ignore_auth"))}
    out = set()
    for pid, private, state in rows:
        if state == "active" and not private:
            out.add(pid)
            continue
        try:
            tk.check_access("package_show", dict(auth_context), {"id": pid})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            continue
        out.add(pid)
    return out
