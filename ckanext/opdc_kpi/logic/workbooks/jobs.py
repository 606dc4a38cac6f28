"""The import page's background job: the workbook is checked (the dry run)
and, when asked and every row is valid, imported, in CKAN's job queue (``ckan
jobs worker``), with its progress in the job's ``meta``. The page stores the
upload where the worker reads it and checks the file's budget before it
queues the job, so a hostile file is refused at once; the job checks it
again, reads it and removes it, except after a check that found no error:
then the file is kept (``KEEP_SECONDS``) so that the page can import it
without a second upload (``import_checked``). Files kept longer are
removed when the next upload is stored.

The reading budget comes from the ``ckanext.opdc_kpi.workbook.*`` settings."""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import tempfile
import time
import uuid
from typing import Any, BinaryIO, Callable

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.excel import refusals
from ckanext.opdc_kpi.excel.budget import Budget
from ckanext.opdc_kpi.excel.budget import check as check_budget
from ckanext.opdc_kpi.excel.refusals import MB, WorkbookError, file_too_large
from ckanext.opdc_kpi.excel.workbook import MAX_BYTES, read_workbook
from ckanext.opdc_kpi.logic.workbooks.importer import import_workbook, summary

JOB_TITLE = "opdc_kpi workbook import"
MODES = ("check", "import")
#: how long a job's report stays (rq's default is 500 s) and a checked file is kept
KEEP_SECONDS = 24 * 3600
#: rows between two progress reports
_EVERY = 25


def budget() -> Budget:
    """The reading budget of this site's settings."""
    config = tk.config

    def number(key: str) -> int:
        return tk.asint(config.get(f"ckanext.opdc_kpi.workbook.{key}"))

    return Budget(max_file_bytes=MAX_BYTES,
                  max_inflated_bytes=number("max_uncompressed_mb") * MB,
                  max_shared_strings=number("max_shared_strings"),
                  max_shared_strings_bytes=number("max_shared_strings_mb") * MB,
                  max_sheets=number("max_sheets"),
                  max_columns=number("max_columns"))


def uploads_folder() -> pathlib.Path:
    """Where uploads wait for the jobs worker: ``<ckan.storage_path>/opdc_kpi/
    imports`` (the web server and the worker share it, as they share CKAN's
    uploads), else the system's temporary folder."""
    root = tk.config.get("ckan.storage_path") or ""
    folder = (pathlib.Path(root) / "opdc_kpi" / "imports" if root
              else pathlib.Path(tempfile.gettempdir()) / "opdc_kpi-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep_uploads(now: float | None = None) -> int:
    """Remove the stored uploads older than ``KEEP_SECONDS`` (checked files
    never imported, files of jobs that never ran); how many were removed."""
    limit = (time.time() if now is None else now) - KEEP_SECONDS
    removed = 0
    for path in uploads_folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:   # removed meanwhile (a job, another sweep)
            pass
    return removed


def store_upload(stream: BinaryIO, max_bytes: int = MAX_BYTES) -> pathlib.Path:
    """The uploaded file, stored for the job and checked against the budget
    (``OverBudget``/``WorkbookError``: refused, nothing is kept)."""
    sweep_uploads()
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise file_too_large(len(data), max_bytes)
    path = uploads_folder() / f"{uuid.uuid4().hex}.xlsx"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    try:
        check_budget(path, budget())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def enqueue(path: pathlib.Path, org_id: str, defaults: dict[str, Any], user: str,
            mode: str, lang: str | None = None, filename: str = "") -> Any:
    """Queue the job for a stored upload. ``lang``: the language of the
    page that asked (the schema's own messages are written in it);
    ``filename``: the uploaded file's name, shown on the job's page."""
    try:
        # the report stays a day (rq's default: 500 s, then the page is a 404)
        return tk.enqueue_job(run_workbook_job, [str(path), org_id, defaults, user, mode],
                              {"lang": lang, "filename": (filename or "")[-200:]},
                              title=JOB_TITLE,
                              rq_kwargs={"timeout": 4 * 3600, "result_ttl": KEEP_SECONDS})
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def job_filename(job: Any) -> str:
    """The uploaded file's name, as the page that queued the job gave it."""
    return str((job.kwargs or {}).get("filename") or "")


def import_checked(job: Any, lang: str | None = None) -> Any:
    """Queue the import of the file a finished check kept (no second
    upload): the import job checks every row again (the catalog may have
    changed) and imports when none has an error. The file is claimed first
    (renamed), so a second request finds it gone: ``WorkbookError``, as when
    it is no longer kept."""
    path = pathlib.Path(job.args[0])
    result = job.result if isinstance(job.result, dict) else {}
    claimed = path.with_name(f"{uuid.uuid4().hex}.xlsx")
    try:
        if not result.get("kept") or path.parent != uploads_folder():
            raise FileNotFoundError(path.name)
        os.rename(path, claimed)
    except FileNotFoundError:
        raise WorkbookError(
            "the checked file is no longer kept (imported already, or older than a day): "
            "upload it again",
            "ไม่มีไฟล์ที่ตรวจแล้วเก็บไว้ (นำเข้าไปแล้ว หรือเก็บไว้เกินหนึ่งวัน) "
            "กรุณาอัปโหลดไฟล์อีกครั้ง") from None
    org_id, defaults, user = job.args[1], job.args[2], job.args[3]
    return enqueue(claimed, org_id, defaults, user, "import", lang=lang,
                   filename=job_filename(job))


def is_workbook_job(job: Any, org_id: str) -> bool:
    """The job is this page's, for this organization."""
    args = job.args or ()
    return ((job.func_name or "").endswith(".run_workbook_job") and len(args) == 5
            and args[1] == org_id)


def job_user(job: Any) -> str:
    return job.args[3]


def interrupted_after() -> int:
    return tk.asint(tk.config.get("ckanext.opdc_kpi.workbook.interrupted_after"))


def job_status(job: Any, now: dt.datetime | None = None) -> str:
    """RQ's status of the job, or ``interrupted`` for a job RQ still calls
    ``started`` whose worker stopped beating: a jobs worker killed with
    SIGKILL (or its machine stopped) never marks its job, and RQ leaves it
    "started" until its timeout (hours). The worker's main process beats
    the job every ``job_monitoring_interval`` seconds (30) while its work
    horse runs; a beat older than ``interrupted_after`` seconds means no
    one runs the job any more."""
    status = job.get_status()
    status = getattr(status, "value", status)
    if status != "started":
        return status
    beats = [t for t in (job.last_heartbeat, job.started_at) if t is not None]
    if not beats:
        return status
    last = max(t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc) for t in beats)
    now = now or dt.datetime.now(dt.timezone.utc)
    if (now - last).total_seconds() > interrupted_after():
        return "interrupted"
    return status


def run_workbook_job(path: str, org_id: str, defaults: dict[str, Any], user: str,
                     mode: str, lang: str | None = None, filename: str = ""
                     ) -> dict[str, Any]:
    """Check every row of the stored workbook (nothing written) and, in mode
    ``import`` when no row has an error, import it, as ``user``. The result:
    ``mode``, ``rows``, ``check`` (the dry run's summary), ``imported``
    (the import's summary, or None) and ``kept`` (a check without errors
    keeps the file for ``import_checked``); or ``refused`` ({th, en}) for a
    file that is not read. Progress (``phase``, ``done``, ``total``) in the
    job's ``meta``. The schema's messages are in ``lang`` (the asking page's
    language). The stored file is removed unless kept."""
    from flask_babel import force_locale

    if lang in ("th", "en"):
        with force_locale(lang):
            return _run(path, org_id, defaults, user, mode)
    return _run(path, org_id, defaults, user, mode)


def _run(path: str, org_id: str, defaults: dict[str, Any], user: str,
         mode: str) -> dict[str, Any]:
    from rq import get_current_job

    job = get_current_job()

    def report(**values: Any) -> None:
        if job is not None:
            job.meta.update(values)
            job.save_meta()

    def progress(phase: str) -> Callable[[int, int], None]:
        last = {"done": 0}

        def tick(done: int, total: int) -> None:
            if done - last["done"] >= _EVERY or done == total:
                last["done"] = done
                report(phase=phase, done=done, total=total)
        return tick

    context = {"user": user, "ignore_auth": False}
    keep = False
    try:
        report(phase="reading", done=0, total=0)
        try:
            workbook = read_workbook(path, budget=budget())
        except WorkbookError as error:
            return {"mode": mode, "refused": {"th": error.message_th, "en": error.message_en}}
        rows = len(workbook.datasets)
        if not rows and not workbook.problems:
            empty = refusals.no_data_rows()
            return {"mode": mode, "refused": {"th": empty.message_th, "en": empty.message_en}}
        report(phase="checking", done=0, total=rows)
        checked = summary(import_workbook(context, workbook, org=org_id, defaults=defaults,
                                          dry_run=True, progress=progress("checking")))
        keep = mode == "check" and rows > 0 and not checked["counts"]["error"]
        out = {"mode": mode, "rows": rows, "check": checked, "imported": None, "kept": keep}
        if mode == "import" and not checked["counts"]["error"]:
            report(phase="importing", done=0, total=rows)
            out["imported"] = summary(import_workbook(
                context, workbook, org=org_id, defaults=defaults,
                progress=progress("importing")))
        return out
    finally:
        if not keep:
            pathlib.Path(path).unlink(missing_ok=True)
