"""``/organization/<id>/import``: upload a Template 2/3 workbook; it is
checked row by row (the dry run) and, when asked and every row is valid,
imported, in the background (CKAN's job queue), with its progress and its
report at ``/organization/<id>/import/<job id>``; a check that found no
error offers to import the same file (kept by the job) without a second
upload. The upload's reading budget is checked before the job is queued: a
hostile file is refused at once, with the limit it passes. The empty
template to fill in is ``/organization/<id>/import/template``. For
sysadmins and the organization's admins."""
from __future__ import annotations

import io
from typing import Any

import redis
from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel.workbook import MAX_BYTES, WorkbookError
from ckanext.opdc_kpi.excel.writer import write_template
from ckanext.opdc_kpi.logic import site, workbooks
from ckanext.opdc_kpi.views.common import answer_action_errors
from ckanext.opdc_kpi.views.common import organization_or_404, require

#: the largest request body this page reads: the workbook and the form around it
MAX_REQUEST_BYTES = MAX_BYTES + 2**20


def _refuse_a_large_body():
    """Before this blueprint's other checks read the form: a body announced
    larger than the page reads is a 413 unread, and no body is read past it
    (werkzeug's limit, for a body sent without its length). CKAN's own CSRF
    check may read a form before any blueprint: the server's limit-post is
    what keeps a large body out."""
    if tk.request.method != "POST":
        return None
    tk.request.max_content_length = MAX_REQUEST_BYTES
    if (tk.request.content_length or 0) > MAX_REQUEST_BYTES:
        tk.abort(413, tk._("The file is larger than {limit} MB").format(
            limit=MAX_BYTES // 2**20))
    return None


bp = Blueprint("opdc_kpi_import", __name__, url_prefix="/organization")
bp.before_request(_refuse_a_large_body)
bp = answer_action_errors(bp)


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


def _page(extra: dict[str, Any], error: str, status: int):
    extra["error"] = error
    return tk.render("opdc_kpi/import.html", extra_vars=extra), status


@bp.route("/<id>/import", methods=["GET", "POST"])
def import_workbook(id: str):
    org = organization_or_404(id)
    _allowed(org["id"])
    extra: dict[str, Any] = {"group_dict": org, "group_type": "organization",
                             "am_following": False, "form": {}, "error": None,
                             "fiscal_year": site.current_fiscal_year()}
    if tk.request.method != "POST":
        return tk.render("opdc_kpi/import.html", extra_vars=extra)
    too_large = tk._("The file is larger than {limit} MB").format(limit=MAX_BYTES // 2**20)
    form = tk.request.form
    extra["form"] = {k: v for k, v in form.items() if k != "workbook"}
    upload = tk.request.files.get("workbook")
    if upload is None or not getattr(upload, "filename", ""):
        return _page(extra, tk._("Choose an .xlsx workbook to upload"), 400)
    try:
        path = workbooks.store_upload(upload.stream, MAX_BYTES)
    except WorkbookError as error:   # over a limit or unreadable: nothing kept, nothing queued
        too_big = getattr(error, "limit", "") == "max_file_mb"
        return _page(extra, too_large if too_big else error.message(site.request_language()),
                     413 if too_big else 400)
    mode = "import" if form.get("run") == "import" else "check"
    try:
        job = workbooks.enqueue(path, org["id"], _defaults(form), tk.current_user.name, mode,
                                lang=site.request_language(), filename=upload.filename)
    except redis.exceptions.RedisError:
        # the job queue (Redis) does not answer: nothing queued, the upload removed;
        # the form is shown again with what was typed
        return _page(extra, tk._("The job queue is not available right now: nothing was "
                                 "queued. Choose the file again and retry in a moment."), 503)
    return tk.h.redirect_to("opdc_kpi_import.import_status", id=org["name"], job_id=job.id)


@bp.route("/<id>/import/template")
def import_template(id: str):
    """The empty Template 2/3 workbook, written by the extension's own
    writer: the headers the import reads, a hint per column, drop-downs of
    the choices."""
    org = organization_or_404(id)
    _allowed(org["id"])
    data = io.BytesIO()
    write_template(data)
    return Response(data.getvalue(), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": 'attachment; filename="opdc-template-2-3.xlsx"'})


def _job_or_404(org: dict[str, Any], job_id: str) -> Any:
    """The organization's import job, for the user who started it (and
    sysadmins); else a 404."""
    import ckan.lib.jobs as jobs

    try:
        job = jobs.job_from_id(job_id)
    except KeyError:
        return tk.abort(404, tk._("Import job not found"))
    if not workbooks.is_workbook_job(job, org["id"]) or (
            workbooks.job_user(job) != tk.current_user.name and not tk.current_user.sysadmin):
        return tk.abort(404, tk._("Import job not found"))
    return job


def _status(job: Any) -> str:
    """RQ's status, or ``interrupted`` for a job whose worker stopped."""
    return workbooks.job_status(job)


@bp.route("/<id>/import/<job_id>")
def import_status(id: str, job_id: str):
    org = organization_or_404(id)
    _allowed(org["id"])
    job = _job_or_404(org, job_id)
    status = _status(job)
    result = job.result if status == "finished" else None
    refused = (result or {}).get("refused")
    return tk.render("opdc_kpi/import_status.html", extra_vars={
        "group_dict": org, "group_type": "organization", "am_following": False,
        "job_id": job_id, "status": status, "meta": job.meta or {}, "result": result,
        "running": status in ("queued", "started", "deferred", "scheduled"),
        "mode": job.args[4], "filename": workbooks.job_filename(job),
        "defaults": job.args[2] or {}, "queued_at": job.enqueued_at,
        "ended_at": job.ended_at,
        "refused": refused and refused["th" if site.request_language() == "th" else "en"]})


@bp.route("/<id>/import/<job_id>/import", methods=["POST"])
def import_checked(id: str, job_id: str):
    """Import the file a finished check kept, without uploading it again."""
    org = organization_or_404(id)
    _allowed(org["id"])
    job = _job_or_404(org, job_id)
    try:
        if _status(job) != "finished" or job.args[4] != "check":
            raise WorkbookError("this job is not a finished check",
                                "งานนี้ไม่ใช่การตรวจที่เสร็จแล้ว")
        started = workbooks.import_checked(job, lang=site.request_language())
    except WorkbookError as error:
        tk.h.flash_error(error.message(site.request_language()))
        return tk.h.redirect_to("opdc_kpi_import.import_status", id=org["name"],
                                job_id=job_id)
    return tk.h.redirect_to("opdc_kpi_import.import_status", id=org["name"],
                            job_id=started.id)


def get_blueprints() -> list[Blueprint]:
    return [bp]
