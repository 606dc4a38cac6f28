"""Search benchmark: 50,000 datasets, p50/p95 of the searches a catalog
mostly answers, on the PostgreSQL search and (``--backends pg,solr``) on Apache
Solr side by side. See bench/README.md ("Search") for the method and figures.

    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_search) \\
        .venv/bin/python bench/run.py search [--datasets 50000] [--iterations 40] [--reseed]
        [--backends pg,solr --solr-url URL [--rebuild]]
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
from typing import Optional

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
        # informational: a DCAT catalog page's search, deep (issue 28: no slower elsewhere)
        "catalog_deep_page_by_modified": {"q": "*:*", "rows": 100, "start": 22100,
                                          "sort": "metadata_modified desc, id desc",
                                          "fq": "-dataset_type:harvest -dataset_type:showcase"},
        "harvester_incremental": {"q": "", "rows": 100, "start": 0, "sort": "id asc",
                                  "fq": "metadata_modified:[2025-06-01T00:00:00.123456Z TO *]"},
        # issue 28: the faceted pages as a member of a ~1,000-dataset organization
        # sees them (its private datasets in the counts, as the pages ask:
        # include_private); run as that user (MEMBER_SCENARIOS)
        "all_datasets_all_facets_member": {"q": "*:*", "rows": 20, "facet.field": ALL_FACETS,
                                           "facet.limit": 50, "include_private": True},
        "organization_page_member": {"q": "", "fq": 'owner_org:"{member_org}"', "rows": 20,
                                     "facet.field": ALL_FACETS, "facet.limit": 50,
                                     "include_private": True},
        "dataset_page_csv_filter_member": {"q": "", "fq": 'res_format:"CSV"', "rows": 20,
                                           "facet.field": ALL_FACETS, "facet.limit": 50,
                                           "include_private": True},
    }


MEMBER = "bench-member"
MEMBER_SCENARIOS = {"all_datasets_all_facets_member", "organization_page_member",
                    "dataset_page_csv_filter_member"}


def _member(echo) -> dict:
    """A user who is a member of the organization with the number of datasets
    nearest 1,000 (private ones among them), and an API token for the HTTP
    calls (revoked at the end of the run)."""
    import secrets

    import sqlalchemy as sa

    import ckan.lib.plugins as lib_plugins
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    org_id, datasets, private = model.Session.execute(sa.text(
        "SELECT owner_org, count(*), count(*) FILTER (WHERE private) FROM opdc_kpi_search "
        "WHERE state = 'active' GROUP BY owner_org HAVING count(*) FILTER (WHERE private) > 0 "
        "ORDER BY abs(count(*) - 1000), owner_org LIMIT 1")).one()
    user = model.User.get(MEMBER)
    if user is None:
        user = model.User(name=MEMBER, email="bench-member@example.org",
                          password=secrets.token_urlsafe(16))
        model.Session.add(user)
        model.Session.flush()
    # (a Member made with group_id alone is stored without it: its constructor
    # sets the group relationship to None, which wins at the flush)
    model.Session.query(model.Member).filter_by(
        table_name="user", table_id=user.id, group_id=None).delete()
    if not model.Session.query(model.Member).filter_by(
            table_name="user", table_id=user.id, group_id=org_id, state="active").count():
        model.Session.add(model.Member(table_name="user", table_id=user.id,
                                       group=model.Group.get(org_id),
                                       capacity="member", state="active"))
    model.Session.commit()
    labels = lib_plugins.get_permission_labels().get_user_dataset_labels(user)
    if f"member-{org_id}" not in labels:
        raise RuntimeError(f"{MEMBER} is not a member of {org_id}: labels {labels}")
    token = tk.get_action("api_token_create")(
        {"user": MEMBER, "ignore_auth": True}, {"user": MEMBER, "name": "bench-search"})["token"]
    echo(f"member of organization {org_id}: {datasets} active datasets, {private} private")
    return {"name": MEMBER, "token": token, "org": org_id, "datasets": datasets,
            "private": private}


def _revoke(member: dict) -> None:
    import ckan.plugins.toolkit as tk

    tk.get_action("api_token_revoke")({"user": member["name"], "ignore_auth": True},
                                      {"token": member["token"]})


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


def _timed(params: dict, runs: int, client,
           member: Optional[dict] = None) -> tuple[list[float], list[float], dict]:
    """``runs`` timed calls of the action, then ``runs`` of the HTTP API
    (anonymous, or as ``member`` with its API token)."""
    import ckan.plugins.toolkit as tk

    action = tk.get_action("package_search")
    query = [(key, item) for key, value in params.items()
             for item in (value if isinstance(value, list) else [value])]
    headers = {"Authorization": member["token"]} if member else {}
    import ckan.model as model

    direct, http, last = [], [], {}
    # package_search takes the permission labels from auth_user_obj, not from
    # "user" (without it, in this request context, the labels are anonymous's)
    user = model.User.get(member["name"]) if member else None
    for _ in range(runs):
        started = time.perf_counter()
        last = action({"user": member["name"] if member else "", "auth_user_obj": user},
                      dict(params))
        direct.append((time.perf_counter() - started) * 1000)
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/api/3/action/package_search", query_string=query,
                              headers=headers)
        http.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return direct, http, last


def _measure(params: dict, backends: list[str], iterations: int, warmup: int,
             rounds: int, client, member: Optional[dict] = None) -> dict[str, dict]:
    """Each backend in turn, ``rounds`` times (the order alternating), so both
    meet the same background load; ``warmup`` untimed runs per backend first."""
    import solr_side

    timings = {b: {"action": [], "http": [], "last": {}} for b in backends}
    for backend in backends:
        solr_side.use(backend)
        _timed(params, warmup, client, member)
    per_round = [iterations // rounds + (1 if r < iterations % rounds else 0)
                 for r in range(rounds)]
    for r, runs in enumerate(per_round):
        for backend in (backends if r % 2 == 0 else backends[::-1]):
            solr_side.use(backend)
            direct, http, last = _timed(params, runs, client, member)
            timings[backend]["action"] += direct
            timings[backend]["http"] += http
            timings[backend]["last"] = last
    out = {}
    for backend, t in timings.items():
        last = t.pop("last")
        out[backend] = {
            "count": last["count"],
            "returned": len(last["results"]),
            "facets": {k: len(v["items"]) for k, v in last["search_facets"].items()},
            **{f"{kind}_{stat}": round(fn(values), 1)
               for kind, values in t.items()
               for stat, fn in (("p50", lambda v: _percentile(v, 50)),
                                ("p95", lambda v: _percentile(v, 95)),
                                ("max", max))},
        }
    return out


def _prepare_solr(args, seed, echo) -> dict:
    import solr_side

    solr_side.use("solr")
    have = solr_side.solr_count()
    seconds = None
    if have != args.datasets or args.reseed:
        echo(f"indexing {args.datasets} datasets into Solr (core had {have} of this site)")
        seconds = round(solr_side.index_catalog(seed, args.datasets, echo), 1)
        echo(f"Solr indexed in {seconds} s; {solr_side.solr_count()} documents")
    size = solr_side.core_size(args.solr_url)
    echo(f"Solr core {args.solr_url}: {size}")
    solr_side.use(args.backends[0])
    return {"url": args.solr_url, "index_size": size, "bulk_index_seconds": seconds}


def _search_triggers(database_url: str, on: bool) -> Optional[float]:
    """The search table's triggers off, or on again with the bitmaps and the
    documents' values refilled from the table (seconds of the refill)."""
    import sqlalchemy as sa

    import update_cost  # bench/search/update_cost.py

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            for trigger in update_cost.TRIGGERS:
                connection.execute(sa.text(
                    f"ALTER TABLE opdc_kpi_search {'ENABLE' if on else 'DISABLE'} "
                    f"TRIGGER {trigger}"))
        if not on:
            return None
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT opdc_kpi_search_bits_rebuild()"))
            connection.execute(sa.text("SELECT opdc_kpi_search_values_rebuild()"))
        return round(time.perf_counter() - started, 1)
    finally:
        engine.dispose()


def _triggers_before(database_url: str, before: bool) -> None:
    """The search table's triggers as before migration a1c3e5f70108 (before), or
    a1c3e5f70108's again; committed."""
    import sqlalchemy as sa

    import trigger_cost  # bench/search/trigger_cost.py

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            for statement in (trigger_cost.before_sql() if before
                              else trigger_cost.after_sql()):
                connection.execute(sa.text(statement.replace(":", r"\:")))
    finally:
        engine.dispose()


def _rebuild(args, solr_side, echo) -> dict:
    """``ckan search-index rebuild`` per backend, one after the other, on this
    catalog or on a smaller one in its own database (its own ``ckan.site_id``, so
    its Solr documents and CKAN's orphan check leave this catalog's alone; they
    are deleted afterwards)."""
    env = {"CKAN_SOLR_URL": args.solr_url}
    own = args.rebuild_datasets != args.datasets
    if own:
        solr_side.seed_catalog(args.rebuild_datasets, args.rebuild_db_url, echo)
        env.update(CKAN_SQLALCHEMY_URL=args.rebuild_db_url,
                   CKAN_SITE_ID="opdc_kpi_bench_rebuild")
    echo(f"ckan search-index rebuild of {args.rebuild_datasets} datasets, each backend "
         f"{args.rebuild_repeats} times in alternating order")
    out = {"datasets": args.rebuild_datasets,
           "database": "its own" if own else "the benchmark's",
           "runs": {backend: [] for backend in args.backends}}
    inis = {"pg": args.ini, "solr": args.solr_ini, "pg_without": args.ini,
            "pg_before": args.ini}
    # issue 28: the PostgreSQL search's rebuild with the search table's triggers
    # (bitmaps, documents' values) off as well: the table written as before them;
    # and with the triggers as before migration a1c3e5f70108 (no WHEN conditions)
    order = list(args.backends) + (["pg_before", "pg_without"] if "pg" in args.backends
                                   else [])
    out["runs"] = {backend: [] for backend in order}
    database_url = env.get("CKAN_SQLALCHEMY_URL") or os.environ["CKAN_SQLALCHEMY_URL"]
    for turn in range(args.rebuild_repeats):
        for backend in (order if turn % 2 == 0 else order[::-1]):
            if backend == "pg_without":
                _search_triggers(database_url, False)
            if backend == "pg_before":
                _triggers_before(database_url, True)
            try:
                run = solr_side.time_rebuild(backend, inis[backend], env, echo)
            finally:
                if backend == "pg_without":
                    run_refill = _search_triggers(database_url, True)
                if backend == "pg_before":
                    _triggers_before(database_url, False)
            if backend == "pg_without":
                run["refill_seconds"] = run_refill
            run["load_average_after"] = os.getloadavg()
            out["runs"][backend].append(run)
            echo(f"  {backend}: {run['seconds']} s (indexing {run['indexing_seconds']} s)"
                 + (f", then the tables refilled in {run_refill} s"
                    if backend == "pg_without" else ""))
    for backend, runs in out["runs"].items():
        out[backend] = {key: round(statistics.mean(r[key] for r in runs), 1)
                        for key in ("seconds", "indexing_seconds")}
    if "pg_without" in out:
        out["ratio_pg_to_pg_without"] = round(
            out["pg"]["indexing_seconds"] / out["pg_without"]["indexing_seconds"], 2)
        out["ratio_pg_before_to_pg_without"] = round(
            out["pg_before"]["indexing_seconds"] / out["pg_without"]["indexing_seconds"], 2)
    if len(args.backends) == 2:
        out["ratio_solr_to_pg"] = round(
            out["solr"]["indexing_seconds"] / out["pg"]["indexing_seconds"], 2)
    if own and "solr" in args.backends:
        import pysolr
        pysolr.Solr(args.solr_url, timeout=120).delete(
            q='+site_id:"opdc_kpi_bench_rebuild"', commit=True)
    return out


def _scenarios(wanted: dict, member: Optional[dict], args, client, echo) -> dict:
    import solr_side  # noqa: F401 - on sys.path (bench/run.py)

    report = {}
    for name, params in wanted.items():
        as_member = member if name in MEMBER_SCENARIOS else None
        if as_member:
            params = {k: (v.replace("{member_org}", member["org"]) if isinstance(v, str) else v)
                      for k, v in params.items()}
        report[name] = {"params": params, **_measure(
            params, args.backends, args.iterations, args.warmup, args.rounds, client,
            as_member)}
        for backend in args.backends:
            r = report[name][backend]
            bar = BARS.get(name) if backend == "pg" else None
            verdict = ("" if bar is None else
                       f"  (bar p95 <= {bar}: {'ok' if r['http_p95'] <= bar else 'OVER BAR'})")
            echo(f"{name:26s} {backend:4s} count={r['count']:6d}  action p50 "
                 f"{r['action_p50']:6.1f} p95 {r['action_p95']:6.1f} | HTTP p50 "
                 f"{r['http_p50']:6.1f} p95 {r['http_p95']:6.1f} ms{verdict}")
        if len(args.backends) == 2:
            pg, sr = report[name]["pg"], report[name]["solr"]
            report[name]["ratio_solr_to_pg"] = {
                key: round(sr[key] / pg[key], 2) for key in
                ("action_p50", "action_p95", "http_p50", "http_p95") if pg[key]}
            echo(f"{'':26s} Solr/pg HTTP p50 {report[name]['ratio_solr_to_pg']['http_p50']}"
                 f"  p95 {report[name]['ratio_solr_to_pg']['http_p95']}")
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py search")
    parser.add_argument("--datasets", type=int, default=50000)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4,
                        help="turns per backend per scenario (side by side)")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--backends", default="pg",
                        help="pg, solr or pg,solr (side by side in one run)")
    parser.add_argument("--solr-url", default=os.environ.get("CKAN_SOLR_URL", ""),
                        help="the Solr core for --backends solr (default: CKAN_SOLR_URL)")
    parser.add_argument("--rebuild", action="store_true",
                        help="also time `ckan search-index rebuild` per backend")
    parser.add_argument("--rebuild-datasets", type=int, default=0,
                        help="the rebuilds' catalog (default: this one, --datasets); "
                             "smaller: seeded in --rebuild-db-url")
    parser.add_argument("--rebuild-db-url", default="")
    parser.add_argument("--rebuild-repeats", type=int, default=2,
                        help="rebuilds per backend, in alternating order (pg solr solr pg)")
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--solr-ini", default=str(HERE / "bench-solr.ini"))
    parser.add_argument("--only", action="append", help="run only this scenario")
    parser.add_argument("--worst", action="store_true",
                        help="the worst searches the request limits accept, beside *:* "
                             "(bench/search/worst.py), instead of the scenarios")
    parser.add_argument("--worst-rounds", type=int, default=5)
    parser.add_argument("--thai-recall", action="store_true",
                        help="each Thai word of the titles searched alone on both backends, "
                             "hits compared (bench/search/thai_recall.py), instead of the "
                             "scenarios; needs --backends pg,solr")
    parser.add_argument("--update-cost", action="store_true",
                        help="also package_patch with the search's triggers on and off "
                             "(bench/search/update_cost.py), before the scenarios")
    parser.add_argument("--out", default=None,
                        help="default results.json (--worst: results-worst.json)")
    args = parser.parse_args(argv)
    args.out = args.out or str(HERE / ("results-worst.json" if args.worst else
                                       "results-thai-recall.json" if args.thai_recall
                                       else "results.json"))
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not args.backends or set(args.backends) - {"pg", "solr"}:
        parser.error("--backends: pg, solr or pg,solr")
    args.rebuild_datasets = args.rebuild_datasets or args.datasets
    if args.rebuild and args.rebuild_datasets != args.datasets and not args.rebuild_db_url:
        parser.error("--rebuild-datasets other than --datasets needs --rebuild-db-url")
    if args.thai_recall and args.backends != ["pg", "solr"]:
        parser.error("--thai-recall compares both backends: --backends pg,solr")
    if "solr" in args.backends:
        if not args.solr_url:
            parser.error("--backends solr needs --solr-url (or CKAN_SOLR_URL)")
        os.environ["CKAN_SOLR_URL"] = args.solr_url  # CKAN's solr_url

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    import seed  # bench/search/seed.py (bench/run.py puts this folder on sys.path)
    import solr_side

    echo = lambda line: print(line, flush=True)  # noqa: E731
    began = time.perf_counter()
    app = make_app(load_config(args.ini))
    flask_app = app._wsgi_app
    with flask_app.test_request_context():
        database = _prepare_database(args, seed, echo)
        echo(database["postgresql"])
        solr = _prepare_solr(args, seed, echo) if "solr" in args.backends else None
        client = flask_app.test_client()
        report = {}
        if args.worst:
            import worst  # bench/search/worst.py

            report = worst.run(client, args.worst_rounds, echo, args.only)
        if args.thai_recall:
            import thai_recall  # bench/search/thai_recall.py

            started = time.perf_counter()
            words = thai_recall.thai_words(
                pkg["title"] for pkg, _validated, _labels in seed.datasets(args.datasets))
            echo(f"{len(words)} Thai words in the titles (Solr's ThaiTokenizer)")
            report = thai_recall.measure(words, thai_recall.query_search(args.datasets + 1))
            report["seconds"] = round(time.perf_counter() - started, 1)
            for line in thai_recall.lines(report):
                echo(line)
        if args.update_cost:
            import update_cost  # bench/search/update_cost.py

            report = {"update_cost": update_cost.run(echo)}
        wanted = {name: params for name, params in
                  ({} if args.worst or args.thai_recall else scenarios(seed)).items()
                  if not args.only or name in args.only}
        member = _member(echo) if MEMBER_SCENARIOS & set(wanted) else None
        member_record = {k: v for k, v in (member or {}).items() if k != "token"}
        try:
            report.update(_scenarios(wanted, member, args, client, echo))
        finally:
            if member:
                _revoke(member)
        solr_side.use("pg")
    rebuild = {}
    if args.rebuild:
        rebuild = _rebuild(args, solr_side, echo)
    record = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, "
                   f"Python {platform.python_version()}",
        "load_average_after": os.getloadavg(),
        "bench_seconds": round(time.perf_counter() - began, 1),
        "database": database,
        "solr": solr,
        "backends": args.backends,
        "datasets": args.datasets,
        "iterations": args.iterations,
        "rounds": args.rounds,
        "scenarios": report,
        "member": member_record if not args.worst else {},
        "rebuild": rebuild,
    }
    pathlib.Path(args.out).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    echo(f"results written to {args.out} ({record['bench_seconds']:.0f} s)")
    return 0
