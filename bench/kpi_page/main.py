"""The organization KPI page's server time (issue 18, item 5): ``GET
/organization/<org>/kpi`` of the 2,000-dataset organization of the KPI
benchmark's catalog (20,000 datasets in 200 organizations, seeded by SQL as
``bench/kpi`` does), as a sysadmin (who sees the harvest panel), beside what
one harvest check of that organization costs (what every render paid before
the page showed the last recorded check instead).

    scripts/setup.sh db ckan_opdc_bench_kpi
    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_kpi) \\
        .venv/bin/python bench/run.py kpi_page [--iterations 20]

Not in CI. Writes bench/kpi_page/results.json; exit status 1 when p50 > 300 ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import pathlib
import platform
import time

HERE = pathlib.Path(__file__).resolve().parent
BAR_MS = 300.0


def _kpi_bench():
    """bench/kpi/main.py: its catalog, seed and timing helpers."""
    path = HERE.parent / "kpi" / "main.py"
    spec = importlib.util.spec_from_file_location("opdc_bench_kpi_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py kpi_page")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--ini", default=str(HERE.parent / "kpi" / "bench.ini"))
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    kpi = _kpi_bench()

    import sqlalchemy as sa

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    echo = lambda line: print(line, flush=True)  # noqa: E731
    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins.toolkit as tk

        kpi._ensure_schema(echo)
        have = model.Session.execute(sa.text(
            "SELECT count(*) FROM package WHERE name LIKE 'bench-dataset-%'")).scalar()
        if have != kpi.N_DATASETS:
            kpi._seed(echo)
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        big_org = kpi._id("org", 0)
        org_name = model.Group.get(big_org).name
        token = tk.get_action("api_token_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"user": site_user["name"], "name": "bench-page"})["token"]
        check = tk.get_action("opdc_kpi_harvest_check")

        def run_check():
            check({"user": site_user["name"]}, {"id": big_org, "record": False})

        echo("one harvest check of the organization x3 (the old per-render cost) ...")
        check_ms = kpi._time(run_check, 3, warmup=1)
        check({"user": site_user["name"]}, {"id": big_org})   # a recorded one to show
        client = app._wsgi_app.test_client()

        # requests from another thread: this one's app context must not leak in
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1)

        def run_page():
            response = pool.submit(client.get, f"/organization/{org_name}/kpi?year=2565",
                                   headers={"Authorization": token}).result()
            assert response.status_code == 200, response.status_code
            assert b"opdc-kpi-harvest-summary" in response.data

        score = tk.get_action("opdc_kpi_score")

        def run_score():
            score({"user": site_user["name"]}, {"id": big_org, "fiscal_year": 2565})

        # the page and the score it shows, alternated in one run: their ratio is
        # what a shared machine's load leaves comparable
        page_ms: list[float] = []
        score_ms: list[float] = []
        echo(f"GET /organization/{org_name}/kpi and opdc_kpi_score, x{args.iterations} each ...")
        run_page(), run_score()
        for _ in range(args.iterations):
            page_ms += kpi._time(run_page, 1, warmup=0)
            score_ms += kpi._time(run_score, 1, warmup=0)

    figures = {
        "page_p50_ms": round(kpi._percentile(page_ms, 50), 1),
        "page_p95_ms": round(kpi._percentile(page_ms, 95), 1),
        "score_p50_ms": round(kpi._percentile(score_ms, 50), 1),
        "page_over_score": round(kpi._percentile(page_ms, 50) / kpi._percentile(score_ms, 50), 2),
        "harvest_check_p50_ms": round(kpi._percentile(check_ms, 50), 1),
    }
    met = figures["page_p50_ms"] <= BAR_MS
    for key, value in figures.items():
        echo(f"{key:24s} {value}")
    echo(f"{'page p50 <= 300 ms':24s} {'ok' if met else 'NOT MET'}")
    record = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, Python "
                   f"{platform.python_version()}",
        "load_average_after": os.getloadavg(), "iterations": args.iterations,
        "figures": figures, "bar_met": met,
    }
    pathlib.Path(args.out).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    echo(f"results written to {args.out}")
    return 0 if met else 1
