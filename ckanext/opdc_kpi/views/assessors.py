"""``/ckan-admin/opdc-kpi/assessors``: sysadmins manage who assesses which
parts of which organizations (the config list is shown, not editable)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.views.common import answer_action_errors
from ckanext.opdc_kpi.views.common import context as _context

bp = answer_action_errors(Blueprint("opdc_kpi_assessors", __name__))


@bp.route("/ckan-admin/opdc-kpi/assessors", methods=["GET", "POST"])
def assessors():
    try:
        tk.check_access("opdc_kpi_assessor_list", _context(), {})
    except tk.NotAuthorized:
        if not tk.current_user.is_authenticated:
            return tk.redirect_to("user.login", came_from=tk.request.full_path)
        return tk.abort(403, tk._("Only sysadmins manage assessors"))
    errors: dict[str, Any] = {}
    form: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        try:
            if form.get("remove"):
                tk.get_action("opdc_kpi_assessor_delete")(_context(), {"user": form["remove"]})
                tk.h.flash_success(tk._("Assessor removed"))
            else:
                data = {"user": form.get("user", "").strip(),
                        "parts": form.getlist("parts")}
                if not data["parts"]:   # no box ticked: not "both" by default
                    raise tk.ValidationError({"parts": [
                        tk._("Tick at least one part: basic and standard, or advanced")]})
                organizations = [o for o in form.getlist("organizations") if o]
                scope = form.get("scope", "")
                if scope == "some" and not organizations:
                    raise tk.ValidationError({"organizations": [
                        tk._("Tick the organizations this assessor assesses, or choose "
                             "every organization")]})
                if organizations and scope != "all":
                    data["organizations"] = organizations
                tk.get_action("opdc_kpi_assessor_create")(_context(), data)
                tk.h.flash_success(tk._("Assessor saved"))
            return tk.redirect_to("opdc_kpi_assessors.assessors")
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.ObjectNotFound as error:
            errors = {"user": [str(error) or tk._("User not found")]}
    return tk.render("opdc_kpi/assessors.html", extra_vars={
        "assessors": tk.get_action("opdc_kpi_assessor_list")(_context(), {}),
        "organizations": tk.get_action("organization_list")(_context(), {"all_fields": True}),
        "errors": errors, "form": form}), 400 if errors else 200


def get_blueprints() -> list[Blueprint]:
    return [bp]
