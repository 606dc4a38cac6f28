"""Excel import benchmark: a generated Template 2/3 workbook (every column
of the template and of this extension, two resources per dataset, saved by
openpyxl) checked against the reading budget, read, checked row by row as
the import page's job does (the dry run) and imported through opdc-kpi's
import. See bench/README.md ("Excel import").

    scripts/setup.sh db ckan_opdc_bench_excel
    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_excel) \\
        .venv/bin/python bench/run.py excel [--rows 20000] [--workers N]
        .venv/bin/python bench/run.py excel --rows 1000 --side-by-side

The read and the dry run each run in a forked process whose peak resident
size above its start is reported (``getrusage`` of the child). ``--no-dry-run``
leaves the dry run out. ``--side-by-side`` imports the same workbook with one
process and then with ``--workers`` (default: the configured count) in one
run, emptying the catalog before each, and reports the ratio.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BAR_SECONDS = 300


def _prepare(echo) -> None:
    import sqlalchemy as sa

    import ckan.model as model
    from ckan.plugins import get_plugin

    if not sa.inspect(model.meta.engine).has_table("package"):
        echo("creating CKAN's tables (ckan db init)")
        model.repo.init_db()
    for plugin in ("activity", "opdc_kpi"):
        source = pathlib.Path(sys.modules[type(get_plugin(plugin)).__module__].__file__)
        package_dir = source.parent
        original = model.repo._alembic_ini
        model.repo._alembic_ini = str(package_dir / "migration" / plugin / "alembic.ini")
        try:
            model.repo.upgrade_db()
        finally:
            model.repo._alembic_ini = original
    echo("emptying the catalog")
    model.repo.delete_all()
    model.Session.execute(sa.text("DELETE FROM opdc_kpi_search"))  # not a core table
    model.repo.commit()
    # the rows a migration wrote (the focus-area vocabulary) went with them
    import importlib
    with model.meta.engine.begin() as connection:
        importlib.import_module("ckanext.opdc_kpi.migration.opdc_kpi.versions."
                                "d5e6f7a80001_focus_area_vocabulary").create(connection)


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _in_child(work):
    """``work()`` in a forked process: (its JSON-able result, seconds, peak
    resident MB above the child's start; the peak of the child or of any
    process it forked and waited for, as ``wait4`` reports it)."""
    import ckan.model as model

    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(receive)
        model.meta.engine.dispose(close=False)
        start = _rss_kb()
        started = time.perf_counter()
        out = {"result": work(), "seconds": time.perf_counter() - started, "start_kb": start}
        with os.fdopen(send, "w") as pipe:
            pipe.write(json.dumps(out))
        os._exit(0)
    os.close(send)
    with os.fdopen(receive) as pipe:
        out = json.loads(pipe.read() or "{}")
    _, status, usage = os.wait4(pid, 0)
    if status or not out:
        raise SystemExit(f"the measured process failed (status {status})")
    return out["result"], out["seconds"], (usage.ru_maxrss - out["start_kb"]) / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py excel")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--no-dry-run", action="store_true",
                        help="leave out the dry run as the import page's job runs it")
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--no-stored-figures", action="store_true",
                        help="ckanext.opdc_kpi.stored_figures = false for the run (with "
                             "the stored figures on, each dataset of an import costs more "
                             "as its organization grows: bench/README.md)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--workers", type=int, default=None,
                        help="import processes (default: ckanext.opdc_kpi.import_workers)")
    parser.add_argument("--side-by-side", action="store_true",
                        help="one process, then --workers, on the same workbook")
    args = parser.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    sys.path.insert(0, str(ROOT))
    from tests.workbook_files import full_workbook

    echo = lambda line: print(line, flush=True)  # noqa: E731
    config = load_config(args.ini)
    if args.no_stored_figures:
        config["ckanext.opdc_kpi.stored_figures"] = "false"
    app = make_app(config)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk

        from ckanext.opdc_kpi.excel.budget import check as check_budget
        from ckanext.opdc_kpi.excel.workbook import read_workbook
        from ckanext.opdc_kpi.logic import workbooks as excel

        from ckanext.opdc_kpi.logic.workbooks import workers as excel_workers

        def empty_catalog() -> dict:
            _prepare(echo)
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
            context = {"user": site_user["name"], "ignore_auth": False}
            tk.get_action("organization_create")(dict(context), {"name": "bench-import"})
            return context

        tmp = tempfile.TemporaryDirectory()
        path = pathlib.Path(tmp.name) / "bench.xlsx"
        started = time.perf_counter()
        full_workbook(path, args.rows, writer="openpyxl")
        write_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 2**20
        started = time.perf_counter()
        budget = check_budget(path, excel.budget())
        check_s = time.perf_counter() - started
        echo(f"budget check {check_s:.2f} s: {budget}")
        _, read_s, read_mb = _in_child(lambda: len(read_workbook(path).datasets))
        echo(f"read in a process of its own: {read_s:.1f} s, peak +{read_mb:.0f} MB")
        workbook = read_workbook(path)
        dry = {}
        if not args.no_dry_run:
            context = empty_catalog()
            copy = pathlib.Path(tmp.name) / "job.xlsx"
            copy.write_bytes(path.read_bytes())
            echo("the dry run as the import page's job runs it ...")
            result, dry_s, dry_mb = _in_child(lambda: excel.run_workbook_job(
                str(copy), "bench-import", {}, context["user"], "check"))
            dry = {"dry_run_job_s": round(dry_s, 1), "dry_run_job_peak_mb": round(dry_mb),
                   "dry_run_errors": result["check"]["counts"]["error"]}
            echo(f"dry run: {dry}")
        done = {"n": 0}

        def progress(n: int, total: int) -> None:
            if n % 1000 == 0 or n == total:
                echo(f"  {n}/{total} after {time.perf_counter() - started:.0f} s")
                done["n"] = n

        single_s = None
        if args.side_by_side:
            context = empty_catalog()
            echo("one process ...")
            started = time.perf_counter()
            excel.import_workbook(context, workbook, org="bench-import", progress=progress,
                                  workers=1)
            single_s = time.perf_counter() - started
        context = empty_catalog()
        workers = excel_workers.worker_count(args.workers, len(workbook.datasets))
        echo(f"{workers} process(es) ...")
        started = time.perf_counter()

        def run_import() -> int:
            results = excel.import_workbook(context, workbook, org="bench-import",
                                            progress=progress, workers=workers)
            return sum(r["action"] == "error" for r in results)

        # in a process of its own: its peak (and its import processes') above its start
        errors, import_s, import_mb = _in_child(run_import)
    tmp.cleanup()
    figures = {
        "rows": args.rows, "resources": 2 * args.rows, "workbook_mb": round(size_mb, 1),
        "inflated_mb": round(budget["inflated_bytes"] / 2**20), "budget_check_s": round(check_s, 2),
        "write_workbook_s": round(write_s, 1), "read_workbook_s": round(read_s, 1),
        "read_peak_mb": round(read_mb), **dry,
        "import_s": round(import_s, 1), "import_peak_mb": round(import_mb),
        "per_dataset_ms": round(import_s * 1000 / args.rows, 1),
        "total_read_and_import_s": round(read_s + import_s, 1), "errors": errors,
        "workers": workers, "stored_figures": not args.no_stored_figures,
        "one_process_import_s": round(single_s, 1) if single_s is not None else None,
        "speedup_over_one_process": (round(single_s / import_s, 2)
                                     if single_s is not None else None),
        "bar_met": read_s + import_s <= BAR_SECONDS * args.rows / 10000,
    }
    for key, value in figures.items():
        echo(f"{key:26s} {value}")
    pathlib.Path(args.out).write_text(json.dumps({
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, Python "
                   f"{platform.python_version()}",
        "load_average_after": os.getloadavg(), "figures": figures,
    }, ensure_ascii=False, indent=2) + "\n")
    return 0 if figures["bar_met"] and not errors and not dry.get("dry_run_errors") else 1
