"""Excel import benchmark: a generated 10,000-row Template 2/3 workbook
(one resource per dataset) imported through opdc-kpi's import. See
bench/README.md ("Excel import").

    scripts/setup.sh db ckan_opdc_bench_excel
    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_excel) \\
        .venv/bin/python bench/run.py excel [--rows 10000] [--workers N]
        .venv/bin/python bench/run.py excel --rows 1000 --side-by-side

``--side-by-side`` imports the same workbook with one process and then with
``--workers`` (default: the configured count) in one run, emptying the
catalog before each, and reports the ratio.
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py excel")
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--workers", type=int, default=None,
                        help="import processes (default: ckanext.opdc_kpi.import_workers)")
    parser.add_argument("--side-by-side", action="store_true",
                        help="one process, then --workers, on the same workbook")
    args = parser.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    sys.path.insert(0, str(ROOT))
    from tests.factories_dga import dga_dataset_dict

    echo = lambda line: print(line, flush=True)  # noqa: E731
    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk

        from ckanext.opdc_kpi.excel.workbook import read_workbook
        from ckanext.opdc_kpi.excel.writer import write_workbook
        from ckanext.opdc_kpi.logic import workbooks as excel

        from ckanext.opdc_kpi.logic.workbooks import workers as excel_workers

        def empty_catalog() -> dict:
            _prepare(echo)
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
            context = {"user": site_user["name"], "ignore_auth": False}
            tk.get_action("organization_create")(dict(context), {"name": "bench-import"})
            return context

        rows = [dga_dataset_dict(name=f"DataSet_{n:05d}",
                                 resources=[{"name": "CSV", "format": "CSV",
                                             "url": f"https://d.example.go.th/{n}.csv"}])
                for n in range(args.rows)]
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "bench.xlsx"
            started = time.perf_counter()
            write_workbook(rows, path)
            write_s = time.perf_counter() - started
            size_mb = path.stat().st_size / 2**20
            started = time.perf_counter()
            workbook = read_workbook(path)
            read_s = time.perf_counter() - started
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
        results = excel.import_workbook(context, workbook, org="bench-import",
                                        progress=progress, workers=workers)
        import_s = time.perf_counter() - started
        errors = sum(r["action"] == "error" for r in results)
    figures = {
        "rows": args.rows, "workbook_mb": round(size_mb, 1),
        "write_workbook_s": round(write_s, 1), "read_workbook_s": round(read_s, 1),
        "import_s": round(import_s, 1), "per_dataset_ms": round(import_s * 1000 / args.rows, 1),
        "total_read_and_import_s": round(read_s + import_s, 1), "errors": errors,
        "workers": workers,
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
    return 0 if figures["bar_met"] and not errors else 1
