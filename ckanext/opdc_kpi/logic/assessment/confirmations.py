"""Assessors' confirmations and overrides (``opdc_kpi_confirmation_create``,
``_list``, ``_delete``): per (organization, fiscal year, dataset or
organization, criterion), what an assessor confirmed or set instead of the
computed value, with a note, who and when. History is kept: a newer record
supersedes an older one, a deleted one is only marked (the newest record not
deleted counts). ``opdc_kpi_score`` applies them in the full view only.

Which criteria exist, their parts and values: ``scoring.assessment``.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import access, inputs
from ckanext.opdc_kpi.logic.score import organization, score_organizations, touch_figures
from ckanext.opdc_kpi.model import confirmation as store
from ckanext.opdc_kpi.scoring import assessment

def _dictize(row: Any, current_ids: set[str], readable: set[str]) -> dict[str, Any]:
    """A record as the actions return it. Its dataset's name and title are
    read now (the dataset may have moved to another organization or turned
    private since): shown only when the caller may read the dataset now
    (``readable``), else its id only."""
    org = model.Group.get(row.organization_id)
    shown = row.package_id in readable
    return {
        "id": row.id,
        "organization": org.name if org else row.organization_id,
        "fiscal_year": row.fiscal_year,
        "dataset": row.package_name if shown else None, "dataset_id": row.package_id,
        "dataset_title": row.package_title if shown else None,
        "criterion": row.criterion, "part": assessment.part_of(row.criterion),
        "action": row.action, "value": row.value, "note": row.note,
        "user": row.user_name or row.user_id, "created": store.iso(row.created),
        "deleted": store.iso(row.deleted), "deleted_by": row.deleter_name or row.deleted_by,
        "current": row.id in current_ids,
    }


def _readable(context: dict, rows: list[Any]) -> set[str]:
    """The ids of the records' datasets the caller may read now."""
    return access.readable_datasets(context, {row.package_id for row in rows})


def _current_ids(rows: list[Any]) -> set[str]:
    found = assessment.current(store.engine_record(row) for row in rows)
    return {str(record["id"]) for record in found.values()}


def _create_schema() -> dict[str, list]:
    v = tk.get_validator
    return {
        "id": [v("not_empty"), v("unicode_safe")],
        "fiscal_year": [v("not_empty"), inputs.fiscal_year],
        "dataset": [v("ignore_missing"), v("unicode_safe")],
        "criterion": [v("not_empty"), v("unicode_safe"), inputs.choice(
            assessment.CRITERIA, tk._("Choose a criterion: {choices}").format(
                choices=", ".join(assessment.CRITERIA)))],
        "action": [v("ignore_missing"), v("unicode_safe"), inputs.choice(
            assessment.ACTIONS, tk._("Choose confirm or override"))],
        "value": [v("ignore_missing")],
        "note": [v("ignore_missing"), v("unicode_safe")],
        "__extras": [inputs.reject_unknown], "__junk": [inputs.reject_unknown],
    }


def _dataset_of(org: dict[str, Any], value: Any) -> model.Package:
    pkg = model.Package.get(value) if value else None
    if pkg is None or pkg.state == "deleted" or pkg.owner_org != org["id"]:
        raise tk.ValidationError({"dataset": [
            tk._("Not a dataset of this organization: {name}").format(name=value)]})
    return pkg


def _computed(org: dict[str, Any], fiscal_year: int, dataset_id: Optional[str],
              criterion: str) -> Any:
    """What the catalog says about the criterion now (None: it does not apply)."""
    probe = {"id": "probe", "dataset": dataset_id, "criterion": criterion,
             "action": "confirm", "value": None, "created": ""}
    report = score_organizations([org], fiscal_year=fiscal_year, public_only=False,
                                            records={org["id"]: [probe]})[0]
    return report["assessments"][0]["computed"]


def opdc_kpi_confirmation_create(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Record an assessor's confirmation or override of one criterion.

    :param id: the organization's id or name
    :param fiscal_year: the Thai fiscal year (พ.ศ.)
    :param dataset: the dataset's id or name (for the dataset criteria:
        complete, single_source_of_truth, searchable_text, access,
        granularity, format, openness, use_evidence; none for the
        organization's: basic, catalog, use)
    :param criterion: what is assessed
    :param action: ``confirm`` (agree with the computed value; the default
        without a value) or ``override`` (the default with a value)
    :param value: the override: true/false, or a tier 0..3
    :param note: why (required for an override)
    :returns: the record (see ``opdc_kpi_confirmation_list``)

    Assessors of the criterion's part (basic_standard or advanced) for the
    organization, and sysadmins. Nothing is replaced: the newest counts.
    """
    data = inputs.validate(data_dict, _create_schema(), context)
    org = organization(data["id"])
    criterion = data["criterion"]
    tk.check_access("opdc_kpi_confirmation_create", context,
                    {"id": org["id"], "criterion": criterion})
    action = data.get("action") or ("override" if "value" in data else "confirm")
    errors: dict[str, list[str]] = {}
    dataset_id = None
    if assessment.level_of(criterion) == assessment.DATASET:
        if not data.get("dataset"):
            errors["dataset"] = [tk._("Choose the dataset this criterion is about")]
        else:
            try:
                dataset_id = _dataset_of(org, data["dataset"]).id
            except tk.ValidationError as error:
                errors.update(error.error_dict)
    elif data.get("dataset"):
        errors["dataset"] = [tk._("This criterion is about the organization, not a dataset")]
    value: Any = None
    if action == "override":
        if data.get("value") in (None, ""):
            errors["value"] = [tk._("Give the value that replaces the computed one")]
        else:
            try:
                value = assessment.parse_value(criterion, data["value"])
            except ValueError:
                kind = assessment.CRITERIA[criterion][2]
                errors["value"] = [tk._("Enter a tier from 0 to 3") if kind == "tier"
                                   else tk._("Enter true (passed) or false (not passed)")]
        if not (data.get("note") or "").strip():
            errors["note"] = [tk._("Say why the computed value is replaced")]
    if errors:
        raise tk.ValidationError(errors)
    computed = _computed(org, data["fiscal_year"], dataset_id, criterion)
    if computed is None:
        raise tk.ValidationError({"dataset" if dataset_id else "criterion": [
            tk._("This criterion does not apply here: the dataset is not in the "
                 "{year} basket, or is not public-category, or (granularity and "
                 "format) is not structured").format(year=data["fiscal_year"])]})
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Log in to record an assessment"))
    row = {"id": str(uuid.uuid4()), "organization_id": org["id"],
           "fiscal_year": data["fiscal_year"], "package_id": dataset_id,
           "criterion": criterion, "action": action,
           "value": value if action == "override" else computed,
           "note": (data.get("note") or "").strip(), "user_id": user.id,
           "created": dt.datetime.utcnow()}
    model.Session.execute(store.confirmation_table.insert().values(**row))
    touch_figures(org["id"])
    model.repo.commit()
    stored = store.rows_where(store.confirmation_table.c.id == row["id"])[0]
    return _dictize(stored, {row["id"]}, _readable(context, [stored]))


def _list_schema() -> dict[str, list]:
    v = tk.get_validator
    return {
        "id": [v("not_empty"), v("unicode_safe")],
        "fiscal_year": [v("ignore_missing"), inputs.fiscal_year],
        "dataset": [v("ignore_missing"), v("unicode_safe")],
        "criterion": [v("ignore_missing"), v("unicode_safe")],
        "current_only": [v("ignore_missing"), inputs.boolean],
        "__extras": [inputs.reject_unknown], "__junk": [inputs.reject_unknown],
    }


@tk.side_effect_free
def opdc_kpi_confirmation_list(context: dict, data_dict: dict[str, Any]
                               ) -> list[dict[str, Any]]:
    """The confirmations and overrides of an organization, newest first,
    with the history (superseded and deleted records, ``current`` marking
    the ones that count).

    :param id: the organization's id or name
    :param fiscal_year: only this year (พ.ศ.)
    :param dataset: only this dataset (id or name)
    :param criterion: only this criterion
    :param current_only: only the records that count (default false)

    Whoever may see the organization's full KPI report. A record's
    ``dataset`` (name) and ``dataset_title`` are the dataset's now, given only
    when the caller may read it now (else None: ``dataset_id`` only).
    """
    data = inputs.validate(data_dict, _list_schema(), context)
    org = organization(data["id"])
    tk.check_access("opdc_kpi_confirmation_list", context, {"id": org["id"]})
    t = store.confirmation_table
    where = [t.c.organization_id == org["id"]]
    if data.get("fiscal_year"):
        where.append(t.c.fiscal_year == data["fiscal_year"])
    if data.get("dataset"):
        # by name only a dataset the caller may read (a name of another is no
        # key to its id); by id any
        pkg = model.Package.get(data["dataset"])
        readable = pkg is not None and pkg.id in access.readable_datasets(context, [pkg.id])
        where.append(t.c.package_id == (pkg.id if readable else data["dataset"]))
    if data.get("criterion"):
        where.append(t.c.criterion == data["criterion"])
    rows = store.rows_where(sa.and_(*where))
    by_year: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_year[row.fiscal_year].append(row)
    current = set().union(*(_current_ids(year_rows) for year_rows in by_year.values()))
    readable = _readable(context, rows)
    out = [_dictize(row, current, readable) for row in reversed(rows)]
    if data.get("current_only"):
        out = [record for record in out if record["current"]]
    return out


def opdc_kpi_confirmation_delete(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Withdraw a confirmation or override (it stays in the history, marked
    deleted, with who and when; the record before it counts again).

    :param id: the record's id
    """
    inputs.reject_nul(data_dict)
    record_id = (data_dict or {}).get("id")
    row = store.rows_where(store.confirmation_table.c.id == str(record_id or ""))
    if not record_id or not row:
        raise tk.ObjectNotFound(tk._("Assessment record not found"))
    row = row[0]
    tk.check_access("opdc_kpi_confirmation_delete", context, {"id": row.id})
    if row.deleted is None:
        user = model.User.get(context.get("user") or "")
        model.Session.execute(store.confirmation_table.update()
                              .where(store.confirmation_table.c.id == row.id)
                              .values(deleted=dt.datetime.utcnow(),
                                      deleted_by=user.id if user else ""))
        touch_figures(row.organization_id)
        model.repo.commit()
        row = store.rows_where(store.confirmation_table.c.id == row.id)[0]
    return _dictize(row, set(), _readable(context, [row]))


# --- auth -------------------------------------------------------------------

def _may_assess(user: Optional[str], org_id: Optional[str], criterion: Any) -> dict[str, Any]:
    part = assessment.part_of(criterion) if isinstance(criterion, str) else None
    if org_id and access.assesses(user, org_id, part):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only assessors of this part of the KPI and sysadmins may confirm or override it")}


def _org_id(value: Any) -> Optional[str]:
    group = model.Group.get(value) if value else None
    return group.id if group is not None and group.is_organization else None


def confirmation_create_auth(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    data = data_dict or {}
    return _may_assess(context.get("user"), _org_id(data.get("id")), data.get("criterion"))


def confirmation_delete_auth(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    found = model.Session.execute(sa.select(
        store.confirmation_table.c.organization_id, store.confirmation_table.c.criterion)
        .where(store.confirmation_table.c.id == str((data_dict or {}).get("id") or ""))).first()
    if found is None:
        return {"success": False, "msg": tk._("Assessment record not found")}
    return _may_assess(context.get("user"), found.organization_id, found.criterion)


@tk.auth_allow_anonymous_access
def confirmation_list_auth(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    org_id = _org_id((data_dict or {}).get("id"))
    if org_id and access.sees_full_report(context.get("user"), org_id):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only members of the organization and assessors may see its assessment records")}


def may_assess(user: Optional[str], org_id: str) -> dict[str, bool]:
    """For the pages: which parts the user may confirm or override."""
    account = model.User.get(user) if user else None
    if account is not None and account.sysadmin:
        return {part: True for part in access.PARTS}
    return {part: access.assesses(user, org_id, part) for part in access.PARTS}


def get_actions() -> dict[str, Any]:
    return {"opdc_kpi_confirmation_create": opdc_kpi_confirmation_create,
            "opdc_kpi_confirmation_list": opdc_kpi_confirmation_list,
            "opdc_kpi_confirmation_delete": opdc_kpi_confirmation_delete}


def get_auth_functions() -> dict[str, Any]:
    return {"opdc_kpi_confirmation_create": confirmation_create_auth,
            "opdc_kpi_confirmation_list": confirmation_list_auth,
            "opdc_kpi_confirmation_delete": confirmation_delete_auth}
