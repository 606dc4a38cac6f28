"""``/organization/<id>/harvest-check``: the organization's harvest check
page (the panel the KPI page also shows). GET shows a fresh check without
recording it; POST runs one and records it (the baseline of "gone"), except
when search is unavailable (Solr down): then it says so and records nothing."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.views.common import answer_action_errors
from ckanext.opdc_kpi.views.common import context as _context
from ckanext.opdc_kpi.views.common import organization_or_404, require

bp = answer_action_errors(
    Blueprint("opdc_kpi_harvest", __name__, url_prefix="/organization"))


def _allowed(org_id: str) -> None:
    require("opdc_kpi_harvest_check", org_id, tk._("Log in to see the harvest check"),
            tk._("Only sysadmins, assessors and the organization's admins may run "
                 "the harvest check"))


@bp.route("/<id>/harvest-check", methods=["GET", "POST"])
def harvest_check(id: str):
    org = organization_or_404(id)
    _allowed(org["id"])
    record = tk.request.method == "POST"
    result = tk.get_action("opdc_kpi_harvest_check")(
        _context(), {"id": org["id"], "record": record})
    if record and result.get("search_unavailable"):
        tk.h.flash_error(tk._("Search is unavailable: the harvest check was not recorded. "
                              "Run it again when search is back."))
    elif record:
        tk.h.flash_success(tk._("Harvest check recorded: the next check reports the "
                                "datasets gone since now"))
        return tk.h.redirect_to("opdc_kpi_harvest.harvest_check", id=org["name"])
    return tk.render("opdc_kpi/harvest_check.html", extra_vars={
        "group_dict": org, "group_type": "organization", "am_following": False,
        "result": result})


def get_blueprints() -> list[Blueprint]:
    return [bp]
