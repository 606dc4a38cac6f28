"""Harvest check benchmark: ``opdc_kpi_harvest_check`` over the search
benchmark's 50,000-dataset catalog (bench/search seeds it).

    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_search) \\
        .venv/bin/python bench/harvest/main.py [--iterations 3]

Measures the whole-catalog check (anonymous: 45,000 public datasets, 451
harvester pages, plus the incremental walk) and the check of the largest
organization, both without recording. Applies the extension's migrations
first (the check's record table). See bench/README.md ("Harvest check").
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def _largest_organization():
    import sqlalchemy as sa

    import ckan.model as model

    row = model.Session.execute(sa.text(
        'SELECT g.name, count(*) AS n FROM package p JOIN "group" g ON g.id = p.owner_org '
        "WHERE p.state = 'active' GROUP BY g.name ORDER BY n DESC LIMIT 1")).first()
    return row.name, row.n


def _run(context, data, iterations):
    import ckan.plugins.toolkit as tk

    times, result = [], None
    for _ in range(iterations):
        started = time.perf_counter()
        result = tk.get_action("opdc_kpi_harvest_check")(dict(context), dict(data))
        times.append(time.perf_counter() - started)
    return {
        "seconds_median": round(statistics.median(times), 2),
        "seconds_max": round(max(times), 2),
        "runs": iterations,
        "seen": result["seen"], "expected": result["expected"],
        "requests": result["paging"]["requests"] + (result["incremental"].get("requests") or 0),
        "paging_ok": result["paging_ok"],
        "problems": len(result["problems"]), "hidden": len(result["hidden"]),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/harvest/main.py")
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)

    from ckan.cli import load_config
    from ckan.cli.db import _run_migrations
    from ckan.config.middleware import make_app
    import ckan.plugins.toolkit as tk

    app = make_app(load_config(args.ini))
    report = {}
    with app._wsgi_app.test_request_context():
        _run_migrations("opdc_kpi")
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"]}
        org, size = _largest_organization()
        scenarios = {
            f"organization {org} ({size} datasets)": {"id": org, "record": False},
            "whole catalog, anonymous": {"record": False},
        }
        for name, data in scenarios.items():
            report[name] = _run(context, data, args.iterations)
            r = report[name]
            print(f"{name:40s} median {r['seconds_median']:7.2f} s  max {r['seconds_max']:7.2f} s"
                  f"  seen {r['seen']}/{r['expected']}  requests {r['requests']}"
                  f"  paging_ok {r['paging_ok']}", flush=True)
    record = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, "
                   f"Python {platform.python_version()}",
        "load_average_after": os.getloadavg(),
        "scenarios": report,
    }
    pathlib.Path(args.out).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
