"""Importing and exporting the OPDC/NSO workbook through CKAN's actions, and
re-validating the catalog against the DGA schema.

Every dataset is written with its resources in one ``package_create`` or
``package_update`` call, so the schema's validation applies and a bad row
never leaves a half-written dataset. Re-importing updates the dataset of the
same name (the workbook's dataset code) instead of making a copy.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Callable, Iterable

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel.workbook import DatasetRow, Workbook
from ckanext.opdc_kpi.logic import rules
from ckanext.opdc_kpi.scoring import dataset_problems
from ckanext.opdc_kpi.scoring.messages import message

_NAME_OK = re.compile(r"[^a-z0-9_-]+")


def _fresh(context: dict[str, Any], **extra: Any) -> dict[str, Any]:
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


def _thai_problems(data: dict[str, Any]) -> list[dict[str, str]]:
    """The DGA problems of a row, messages in Thai (the pure core's)."""
    return [{"field": p.field, "message": message(p.code, "th", **dict(p.params or {}))}
            for p in dataset_problems(data, today=rules.today())]


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


def import_workbook(context: dict[str, Any], workbook: Workbook, *, org: str,
                    defaults: dict[str, Any] | None = None, dry_run: bool = False,
                    progress: Callable[[int, int], None] | None = None,
                    workers: int | None = None) -> list[dict[str, Any]]:
    """Create or update each workbook dataset in ``org``; one result per row:
    ``{"sheet", "row", "code", "name", "action": create|update|error, "errors"}``.
    ``dry_run`` validates every row and writes nothing. ``workers``: processes
    writing at once (default: ``ckanext.opdc_kpi.import_workers``; see
    ``excel_workers``); a dry run is always one."""
    organization = tk.get_action("organization_show")(_fresh(context), {"id": org})
    tk.check_access("package_create", _fresh(context), {"owner_org": organization["id"]})
    defaults = defaults or {}
    results: list[dict[str, Any]] = []
    for problem in workbook.problems:
        results.append({"sheet": problem.sheet, "row": problem.row, "code": None, "name": None,
                        "action": "error",
                        "errors": [{"field": problem.field, "message": problem.message_th}]})
    rows = list(workbook.datasets)
    from ckanext.opdc_kpi.logic import excel_workers

    count = 1 if dry_run else excel_workers.worker_count(workers, len(rows))
    if count > 1:
        return results + excel_workers.import_in_processes(
            context, organization["id"], defaults, rows, count, progress)
    done = {"n": 0}

    def tick() -> None:
        done["n"] += 1
        if progress:
            progress(done["n"], len(rows))

    import_rows(context, organization["id"], defaults, rows, dry_run, tick, results)
    return results


def import_rows(context: dict[str, Any], org_id: str, defaults: dict[str, Any],
                rows: list[DatasetRow], dry_run: bool, tick: Callable[[], None],
                results: list[dict[str, Any]]) -> None:
    """Import these rows one after the other, appending one result per row
    to ``results`` (kept when a row raises something other than a
    validation error: what was done so far stays known)."""
    for row in rows:
        data = _dataset_dict(row, org_id, defaults)
        result = {"sheet": row.sheet, "row": row.row, "code": row.code, "name": data["name"]}
        existing = None
        try:
            existing = tk.get_action("package_show")(_fresh(context, use_cache=False),
                                                    {"id": data["name"]})
        except tk.ObjectNotFound:
            existing = None
        except tk.NotAuthorized:
            result.update(action="error", errors=[{
                "field": "name", "message": f"ชื่อ {data['name']} ถูกใช้โดยชุดข้อมูลที่ท่านไม่มีสิทธิ์แก้ไข"}])
            results.append(result)
            tick()
            continue
        if existing and existing.get("owner_org") != org_id:
            result.update(action="error", errors=[{
                "field": "name",
                "message": f"ชื่อ {data['name']} เป็นของชุดข้อมูลในหน่วยงานอื่น"}])
            results.append(result)
            tick()
            continue
        payload = _merge(existing, data) if existing else data
        if dry_run:
            errors = _validate(context, payload, existing)
            if errors:
                thai = {p["field"]: p["message"] for p in _thai_problems(payload)}
                errors = [dict(e, message=thai.get(e["field"], e["message"])) for e in errors]
            result.update(action=("error" if errors else ("update" if existing else "create")),
                          errors=errors)
        else:
            action = "package_update" if existing else "package_create"
            try:
                tk.get_action(action)(_fresh(context, return_id_only=True), payload)
                result.update(action="update" if existing else "create", errors=[])
                # saved and committed: forget its objects, or every later
                # commit expires (and every flush scans) a growing session
                model.Session.expunge_all()
            except tk.ValidationError as error:
                model.Session.rollback()
                thai = {p["field"]: p["message"] for p in _thai_problems(payload)}
                result.update(action="error", errors=[
                    dict(e, message=thai.get(e["field"], e["message"]))
                    for e in _errors(error.error_dict)])
        results.append(result)
        tick()


def keywords_of(row: DatasetRow, org_id: str, defaults: dict[str, Any]) -> set[str]:
    """The free keywords a row's dataset will get, as the schema stores them."""
    from ckanext.opdc_kpi.scoring import standard

    data = _dataset_dict(row, org_id, defaults)
    out = set()
    for word in standard.split_keywords(data.get("tag_string") or ""):
        if standard.keyword_problem(word) is None:
            out.add(standard.normalize_text(word))
    return out


def export_datasets(context: dict[str, Any], org: str | None = None,
                    progress: Callable[[int, int], None] | None = None
                    ) -> list[dict[str, Any]]:
    """``package_show`` dicts of the catalog or one organization (what the
    caller may read, private included where CKAN allows), by name."""
    return list(_shown(context, org, progress))


def _shown(context: dict[str, Any], org: str | None,
           progress: Callable[[int, int], None] | None) -> Iterable[dict[str, Any]]:
    query = model.Session.query(model.Package.id).filter(
        model.Package.state == "active", model.Package.type == "dataset")
    if org:
        organization = tk.get_action("organization_show")(_fresh(context), {"id": org})
        query = query.filter(model.Package.owner_org == organization["id"])
    ids = [row.id for row in query.order_by(model.Package.name)]
    show = tk.get_action("package_show")
    # from the database, not the search index's copy: what is stored now
    for done, pkg_id in enumerate(ids, start=1):
        try:
            yield show(_fresh(context, use_cache=False), {"id": pkg_id})
        except tk.NotAuthorized:
            pass
        if progress:
            progress(done, len(ids))


def validate_catalog(context: dict[str, Any], org: str | None = None, lang: str = "th",
                     progress: Callable[[int, int], None] | None = None
                     ) -> list[dict[str, Any]]:
    """Every dataset that does not satisfy the DGA schema (legacy data), with
    its problems. Reads only."""
    today = rules.today()
    out = []
    for pkg in _shown(context, org, progress):
        problems = dataset_problems(pkg, today=today)
        if problems:
            out.append({
                "name": pkg["name"], "title": pkg.get("title"),
                "organization": (pkg.get("organization") or {}).get("name"),
                "problems": [{"field": p.field, "code": p.code,
                              "message": message(p.code, lang, **dict(p.params or {}))}
                             for p in problems]})
    return out


# --- the background job ---------------------------------------------------------------

def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {a: sum(1 for r in results if r["action"] == a) for a in ("create", "update", "error")}
    return {"counts": counts, "errors": [r for r in results if r["action"] == "error"]}


def run_import_job(workbook: Workbook, org: str, defaults: dict[str, Any],
                   user: str) -> dict[str, Any]:
    """The import as a job of CKAN's queue (``ckan jobs worker``), as the
    user who asked for it: progress in the job's ``meta``, the summary as
    its result."""
    from rq import get_current_job

    job = get_current_job()

    def progress(done: int, total: int) -> None:
        if job is not None and (done % 25 == 0 or done == total):
            job.meta.update(done=done, total=total)
            job.save_meta()

    if job is not None:
        job.meta.update(done=0, total=len(workbook.datasets))
        job.save_meta()
    results = import_workbook({"user": user, "ignore_auth": False}, workbook, org=org,
                              defaults=defaults, progress=progress)
    return summary(results)
