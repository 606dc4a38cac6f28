"""Importing and exporting the OPDC/NSO workbook through CKAN's actions, and
re-validating the catalog against the DGA schema. Rows are written by
``rows`` in this process or by ``workers`` in several."""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel.workbook import CODE, Workbook
from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.workbooks import workers as worker_pool
from ckanext.opdc_kpi.logic.workbooks.rows import fresh, import_rows, row_error
from ckanext.opdc_kpi.scoring import dataset_problems
from ckanext.opdc_kpi.scoring.messages import message


def import_workbook(context: dict[str, Any], workbook: Workbook, *, org: str,
                    defaults: dict[str, Any] | None = None, dry_run: bool = False,
                    progress: Callable[[int, int], None] | None = None,
                    workers: int | None = None) -> list[dict[str, Any]]:
    """Create or update each workbook dataset in ``org``; one result per row:
    ``{"sheet", "row", "code", "name", "action": create|update|error, "errors"}``,
    each error ``{"field", "message" (Thai), "messages": {"th", "en"}, "column"}``
    (``column``: the workbook's own header of the field's column, None when
    the workbook has no such column; a resource's error also names its
    ``sheet`` and ``row``). ``dry_run`` validates every row and writes nothing. ``workers``: processes
    writing at once (default: ``ckanext.opdc_kpi.import_workers``; see
    ``workers``); a dry run is always one."""
    organization = tk.get_action("organization_show")(fresh(context), {"id": org})
    tk.check_access("package_create", fresh(context), {"owner_org": organization["id"]})
    defaults = defaults or {}
    results: list[dict[str, Any]] = []
    for problem in workbook.problems:
        results.append({"sheet": problem.sheet, "row": problem.row, "code": None, "name": None,
                        "action": "error",
                        "errors": [row_error(problem.field, problem.message_th,
                                             problem.message_en)]})
    rows = list(workbook.datasets)
    count = 1 if dry_run else worker_pool.worker_count(workers, len(rows))
    if count > 1:
        return locate(workbook, results + worker_pool.import_in_processes(
            context, organization["id"], defaults, rows, count, progress))
    done = {"n": 0}

    def tick() -> None:
        done["n"] += 1
        if progress:
            progress(done["n"], len(rows))

    import_rows(context, organization["id"], defaults, rows, dry_run, tick, results)
    return locate(workbook, results)


_RESOURCE_FIELD = re.compile(r"resources\[(\d+)\]\.(\w+)")


def locate(workbook: Workbook, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each error of ``results`` with the workbook's own header of its
    field's column (``column``), and a resource's error (``resources[2].url``)
    with the sheet and row of that resource."""
    by_row = {(d.sheet, d.row): d for d in workbook.datasets}
    for result in results:
        dataset = by_row.get((result["sheet"], result["row"]))
        for error in result.get("errors") or []:
            field = error.get("field") or ""
            sheet, name = result["sheet"], CODE if field == "name" else field
            match = _RESOURCE_FIELD.fullmatch(field)
            if match and dataset is not None:
                written = [r for r in dataset.resources if r.fields.get("url")]
                position = int(match.group(1))
                if 1 <= position <= len(written):
                    resource = written[position - 1]
                    sheet, name = resource.sheet, match.group(2)
                    error.update(sheet=resource.sheet, row=resource.row)
            error["column"] = workbook.column(sheet, name)
    return results


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
        organization = tk.get_action("organization_show")(fresh(context), {"id": org})
        query = query.filter(model.Package.owner_org == organization["id"])
    ids = [row.id for row in query.order_by(model.Package.name)]
    show = tk.get_action("package_show")
    # from the database, not the search index's copy: what is stored now
    for done, pkg_id in enumerate(ids, start=1):
        try:
            yield show(fresh(context, use_cache=False), {"id": pkg_id})
        except tk.NotAuthorized:
            pass
        if progress:
            progress(done, len(ids))


def validate_catalog(context: dict[str, Any], org: str | None = None, lang: str = "th",
                     progress: Callable[[int, int], None] | None = None
                     ) -> list[dict[str, Any]]:
    """Every dataset that does not satisfy the DGA schema (legacy data), with
    its problems. Reads only."""
    today = site.today()
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


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {a: sum(1 for r in results if r["action"] == a) for a in ("create", "update", "error")}
    return {"counts": counts, "errors": [r for r in results if r["action"] == "error"]}
