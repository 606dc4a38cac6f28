"""Search benchmark: 50,000 datasets, p50/p95 of the searches a catalog
mostly answers. See bench/README.md ("Search") for the method and figures.

    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_search) \\
        .venv/bin/python bench/run.py search [--datasets 50000] [--iterations 40] [--reseed]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import statistics
import time

HERE = pathlib.Path(__file__).resolve().parent
ALL_FACETS = ["organization", "owner_org", "groups", "tags", "res_format", "license_id",
              "data_category", "vocab_opdc_focus_areas"]
# bars from issue 3 (p95, milliseconds)
BARS = {"harvester_deep_page": 150, "thai_text_all_facets": 150,
        "organization_page": 150, "all_datasets_all_facets": 500}


def scenarios(seed) -> dict[str, dict]:
    biggest_org = seed.organizations()[0]
    return {
        # ckanext-harvest's CKAN harvester paging a national catalog
        "harvester_deep_page": {"q": "", "rows": 100, "start": 40000, "sort": "id asc"},
        # a Thai word inside longer words, ~2% of the datasets, the /dataset facets
        "thai_text_all_facets": {"q": seed.FISHERY, "rows": 20, "facet.field": ALL_FACETS,
                                 "facet.limit": 50},
        # the organization page of the biggest agency (what /organization/<name> sends)
        "organization_page": {"q": "", "fq": f'owner_org:"{biggest_org["id"]}"', "rows": 20,
                              "facet.field": ALL_FACETS, "facet.limit": 50},
        # the /dataset page: everything, every facet
        "all_datasets_all_facets": {"q": "*:*", "rows": 20, "facet.field": ALL_FACETS,
                                    "facet.limit": 50},
        # informational (no bar): the /dataset page after clicking "CSV" (~60%)
        "dataset_page_csv_filter": {"q": "", "fq": 'res_format:"CSV"', "rows": 20,
                                    "facet.field": ALL_FACETS, "facet.limit": 50},
        # informational (no bar): an incremental harvest's first page
        "harvester_incremental": {"q": "", "rows": 100, "start": 0, "sort": "id asc",
                                  "fq": "metadata_modified:[2025-06-01T00:00:00.123456Z TO *]"},
    }


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def _prepare_database(args, seed, echo) -> dict:
    import sqlalchemy as sa

    import ckan.model as model

    from ckanext.opdc_kpi.search.index import build_row

    engine = model.meta.engine
    if not sa.inspect(engine).has_table("package"):
        echo("creating CKAN's tables (ckan db init)")
        model.repo.init_db()
    # the search table's migrations live with the opdc_kpi plugin's; apply
    # them without loading that plugin (the benchmark loads the search only)
    import ckanext.opdc_kpi as package
    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(pathlib.Path(package.__file__).parent
                                  / "migration" / "opdc_kpi" / "alembic.ini")
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original
    with engine.connect() as connection:
        have = connection.execute(sa.text("SELECT count(*) FROM opdc_kpi_search")).scalar()
    if have != args.datasets or args.reseed:
        echo(f"seeding {args.datasets} datasets (search table had {have} rows)")
        started = time.perf_counter()
        raw = engine.raw_connection()
        try:
            seed.load(raw.dbapi_connection if hasattr(raw, "dbapi_connection") else raw,
                      args.datasets, build_row, echo=echo)
        finally:
            raw.close()
        echo(f"seeded in {time.perf_counter() - started:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        started = time.perf_counter()
        for table in ("opdc_kpi_search", "package", "\"group\"", "member", "package_tag"):
            connection.execute(sa.text(f"VACUUM ANALYZE {table}"))
        echo(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")
        size = connection.execute(sa.text(
            "SELECT pg_size_pretty(pg_table_size('opdc_kpi_search')), "
            "pg_size_pretty(pg_indexes_size('opdc_kpi_search'))")).one()
        echo(f"search table {size[0]} (+ indexes {size[1]})")
        settings = connection.execute(sa.text(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'), "
            "current_setting('work_mem'), current_setting('jit'), "
            "current_setting('max_parallel_workers_per_gather')")).one()
    return {"table": size[0], "indexes": size[1],
            "postgresql": "PostgreSQL {} shared_buffers={} work_mem={} jit={} "
                          "max_parallel_workers_per_gather={}".format(*settings)}


def _measure(name: str, params: dict, iterations: int, warmup: int, client) -> dict:
    import ckan.plugins.toolkit as tk

    action = tk.get_action("package_search")
    results = {}
    last = None
    timings = []
    for i in range(warmup + iterations):
        started = time.perf_counter()
        last = action({"user": ""}, dict(params))
        elapsed = (time.perf_counter() - started) * 1000
        if i >= warmup:
            timings.append(elapsed)
    results["action"] = timings
    http = []
    query = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            query.append((key, item))
    for i in range(warmup + iterations):
        started = time.perf_counter()
        response = client.get("/api/3/action/package_search", query_string=query)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        if i >= warmup:
            http.append(elapsed)
    results["http"] = http
    return {
        "count": last["count"],
        "returned": len(last["results"]),
        "facets": {k: len(v["items"]) for k, v in last["search_facets"].items()},
        **{f"{kind}_{stat}": round(fn(values), 1)
           for kind, values in results.items()
           for stat, fn in (("p50", lambda v: _percentile(v, 50)),
                            ("p95", lambda v: _percentile(v, 95)),
                            ("max", max))},
        "params": params,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py search")
    parser.add_argument("--datasets", type=int, default=50000)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--only", action="append", help="run only this scenario")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    import seed  # bench/search/seed.py (bench/run.py puts this folder on sys.path)

    echo = lambda line: print(line, flush=True)  # noqa: E731
    app = make_app(load_config(args.ini))
    flask_app = app._wsgi_app
    with flask_app.test_request_context():
        database = _prepare_database(args, seed, echo)
        echo(database["postgresql"])
        client = flask_app.test_client()
        report = {}
        for name, params in scenarios(seed).items():
            if args.only and name not in args.only:
                continue
            report[name] = _measure(name, params, args.iterations, args.warmup, client)
            r = report[name]
            bar = BARS.get(name)
            verdict = ("no bar" if bar is None else
                       f"bar p95 <= {bar}: {'ok' if r['http_p95'] <= bar else 'OVER BAR'}")
            echo(f"{name:26s} count={r['count']:6d}  action p50 {r['action_p50']:6.1f} "
                 f"p95 {r['action_p95']:6.1f} | HTTP p50 {r['http_p50']:6.1f} "
                 f"p95 {r['http_p95']:6.1f} ms  ({verdict})")
    record = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, "
                   f"Python {platform.python_version()}",
        "load_average_after": os.getloadavg(),
        "database": database,
        "datasets": args.datasets,
        "iterations": args.iterations,
        "scenarios": report,
    }
    pathlib.Path(args.out).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    echo(f"results written to {args.out}")
    return 0
