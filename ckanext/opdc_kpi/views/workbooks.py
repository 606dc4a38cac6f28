"""``/organization/<id>/import``: upload a Template 2/3 workbook, see the dry
run row by row, then import it in the background (CKAN's job queue) and
follow its progress. For sysadmins and the organization's admins."""
from __future__ import annotations

import pathlib
import tempfile
from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel.workbook import MAX_BYTES, WorkbookError, read_workbook
from ckanext.opdc_kpi.logic import workbooks
from ckanext.opdc_kpi.views.common import answer_action_errors
from ckanext.opdc_kpi.views.common import context as _context
from ckanext.opdc_kpi.views.common import organization_or_404, require

bp = answer_action_errors(
    Blueprint("opdc_kpi_import", __name__, url_prefix="/organization"))
JOB_TITLE = "opdc_kpi workbook import"


def _allowed(org_id: str) -> None:
    require("opdc_kpi_workbook_import", org_id, tk._("Log in to import a workbook"),
            tk._("Only sysadmins and the organization's admins may import "
                 "workbooks"))


def _defaults(form: Any) -> dict[str, Any]:
    year = (form.get("year") or "").strip()
    return {"focus_area": (form.get("focus_area") or "").strip() or None,
            "kpi_years": [year] if year else None,
            "mission": (form.get("mission") or "").strip() or None,
            "work_process": (form.get("work_process") or "").strip() or None}


class _TooLarge(WorkbookError):
    """An upload over the size limit (answered 413)."""


def _read_upload(upload: Any):
    if upload is None or not getattr(upload, "filename", ""):
        raise WorkbookError(tk._("Choose an .xlsx workbook to upload"))
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "upload.xlsx"
        data = upload.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _TooLarge(tk._("The file is larger than {limit} MB").format(
                limit=MAX_BYTES // 2**20))
        path.write_bytes(data)
        return read_workbook(path)


@bp.route("/<id>/import", methods=["GET", "POST"])
def import_workbook(id: str):
    org = organization_or_404(id)
    _allowed(org["id"])
    extra: dict[str, Any] = {"group_dict": org, "group_type": "organization",
                             "am_following": False, "form": {}, "report": None, "error": None}
    if tk.request.method == "POST":
        form = tk.request.form
        extra["form"] = dict(form)
        defaults = _defaults(form)
        try:
            workbook = _read_upload(tk.request.files.get("workbook"))
        except WorkbookError as error:  # the page again with the error: a 4xx
            extra["error"] = str(error)
            return (tk.render("opdc_kpi/import.html", extra_vars=extra),
                    413 if isinstance(error, _TooLarge) else 400)
        results = workbooks.import_workbook(_context(), workbook, org=org["id"],
                                            defaults=defaults, dry_run=True)
        extra["report"] = workbooks.summary(results)
        extra["rows"] = len(workbook.datasets)
        if form.get("run") == "import":
            if extra["report"]["counts"]["error"]:
                extra["error"] = tk._("Fix the rows with errors first: nothing was imported")
                return tk.render("opdc_kpi/import.html", extra_vars=extra)
            job = tk.enqueue_job(workbooks.run_import_job,
                                 [workbook, org["id"], defaults, tk.current_user.name],
                                 title=JOB_TITLE, rq_kwargs={"timeout": 4 * 3600})
            return tk.h.redirect_to("opdc_kpi_import.import_status", id=org["name"],
                                    job_id=job.id)
    return tk.render("opdc_kpi/import.html", extra_vars=extra)


@bp.route("/<id>/import/<job_id>")
def import_status(id: str, job_id: str):
    import ckan.lib.jobs as jobs

    org = organization_or_404(id)
    _allowed(org["id"])
    try:
        job = jobs.job_from_id(job_id)
    except KeyError:
        tk.abort(404, tk._("Import job not found"))
    args = job.args or ()
    ours = (job.func_name or "").endswith("run_import_job") and len(args) >= 4
    if not ours or args[1] != org["id"] or (
            args[3] != tk.current_user.name and not tk.current_user.sysadmin):
        tk.abort(404, tk._("Import job not found"))
    status = job.get_status()
    status = getattr(status, "value", status)
    return tk.render("opdc_kpi/import_status.html", extra_vars={
        "group_dict": org, "group_type": "organization", "am_following": False,
        "job_id": job_id, "status": status, "meta": job.meta or {},
        "result": job.result if status == "finished" else None})


def get_blueprints() -> list[Blueprint]:
    return [bp]
