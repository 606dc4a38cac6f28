"""Writing workbook rows through CKAN's actions: each dataset with its
resources in one ``package_create`` or ``package_update`` call, so the
schema's validation applies and a bad row never leaves a half-written
dataset. Re-importing updates the dataset of the same name (the workbook's
dataset code) instead of making a copy. Used by one process (``importer``)
or several (``workers``)."""
from __future__ import annotations

import hashlib
import re
from typing import Any, Callable

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel.workbook import DatasetRow
from ckanext.opdc_kpi.logic.score import deferred_figures
from ckanext.opdc_kpi.logic.site import today
from ckanext.opdc_kpi.scoring import dataset_problems, standard
from ckanext.opdc_kpi.scoring.messages import message

_NAME_OK = re.compile(r"[^a-z0-9_-]+")


def fresh(context: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A new action context for the same caller (a copied context would
    share CKAN's auth-audit stack between calls)."""
    out = {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)}
    if context.get("auth_user_obj") is not None:
        out["auth_user_obj"] = context["auth_user_obj"]
    out.update(extra)
    return out


def dataset_name(code: str) -> str:
    """The CKAN URL name for a workbook dataset code ("DataSet_11_01" ->
    "dataset_11_01"); codes without Latin letters get a stable hashed name."""
    name = _NAME_OK.sub("-", code.strip().lower()).strip("-")[:100]
    if len(name) < 2 or not re.search(r"[a-z0-9]", name):
        name = "dataset-" + hashlib.sha1(code.encode("utf-8")).hexdigest()[:12]
    return name


def _dataset_dict(row: DatasetRow, org_id: str, defaults: dict[str, Any]) -> dict[str, Any]:
    data = dict(row.fields)
    data.pop("owner_org", None)  # the workbook holds the organization's title as text
    data["name"] = dataset_name(row.code)
    data["owner_org"] = org_id
    for key, value in defaults.items():
        if value not in (None, "", []) and not data.get(key):
            data[key] = value
    data["resources"] = [dict(r.fields) for r in row.resources if r.fields.get("url")]
    return data


def _merge(existing: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The existing dataset with the workbook's values on top; resources
    replaced by the workbook's, keeping the id of a resource with the same URL."""
    merged = dict(existing)
    if data.get("tag_string"):
        merged.pop("tags", None)  # the workbook's keywords replace the old ones
    for key, value in data.items():
        if key != "resources" and value not in (None, "", []):
            merged[key] = value
    by_url = {r.get("url"): r for r in existing.get("resources") or []}
    resources = []
    for resource in data.get("resources") or []:
        old = by_url.get(resource.get("url"))
        resources.append(dict(old, **resource) if old else resource)
    merged["resources"] = resources or existing.get("resources") or []
    return merged


def row_error(field: str, message_th: str, message_en: str) -> dict[str, Any]:
    """One error of a row: ``message`` in Thai (as the command prints it) and
    ``messages`` in both languages (the import page shows its own)."""
    return {"field": field, "message": message_th,
            "messages": {"th": message_th, "en": message_en}}


def _errors(error_dict: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for field, messages in (error_dict or {}).items():
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            for position, resource_errors in enumerate(messages, start=1):
                for rfield, rmessages in (resource_errors or {}).items():
                    out.append({"field": f"resources[{position}].{rfield}",
                                "message": "; ".join(map(str, rmessages))})
        else:
            text = "; ".join(map(str, messages)) if isinstance(messages, list) else str(messages)
            out.append({"field": field, "message": text})
    return out


def _in_both_languages(data: dict[str, Any], errors: list[dict[str, str]]
                       ) -> list[dict[str, Any]]:
    """The schema's errors of a row, each with its message in Thai and
    English: the pure core's DGA messages where it names the field (Thai in
    ``message``, as before), else the schema's own message (in the language
    the check runs in) for both."""
    known = {p.field: {lang: message(p.code, lang, **dict(p.params or {}))
                       for lang in ("th", "en")}
             for p in dataset_problems(data, today=today())}
    out = []
    for error in errors:
        both = known.get(error["field"])
        if both:
            out.append(row_error(error["field"], both["th"], both["en"]))
        else:
            out.append(row_error(error["field"], error["message"], error["message"]))
    return out


def _validate(context: dict, data: dict[str, Any], existing: dict | None) -> list[dict]:
    """The schema's verdict without writing anything (the dry run)."""
    data = dict(data, type=data.get("type") or "dataset")
    plugin = lib_plugins.lookup_package_plugin(data["type"])
    if existing:
        schema, action = plugin.update_package_schema(), "package_update"
        package = model.Package.get(existing["id"])
    else:
        schema, action = plugin.create_package_schema(), "package_create"
        package = None
    validation_context = {"model": model, "session": model.Session,
                          "user": context.get("user"), "package": package}
    _data, errors = lib_plugins.plugin_validate(plugin, validation_context, dict(data),
                                                schema, action)
    return _errors(errors)


def import_rows(context: dict[str, Any], org_id: str, defaults: dict[str, Any],
                rows: list[DatasetRow], dry_run: bool, tick: Callable[[], None],
                results: list[dict[str, Any]]) -> None:
    """Import these rows one after the other, appending one result per row
    to ``results`` (kept when a row raises something other than a
    validation error: what was done so far stays known). The stored KPI
    figures of the organization are brought up to date once, after the
    last row (``deferred_figures``), not after each row's commit."""
    if dry_run:
        _import_each(context, org_id, defaults, rows, dry_run, tick, results)
        return
    with deferred_figures():
        _import_each(context, org_id, defaults, rows, dry_run, tick, results)


def _import_each(context: dict[str, Any], org_id: str, defaults: dict[str, Any],
                 rows: list[DatasetRow], dry_run: bool, tick: Callable[[], None],
                 results: list[dict[str, Any]]) -> None:
    for row in rows:
        data = _dataset_dict(row, org_id, defaults)
        result = {"sheet": row.sheet, "row": row.row, "code": row.code, "name": data["name"]}
        existing = None
        try:
            existing = tk.get_action("package_show")(fresh(context, use_cache=False),
                                                    {"id": data["name"]})
        except tk.ObjectNotFound:
            existing = None
        except tk.NotAuthorized:
            result.update(action="error", errors=[row_error(
                "name", f"ชื่อ {data['name']} ถูกใช้โดยชุดข้อมูลที่ท่านไม่มีสิทธิ์แก้ไข",
                f"the name {data['name']} is taken by a dataset you may not edit")])
            results.append(result)
            tick()
            continue
        if existing and existing.get("owner_org") != org_id:
            result.update(action="error", errors=[row_error(
                "name", f"ชื่อ {data['name']} เป็นของชุดข้อมูลในหน่วยงานอื่น",
                f"the name {data['name']} belongs to a dataset of another organization")])
            results.append(result)
            tick()
            continue
        payload = _merge(existing, data) if existing else data
        if dry_run:
            errors = _validate(context, payload, existing)
            if errors:
                errors = _in_both_languages(payload, errors)
            result.update(action=("error" if errors else ("update" if existing else "create")),
                          errors=errors)
        else:
            action = "package_update" if existing else "package_create"
            try:
                tk.get_action(action)(fresh(context, return_id_only=True), payload)
                result.update(action="update" if existing else "create", errors=[])
                # saved and committed: forget its objects, or every later
                # commit expires (and every flush scans) a growing session
                model.Session.expunge_all()
            except tk.ValidationError as error:
                model.Session.rollback()
                result.update(action="error", errors=_in_both_languages(
                    payload, _errors(error.error_dict)))
        results.append(result)
        tick()


def keywords_of(row: DatasetRow, org_id: str, defaults: dict[str, Any]) -> set[str]:
    """The free keywords a row's dataset will get, as the schema stores them."""
    data = _dataset_dict(row, org_id, defaults)
    out = set()
    for word in standard.split_keywords(data.get("tag_string") or ""):
        if standard.keyword_problem(word) is None:
            out.add(standard.normalize_text(word))
    return out
