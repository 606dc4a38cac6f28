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
#: the form's fields: ``value_bool`` (ผ่าน/ไม่ผ่าน) and ``value_tier`` (0-3) are the
#: value lists of the two kinds of criterion; ``value`` (either kind) is still read
FIELDS = ("fiscal_year", "criterion", "dataset", "action", "value", "value_bool",
          "value_tier", "note")
_LIST_OF_KIND = {"bool": "value_bool", "tier": "value_tier"}


def _back(org: dict[str, Any], year: Any):
    # "#top": a page reached from a form posted to "...#opdc-kpi-assessment-form"
    # would keep that fragment through the redirect; the saved record's
    # message is at the top
    return tk.redirect_to("opdc_kpi.organization", id=org["name"], year=year, _anchor="top")


def _kind_message(criterion: str) -> str:
    """What the value of ``criterion`` is, in the form's own words."""
    label = assessment.criterion_label(criterion, request_language())
    if assessment.CRITERIA[criterion][2] == "tier":
        return tk._("“{criterion}” is assessed by tier: choose a tier from 0 to 3 in the "
                    "tier list").format(criterion=label)
    return tk._("“{criterion}” is passed or not passed: choose Passed or Not passed in the "
                "pass/fail list").format(criterion=label)


def _value(form: dict[str, str]) -> tuple[str, str | None]:
    """The override's value from the list of the criterion's kind (the
    plain ``value`` when neither list was sent), and a message when only the
    other kind's list holds one."""
    criterion = form["criterion"]
    if criterion not in assessment.CRITERIA:
        return form["value"] or form["value_bool"] or form["value_tier"], None
    own = _LIST_OF_KIND[assessment.CRITERIA[criterion][2]]
    other = "value_tier" if own == "value_bool" else "value_bool"
    if form[own]:
        return form[own], None
    if form["value"]:
        form[own] = form["value"]  # shown again in its list
        return form["value"], None
    if form[other]:
        return "", _kind_message(criterion)
    return "", None


@bp.route("/organization/<id>/kpi/assessment", methods=["POST"])
def create(id: str):
    org = organization_or_404(id)
    form = {name: tk.request.form.get(name, "").strip() for name in FIELDS}
    data = {"id": org["id"], "fiscal_year": form["fiscal_year"], "criterion": form["criterion"],
            "action": form["action"] or "override", "note": form["note"]}
    if form["dataset"]:
        data["dataset"] = form["dataset"]
    value, wrong_list = _value(form)
    if value != "" and data["action"] == "override":
        data["value"] = value
    try:
        tk.get_action("opdc_kpi_confirmation_create")(context(), data)
    except tk.NotAuthorized as error:  # the auth function's reason
        return login_or_403(str(error))
    except tk.ValidationError as error:
        errors = dict(error.error_dict)
        if "value" in errors and form["criterion"] in assessment.CRITERIA:
            # the lists' labels, not the API's true/false
            errors["value"] = [wrong_list or (_kind_message(form["criterion"])
                                              if "value" in data else errors["value"][0])]
        tk.h.flash_error(tk._("The assessment was not saved: see the form"))
        # the page again with what was typed and the field errors: a 400
        return kpi.render_organization(org, form=form, errors=errors), 400
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
