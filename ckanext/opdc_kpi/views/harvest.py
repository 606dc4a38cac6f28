"""``/organization/<id>/harvest-check``: the organization's harvest check
page (the panel the KPI page also shows). GET shows a fresh check without
recording it; POST runs one and records it (the baseline of "gone")."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.views.common import context as _context
from ckanext.opdc_kpi.views.common import organization_or_404

bp = Blueprint("opdc_kpi_harvest", __name__, url_prefix="/organization")


def _allowed(org_id: str) -> None:
    try:
        tk.check_access("opdc_kpi_harvest_check", _context(), {"id": org_id})
    except tk.NotAuthorized:
        if not tk.current_user.is_authenticated:
            tk.abort(401, tk._("Log in to see the harvest check"))
        tk.abort(403, tk._("Only sysadmins, assessors and the organization's admins may run "
                           "the harvest check"))


@bp.route("/<id>/harvest-check", methods=["GET", "POST"])
def harvest_check(id: str):
    org = organization_or_404(id)
    _allowed(org["id"])
    record = tk.request.method == "POST"
    result = tk.get_action("opdc_kpi_harvest_check")(
        _context(), {"id": org["id"], "record": record})
    if record:
        tk.h.flash_success(tk._("Harvest check recorded: the next check reports the "
                                "datasets gone since now"))
        return tk.h.redirect_to("opdc_kpi_harvest.harvest_check", id=org["name"])
    return tk.render("opdc_kpi/harvest_check.html", extra_vars={
        "group_dict": org, "group_type": "organization", "am_following": False,
        "result": result})


def get_blueprints() -> list[Blueprint]:
    return [bp]
