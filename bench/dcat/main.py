"""DCAT benchmark: what ckanext-dcat's endpoints cost at the search bench's
50,000 datasets (issue 29, item 6), on the PostgreSQL search and, with
``--backends pg,solr --solr-url <core>``, on Solr beside it in the same run
(the search bench's Solr side: its bulk indexing of the same seed, its switch
of the search plugin; the backends take turns, ``--rounds`` each):

- ``/catalog.ttl`` pages of 100 (the first page and a deep one) beside
  ``package_search`` of the same 100 (``/api/3/action/package_search``, same
  ``sort``, ``rows``, ``start``): the goal is a page within 3x of the search;
- one ``/dataset/<id>.jsonld``;
- the dataset page ``/dataset/<name>`` with ``structured_data`` (its
  schema.org block runs rdflib and pyld on every view) and without it (a
  process of its own, its ini without it).

    scripts/setup.sh db ckan_opdc_bench_dcat
    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_dcat) \\
        .venv/bin/python bench/run.py dcat [--datasets 50000] [--iterations 30]

(``make bench-dcat``; ``make bench-dcat-solr`` with Solr.)
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

import sqlalchemy as sa

HERE = pathlib.Path(__file__).resolve().parent
SEARCH = HERE.parent / "search"
WITHOUT_STRUCTURED_DATA = ("scheming_datasets scheming_organizations opdc_kpi "
                           "opdc_kpi_pgsearch dcat")


def _search_bench():
    """bench/search/main.py (its database preparation and percentiles) and its seed."""
    sys.path.insert(0, str(SEARCH))
    spec = importlib.util.spec_from_file_location("opdc_bench_search_main", SEARCH / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import seed

    return module, seed


def _times(client, url: str, runs: int, warmup: int, before=None, **query) -> list[float]:
    for _ in range(warmup):
        assert client.get(url, query_string=query).status_code == 200, url
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url, query_string=query)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    return out


def _stats(search_main, values: list[float]) -> dict:
    return {"p50": round(search_main._percentile(values, 50), 1),
            "p95": round(search_main._percentile(values, 95), 1), "n": len(values)}


def _page_only(args) -> dict:
    """The dataset page's times in this process (``--page-only``)."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    import ckan.plugins.toolkit as tk

    search_main, _ = _search_bench()
    app = make_app(load_config(args.ini))._wsgi_app
    with app.test_request_context():
        client = app.test_client()
        page = client.get(f"/dataset/{args.dataset}").get_data(as_text=True)
        times = _times(client, f"/dataset/{args.dataset}", args.iterations, args.warmup)
    return {**_stats(search_main, times), "json_ld_block": '"schema:Dataset"' in page,
            "plugins": tk.config.get("ckan.plugins")}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py dcat")
    parser.add_argument("--datasets", type=int, default=50000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cold-iterations", type=int, default=12,
                        help="runs of a catalog page with no fragment stored, and made "
                             "whole (each ~1 s)")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--page-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", default="", help=argparse.SUPPRESS)
    parser.add_argument("--backends", default="pg", help="pg, or pg,solr side by side")
    parser.add_argument("--solr-url", default=os.environ.get("CKAN_SOLR_URL", ""))
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns per backend per measure (side by side)")
    parser.add_argument("--out", default=None,
                        help="default results.json (pg,solr: results-solr.json)")
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.backends not in (["pg"], ["pg", "solr"]):
        parser.error("--backends: pg or pg,solr")
    if "solr" in args.backends:
        if not args.solr_url:
            parser.error("--backends pg,solr needs --solr-url (or CKAN_SOLR_URL)")
        os.environ["CKAN_SOLR_URL"] = args.solr_url  # CKAN's solr_url
    args.out = args.out or str(HERE / ("results-solr.json" if "solr" in args.backends
                                       else "results.json"))
    if args.page_only:
        print(json.dumps(_page_only(args)))
        return 0

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    search_main, seed = _search_bench()
    echo = lambda line: print(line, flush=True)  # noqa: E731
    began = time.perf_counter()
    app = make_app(load_config(args.ini))._wsgi_app
    report: dict = {}
    with app.test_request_context():
        database = search_main._prepare_database(args, seed, echo)
        echo(database["postgresql"])
        solr = (search_main._prepare_solr(args, seed, echo) if "solr" in args.backends
                else None)
        import ckan.plugins.toolkit as tk
        import solr_side  # bench/search/solr_side.py (on sys.path: _search_bench)

        client = app.test_client()
        solr_side.use("pg")
        first = tk.get_action("package_search")({"user": ""}, {"rows": 1})
        count = first["count"]
        dataset = first["results"][0]["name"]
        deep = max(1, count // 100 // 2)
        sort = "metadata_modified desc, id desc"

        def side_by_side(url: str, before=None, iterations=None,
                         **query) -> dict[str, list[float]]:
            """``url``'s times per backend, the backends taking turns
            (``before``: run before each request, outside its time)."""
            iterations = iterations or args.iterations
            times: dict[str, list[float]] = {backend: [] for backend in args.backends}
            for backend in args.backends:
                solr_side.use(backend)
                _times(client, url, 0, args.warmup, **query)
            for turn in range(args.rounds):
                runs = iterations // args.rounds + (1 if turn < iterations % args.rounds else 0)
                for backend in (args.backends if turn % 2 == 0 else args.backends[::-1]):
                    solr_side.use(backend)
                    times[backend] += _times(client, url, runs, 0, before, **query)
            solr_side.use("pg")
            return times

        from ckan import model
        from ckanext.opdc_kpi.dcat import fragments

        def forget_fragments():
            model.Session.execute(sa.text(f"DELETE FROM {fragments.TABLE}"))
            model.Session.commit()

        def whole(url: str, **query) -> dict[str, list[float]]:
            tk.config[fragments.CACHE_KEY] = False
            try:
                return side_by_side(url, iterations=args.cold_iterations, **query)
            finally:
                tk.config[fragments.CACHE_KEY] = True

        for label, page in (("first page", 1), (f"page {deep}", deep)):
            search = side_by_side("/api/3/action/package_search", q="*:*", rows=100,
                                  start=100 * (page - 1), sort=sort,
                                  fq="-dataset_type:harvest -dataset_type:showcase")
            # stored fragments (the page seen before: the warm-up stores them)
            catalog = side_by_side("/catalog.ttl", page=page)
            # none stored (every dataset changed since the page was last seen)
            cold = side_by_side("/catalog.ttl", before=forget_fragments,
                                iterations=args.cold_iterations, page=page)
            # ckanext.opdc_kpi.dcat.fragment_cache = false: the page made whole
            made_whole = whole("/catalog.ttl", page=page)
            for backend in args.backends:
                entry = {"package_search": _stats(search_main, search[backend]),
                         "catalog_ttl": _stats(search_main, catalog[backend]),
                         "catalog_ttl_no_fragments_stored": _stats(search_main, cold[backend]),
                         "catalog_ttl_fragment_cache_off": _stats(search_main,
                                                                  made_whole[backend])}
                for name, key in (("", "catalog_ttl"),
                                  ("_no_fragments_stored", "catalog_ttl_no_fragments_stored"),
                                  ("_fragment_cache_off", "catalog_ttl_fragment_cache_off")):
                    for p in ("p50", "p95"):
                        entry[f"ratio{name}_{p}"] = round(
                            entry[key][p] / entry["package_search"][p], 2)
                report[f"catalog {label}" + ("" if backend == "pg" else " (solr)")] = entry
                echo(f"{label:12s} {backend:4s} package_search p50 "
                     f"{entry['package_search']['p50']:7.1f} p95 "
                     f"{entry['package_search']['p95']:7.1f} | /catalog.ttl p50 "
                     f"{entry['catalog_ttl']['p50']:7.1f} p95 "
                     f"{entry['catalog_ttl']['p95']:7.1f} ms | ratio p50 "
                     f"{entry['ratio_p50']} p95 {entry['ratio_p95']} | none stored p50 "
                     f"{entry['catalog_ttl_no_fragments_stored']['p50']:7.1f} | cache off p50 "
                     f"{entry['catalog_ttl_fragment_cache_off']['p50']:7.1f} ms")
        jsonld = side_by_side(f"/dataset/{dataset}.jsonld")
        for backend in args.backends:
            key = "dataset jsonld" + ("" if backend == "pg" else " (solr)")
            report[key] = _stats(search_main, jsonld[backend])
            echo(f"/dataset/<id>.jsonld {backend:4s} p50 {report[key]['p50']:.1f} "
                 f"p95 {report[key]['p95']:.1f} ms")
    pages = {}
    for label, plugins in (("with structured_data", None),
                           ("without structured_data", WITHOUT_STRUCTURED_DATA)):
        ini = args.ini
        if plugins:
            variant = tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False)
            variant.write(f"[app:main]\nuse = config:{pathlib.Path(args.ini).resolve()}\n"
                          f"ckan.plugins = {plugins}\n")
            variant.close()
            ini = variant.name
        try:
            result = subprocess.run(
                [sys.executable, str(HERE.parent / "run.py"), "dcat", "--page-only",
                 "--dataset", dataset, "--ini", ini, "--iterations", str(args.iterations),
                 "--warmup", str(args.warmup)], capture_output=True, text=True, check=True)
        finally:
            if ini != args.ini:
                os.unlink(ini)
        pages[label] = json.loads(result.stdout.strip().splitlines()[-1])
        echo(f"/dataset/<name> {label:24s} p50 {pages[label]['p50']:.1f} "
             f"p95 {pages[label]['p95']:.1f} ms (JSON-LD block: {pages[label]['json_ld_block']})")
    report["dataset page"] = pages
    record = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, "
                   f"Python {platform.python_version()}",
        "load_average_after": os.getloadavg(),
        "bench_seconds": round(time.perf_counter() - began, 1),
        "database": database, "solr": solr, "backends": args.backends,
        "rounds": args.rounds, "datasets": args.datasets,
        "public_datasets": count, "iterations": args.iterations, "scenarios": report,
    }
    pathlib.Path(args.out).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    echo(f"results written to {args.out} ({record['bench_seconds']:.0f} s)")
    return 0
