"""A fresh process that reads workbooks the way the paths of the extension
do, and measures each: ``python -m tests.workbook_probe MODES [options] FILE...``.

MODES, comma-separated: ``reader`` (``read_workbook``), ``basket`` (the
remote tool's ``read_basket``), and, with ``--ini``, ``view`` (the import
page's POST, ``--token`` of an organization admin, ``--org``), ``job`` (the
page's background job, ``--org-id``, ``--user``; it is given a copy of the
file, which it removes) and ``cli`` (``ckan opdc-kpi import FILE --org ORG
--dry-run``).

Everything the path needs (CKAN, the app) is loaded first. Each file is
read in a child forked from that state: the child's peak resident size
(``getrusage`` of the child, through ``wait4``) minus its resident size
when it starts (the baseline) is the file's cost, the child's clock its
time. A child that passes ``--kill-mb`` above the
baseline or runs ``--kill-seconds`` is stopped (reported as ``killed``),
so a reader without limits cannot take the machine with it.

One JSON line per mode and file: ``mode``, ``file``, ``seconds`` (the child's clock),
``cpu_seconds`` (its processor time, which another load on the machine
does not stretch), ``rss_mb``, ``outcome`` (``refused``, ``accepted``,
``error``, ``killed``) and ``message``.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import pathlib
import re
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback


def _rss_kb(pid: str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _text(html: str) -> str:
    """The alert of an answered page (the refusal), as plain text."""
    found = re.search(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1) if found else "")).strip()


def _setup(args, mode):
    """What every file's child shares: loaded once, before the baseline."""
    if mode == "reader":
        from ckanext.opdc_kpi.excel.workbook import WorkbookError, read_workbook

        def run(path):
            try:
                book = read_workbook(path)
            except WorkbookError as error:
                return "refused", str(error)
            return "accepted", f"{len(book.datasets)} datasets"
        return run
    if mode == "basket":
        from ckanext.opdc_kpi.remote.basket import BasketError, read_basket

        def run(path):
            try:
                basket = read_basket(path)
            except BasketError as error:
                return "refused", str(error)
            return "accepted", f"{len(basket.rows)} rows"
        return run

    app = _app(args)
    flask_app = app._wsgi_app
    import ckan.model as model
    from click.testing import CliRunner

    from ckanext.opdc_kpi.cli.workbooks import import_ as import_command
    from ckanext.opdc_kpi.logic import workbooks

    def fresh_connections():
        model.meta.engine.dispose(close=False)   # never a connection of the parent's

    if mode == "view":
        from ckan.tests.helpers import CKANTestApp

        # through CKAN's middleware, as a served request (2.11 sets the language there)
        client = CKANTestApp(app).test_client()
        # the pages' templates compiled before the baseline, as in a serving process
        client.get(f"/organization/{args.org}/import", headers={"Authorization": args.token})
        client.post(f"/organization/{args.org}/import", data={"run": "check"},
                    headers={"Authorization": args.token}, content_type="multipart/form-data")

        def run(path):
            fresh_connections()
            with open(path, "rb") as handle:
                answer = client.post(f"/organization/{args.org}/import",
                                     data={"run": "check", "workbook": (handle, "book.xlsx")},
                                     headers={"Authorization": args.token},
                                     content_type="multipart/form-data")
            body = answer.get_data(as_text=True)
            outcome = "refused" if answer.status_code in (400, 413) else (
                "accepted" if answer.status_code < 400 else "error")
            return outcome, f"{answer.status_code} {_text(body)}"
        return run
    if mode == "job":
        def run(path):
            fresh_connections()
            copy = pathlib.Path(tempfile.mkdtemp()) / os.path.basename(path)
            shutil.copy(path, copy)
            with flask_app.test_request_context():
                result = workbooks.run_workbook_job(str(copy), args.org_id, {}, args.user,
                                                    "check")
            kept = " (the job left its file)" if copy.exists() else ""
            shutil.rmtree(copy.parent, ignore_errors=True)
            if result.get("refused"):
                return "refused", f"{result['refused']['en']} | {result['refused']['th']}{kept}"
            return "accepted", json.dumps(result.get("check", {}).get("counts")) + kept
        return run
    if mode == "cli":
        def run(path):
            fresh_connections()
            with flask_app.test_request_context():
                result = CliRunner().invoke(import_command,
                                            [str(path), "--org", args.org, "--dry-run"])
            output = re.sub(r"\s+", " ", result.output).strip()
            if result.exception and not isinstance(result.exception, SystemExit):
                return "error", "".join(traceback.format_exception(result.exception))[-2000:]
            refused = result.exit_code != 0 and "datasets would be created" not in output
            return ("refused" if refused else "accepted"), output
        return run
    raise SystemExit(f"unknown mode {mode}")


_APP = []


def _app(args):
    """The CKAN app of ``--ini``, with its middleware (one per process)."""
    if not _APP:
        from ckan.cli import load_config
        from ckan.config.middleware import make_app

        config = load_config(args.ini)
        if args.storage:
            config["ckan.storage_path"] = args.storage
        _APP.append(make_app(config))
    return _APP[0]


def _measure(run, path: str, kill_kb: int, kill_seconds: float) -> dict:
    baseline = _rss_kb()
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read the file, report, leave at once
        os.close(receive)
        start_kb = _rss_kb()   # the pages it shares with its parent, as it sees them
        started = time.perf_counter()
        try:
            outcome, message = run(path)
        except BaseException as error:  # noqa: BLE001 - reported, not raised
            outcome, message = "error", "".join(traceback.format_exception(error))[-2000:]
        report = {"seconds": round(time.perf_counter() - started, 3),
                  "outcome": outcome, "message": message, "start_kb": start_kb}
        with os.fdopen(send, "w") as out:
            out.write(json.dumps(report, ensure_ascii=False))
        os._exit(0)
    os.close(send)
    started = time.perf_counter()
    chunks, killed = [], None
    with os.fdopen(receive) as reader:
        while True:
            ready, _, _ = select.select([reader], [], [], 0.02)
            if ready:
                data = reader.read()
                chunks.append(data)
                break
            if _rss_kb(str(pid)) - baseline > kill_kb:
                killed = f"resident size passed {kill_kb // 1024} MB above the baseline"
            elif time.perf_counter() - started > kill_seconds:
                killed = f"still running after {kill_seconds:.0f} s"
            if killed:
                os.kill(pid, signal.SIGKILL)
                break
    _, _, usage = os.wait4(pid, 0)
    seconds = round(time.perf_counter() - started, 3)
    report = {"file": os.path.basename(path),
              "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)}
    if killed:
        report.update(seconds=seconds, outcome="killed", message=killed)
    else:
        report.update(json.loads("".join(chunks) or '{"outcome": "error", "message": "no report"}'))
        report.setdefault("seconds", seconds)
    # the rise above the child's own start (a forked child counts the parent's
    # file-backed pages only once it touches them: the parent's size would
    # understate the rise)
    start_kb = report.pop("start_kb", baseline)
    report["rss_mb"] = round((usage.ru_maxrss - start_kb) / 1024, 1)
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.workbook_probe")
    parser.add_argument("modes", help="reader, basket, view, job, cli (comma-separated)")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--ini")
    parser.add_argument("--org")
    parser.add_argument("--org-id")
    parser.add_argument("--user")
    parser.add_argument("--token")
    parser.add_argument("--storage", help="ckan.storage_path (where uploads wait for the job)")
    parser.add_argument("--kill-mb", type=int, default=1024)
    parser.add_argument("--kill-seconds", type=float, default=30)
    args = parser.parse_args(argv)
    runners = [(mode, _setup(args, mode)) for mode in args.modes.split(",")]
    for mode, run in runners:
        for path in args.files:
            report = _measure(run, path, args.kill_mb * 1024, args.kill_seconds)
            print(json.dumps({"mode": mode, **report}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    raise SystemExit(main(sys.argv[1:]))
