"""Assessors' confirmations and overrides on the organization's KPI page:
``POST /organization/<id>/kpi/assessment`` (record one),
``POST /organization/<id>/kpi/assessment/<record>/delete`` (withdraw one) and
``/organization/<id>/kpi/assessments`` (the history, deleted records included).
The figures and the rules come from the ``opdc_kpi_confirmation_*`` actions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.site import request_language
from ckanext.opdc_kpi.scoring import assessment
from ckanext.opdc_kpi.views import kpi
from ckanext.opdc_kpi.views.common import answer_action_errors
from ckanext.opdc_kpi.views.common import context, login_or_403, organization_or_404

bp = answer_action_errors(Blueprint("opdc_kpi_assessment", __name__))
FIELDS = ("fiscal_year", "criterion", "dataset", "action", "value", "note")


def _back(org: dict[str, Any], year: Any):
    return tk.redirect_to("opdc_kpi.organization", id=org["name"], year=year)


@bp.route("/organization/<id>/kpi/assessment", methods=["POST"])
def create(id: str):
    org = organization_or_404(id)
    form = {name: tk.request.form.get(name, "").strip() for name in FIELDS}
    data = {"id": org["id"], "fiscal_year": form["fiscal_year"], "criterion": form["criterion"],
            "action": form["action"] or "override", "note": form["note"]}
    if form["dataset"]:
        data["dataset"] = form["dataset"]
    if form["value"] != "" and data["action"] == "override":
        data["value"] = form["value"]
    try:
        tk.get_action("opdc_kpi_confirmation_create")(context(), data)
    except tk.NotAuthorized as error:  # the auth function's reason
        return login_or_403(str(error))
    except tk.ValidationError as error:
        tk.h.flash_error(tk._("The assessment was not saved: see the form"))
        # the page again with what was typed and the field errors: a 400
        return kpi.render_organization(org, form=form, errors=error.error_dict), 400
    if data["action"] == "confirm":
        tk.h.flash_success(tk._("Confirmation recorded"))
    else:
        tk.h.flash_success(tk._("Override recorded"))
    return _back(org, form["fiscal_year"])


@bp.route("/organization/<id>/kpi/assessment/<record_id>/delete", methods=["POST"])
def delete(id: str, record_id: str):
    org = organization_or_404(id)
    try:
        record = tk.get_action("opdc_kpi_confirmation_delete")(context(),
                                                               {"id": record_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Assessment record not found"))
    except tk.NotAuthorized as error:  # the auth function's reason
        return login_or_403(str(error))
    tk.h.flash_success(tk._("Withdrawn: the record stays in the history"))
    return _back(org, record["fiscal_year"])


@bp.route("/organization/<id>/kpi/assessments")
def history(id: str):
    org = organization_or_404(id)
    year = tk.request.args.get("year", "").strip()
    data: dict[str, Any] = {"id": org["id"]}
    if year:
        data["fiscal_year"] = year
    try:
        records = tk.get_action("opdc_kpi_confirmation_list")(context(), data)
    except tk.NotAuthorized as error:
        return login_or_403(str(error))
    except tk.ValidationError:
        return tk.abort(400, tk._("Enter a fiscal year in the Buddhist era (พ.ศ.), e.g. 2565"))
    labels = {name: assessment.criterion_label(name, request_language())
              for name in assessment.CRITERIA}
    return tk.render("opdc_kpi/assessment_history.html", extra_vars={
        "group_dict": org, "group_type": "organization", "am_following": False,
        "records": records, "year": year, "labels": labels})


def get_blueprints() -> list[Blueprint]:
    return [bp]
