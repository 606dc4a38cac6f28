"""KPI benchmark: 20,000 DGA datasets in 200 organizations (3 resources each).

Measures, side by side in one run: ``opdc_kpi_score_list``, ``opdc_kpi_score``
of the 2,000-dataset organization, the same scores computed from
``package_show`` dicts one dataset at a time, and a bare SQL read of the same
columns; plus the list's peak memory growth. See bench/README.md ("KPI").

    scripts/setup.sh db ckan_opdc_bench_kpi
    CKAN_SQLALCHEMY_URL=$(scripts/setup.sh db-url ckan_opdc_bench_kpi) \\
        .venv/bin/python bench/run.py kpi [--iterations 20] [--reseed] [--full-baseline]

CKAN 2.12 only (the seed writes dataset extras into 2.12's JSONB column).
"""
from __future__ import annotations

import argparse
import copy
import importlib
import datetime as dt
import json
import os
import pathlib
import platform
import random
import resource as rusage
import statistics
import sys
import time
import tracemalloc
import uuid

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
N_ORGS = 200
N_DATASETS = 20000
BIG_ORG_DATASETS = 2000
RESOURCES_PER_DATASET = 3
FISCAL_YEAR = 2565
NAMESPACE = uuid.UUID("0c6b7a8e-3d51-4a1f-9b0e-00000000b2b2")
FOCUS = ["economy", "agriculture", "tourism", "income-employment", "welfare-equality", "health",
         "education", "environment", "public-administration", "security"]
FORMATS = [("CSV", 40), ("XLSX", 25), ("PDF", 15), ("JSON", 8), ("XLS", 7), ("SHP", 5)]
CATEGORIES = [("ข้อมูลสาธารณะ", 70), ("ข้อมูลใช้ภายใน", 15), ("ข้อมูลส่วนบุคคล", 10),
              ("ข้อมูลความลับทางราชการ", 5)]
BARS = {"list_s": 2.0, "score_p50_ms": 300.0, "speedup": 50.0, "memory_mb": 300.0}


def _id(kind: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{n}"))


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def _owner_of(n: int) -> int:
    """Organization number of dataset n: the first holds 2,000, the other
    199 share the rest evenly."""
    if n < BIG_ORG_DATASETS:
        return 0
    return 1 + (n - BIG_ORG_DATASETS) % (N_ORGS - 1)


def _ensure_schema(echo) -> None:
    import sqlalchemy as sa

    import ckan.model as model

    if not sa.inspect(model.meta.engine).has_table("package"):
        echo("creating CKAN's tables (ckan db init)")
        model.repo.init_db()
    import ckanext.opdc_kpi as package

    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(pathlib.Path(package.__file__).parent
                                  / "migration" / "opdc_kpi" / "alembic.ini")
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original


def _rows(connection, sql: str, **params) -> list[dict]:
    import sqlalchemy as sa

    return [dict(r._mapping) for r in connection.execute(sa.text(sql), params)]


def _insert(cursor, table: str, rows: list[dict], jsonb: set[str]) -> None:
    from psycopg2.extras import Json, execute_values

    if not rows:
        return
    columns = list(rows[0])
    values = [[Json(r[c]) if c in jsonb and r[c] is not None else r[c] for c in columns]
              for r in rows]
    execute_values(cursor, f'INSERT INTO {table} ({", ".join(columns)}) VALUES %s', values,
                   page_size=1000)


def _seed(echo) -> None:
    """One organization and one dataset through the actions (the DGA schema
    decides how they are stored), then bulk copies with varied metadata."""
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    sys.path.insert(0, str(ROOT))
    from tests.factories_dga import dga_dataset_dict

    started = time.perf_counter()
    model.repo.delete_all()
    # delete_all empties the focus-area vocabulary its migration made: again
    vocabulary = importlib.import_module("ckanext.opdc_kpi.migration.opdc_kpi.versions."
                                         "d5e6f7a80001_focus_area_vocabulary")
    with model.meta.engine.begin() as connection:
        vocabulary.create(connection)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    org = tk.get_action("organization_create")(dict(context), {
        "name": "bench-template-org", "title": "หน่วยงานต้นแบบ",
        "focus_areas": ["tourism", "health"], "catalog_url": "https://catalog.example.go.th"})
    template = tk.get_action("package_create")(dict(context), dga_dataset_dict(
        name="bench-template", owner_org=org["id"], mission="ภารกิจ", work_process="กระบวนการ",
        resources=[{"name": f"r{i}", "url": f"https://data.example.go.th/{i}.csv",
                    "format": "CSV"} for i in range(RESOURCES_PER_DATASET)]))
    with model.meta.engine.connect() as connection:
        group_row = _rows(connection, 'SELECT * FROM "group" WHERE id = :id', id=org["id"])[0]
        package_row = _rows(connection, "SELECT * FROM package WHERE id = :id",
                            id=template["id"])[0]
        resource_rows = _rows(connection, "SELECT * FROM resource WHERE package_id = :id "
                              "ORDER BY position", id=template["id"])
        tag_rows = _rows(connection, "SELECT * FROM package_tag WHERE package_id = :id",
                         id=template["id"])
        jsonb = {r["column_name"] for r in _rows(
            connection, "SELECT column_name FROM information_schema.columns "
            "WHERE table_name IN ('package', 'group', 'resource') AND data_type = 'jsonb'")}
    rng = random.Random(20261124)
    groups = []
    for n in range(N_ORGS):
        row = copy.deepcopy(group_row)
        extras = dict(row["extras"] or {})
        extras["focus_areas"] = json.dumps(rng.sample(FOCUS, rng.randint(1, 3)))
        if n % 10 == 9:
            extras.pop("catalog_url", None)
        row.update(id=_id("org", n), name=f"bench-org-{n:03d}",
                   title=f"หน่วยงานทดสอบที่ {n + 1}", extras=extras)
        groups.append(row)
    org_focus = {g["id"]: json.loads(g["extras"]["focus_areas"]) for g in groups}
    focus_tags = {}
    with model.meta.engine.connect() as connection:
        vocab = connection.execute(sa.text(
            "SELECT id FROM vocabulary WHERE name = 'opdc_focus_areas'")).scalar()
        for code in FOCUS:
            tag_id = connection.execute(sa.text(
                "SELECT id FROM tag WHERE name = :n AND vocabulary_id = :v"),
                {"n": code, "v": vocab}).scalar()
            focus_tags[code] = tag_id
        focus_tag_ids = set(focus_tags.values())
    packages, resources, package_tags = [], [], []
    for n in range(N_DATASETS):
        org_id = _id("org", _owner_of(n))
        row = copy.deepcopy(package_row)
        extras = dict(row["extras"] or {})
        category = _weighted(rng, CATEGORIES)
        extras["data_category"] = category
        roll = rng.random()
        extras["kpi_years"] = json.dumps([FISCAL_YEAR] if roll < 0.75 else
                                         [FISCAL_YEAR - 1, FISCAL_YEAR] if roll < 0.85 else
                                         [FISCAL_YEAR + 1])
        if rng.random() < 0.1:  # made before the schema: an item missing
            extras.pop(rng.choice(["geo_coverage", "data_source", "objective"]), None)
        if rng.random() < 0.2:
            extras["single_source_of_truth"] = "True"
        if rng.random() < 0.05:
            extras["use_case_url"] = f"https://report.example.go.th/{n}"
            extras["use_case_description"] = "ใช้ประกอบการตัดสินใจเชิงนโยบาย"
        focus = rng.choice(org_focus[org_id]) if rng.random() < 0.9 else rng.choice(FOCUS)
        row.update(id=_id("pkg", n), name=f"bench-dataset-{n:05d}",
                   title=f"ชุดข้อมูลทดสอบที่ {n + 1}", owner_org=org_id,
                   private=rng.random() < 0.1, extras=extras,
                   license_id="Open Data Common" if category == "ข้อมูลสาธารณะ"
                   else "License not specified")
        packages.append(row)
        for i, template_resource in enumerate(resource_rows):
            res = copy.deepcopy(template_resource)
            fmt = _weighted(rng, FORMATS)
            res.update(id=_id(f"res{i}", n), package_id=row["id"], format=fmt,
                       url=f"https://data.example.go.th/{n}/{i}.{fmt.lower()}")
            resources.append(res)
        for template_tag in tag_rows:
            tag = copy.deepcopy(template_tag)
            if tag["tag_id"] in focus_tag_ids:
                tag["tag_id"] = focus_tags[focus]
            tag.update(id=str(uuid.uuid5(NAMESPACE, f"pt-{n}-{tag['tag_id']}")),
                       package_id=row["id"])
            package_tags.append(tag)
    raw = model.meta.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DELETE FROM package_tag WHERE package_id = %s", (template["id"],))
        cursor.execute("DELETE FROM resource WHERE package_id = %s", (template["id"],))
        cursor.execute("DELETE FROM opdc_kpi_search WHERE id = %s", (template["id"],))
        for table in ("activity", "package_member", "member"):
            try:
                cursor.execute("SAVEPOINT s")
                column = "object_id" if table == "activity" else "table_id"
                cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", (template["id"],))
            except Exception:  # a table absent on this site
                cursor.execute("ROLLBACK TO SAVEPOINT s")
        cursor.execute("DELETE FROM package WHERE id = %s", (template["id"],))
        cursor.execute('DELETE FROM member WHERE group_id = %s', (org["id"],))
        cursor.execute('DELETE FROM "group" WHERE id = %s', (org["id"],))
        _insert(cursor, '"group"', groups, jsonb)
        _insert(cursor, "package", packages, jsonb)
        _insert(cursor, "resource", resources, jsonb)
        _insert(cursor, "package_tag", package_tags, jsonb)
        raw.commit()
    finally:
        raw.close()
    with model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for table in ("package", '"group"', "resource", "package_tag", "tag"):
            c.execute(sa.text(f"VACUUM ANALYZE {table}"))
    echo(f"seeded {N_ORGS} organizations, {N_DATASETS} datasets, "
         f"{len(resources)} resources in {time.perf_counter() - started:.0f} s")


def _bare_read(org_ids: list[str]) -> int:
    """The same columns the fast path reads, fetched and not shaped."""
    import sqlalchemy as sa

    import ckan.model as model

    session = model.Session
    rows = session.execute(sa.text(
        "SELECT id, name, title, notes, private, state, owner_org, type, maintainer, "
        "maintainer_email, license_id, metadata_modified, extras FROM package "
        "WHERE owner_org = ANY(:o) AND state = 'active' AND type = 'dataset'"),
        {"o": org_ids}).all()
    ids = [r.id for r in rows]
    n = len(rows)
    n += len(session.execute(sa.text(
        "SELECT pt.package_id, t.name, t.vocabulary_id FROM package_tag pt JOIN tag t "
        "ON t.id = pt.tag_id WHERE pt.package_id = ANY(:ids) AND pt.state = 'active'"),
        {"ids": ids}).all())
    n += len(session.execute(sa.text(
        "SELECT package_id, url, format, extras FROM resource WHERE package_id = ANY(:ids) "
        "AND state = 'active'"), {"ids": ids}).all())
    n += len(session.execute(sa.text(
        'SELECT id, name, title, extras FROM "group" WHERE id = ANY(:o)'), {"o": org_ids}).all())
    return n


def _time(fn, iterations: int, warmup: int = 2) -> list[float]:
    timings = []
    for i in range(warmup + iterations):
        started = time.perf_counter()
        fn()
        if i >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _package_show_path(org_id: str, package_ids: list[str], context: dict) -> dict:
    """What a naive implementation does: package_show each dataset, then score."""
    import ckan.plugins.toolkit as tk

    from ckanext.opdc_kpi import scoring
    from ckanext.opdc_kpi.logic import site as rules

    show = tk.get_action("package_show")
    org = tk.get_action("organization_show")(dict(context), {"id": org_id})
    datasets = [show(dict(context), {"id": pid}) for pid in package_ids]
    return scoring.score_organization(
        org, datasets, fiscal_year=FISCAL_YEAR, today=rules.today(), rules=rules.from_config(),
        catalog_url=rules.fallback_catalog_url(), lang=rules.request_language(),
        public_only=False, assessments=[])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py kpi")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--full-baseline", action="store_true",
                        help="package_show all 20,000 datasets for the list baseline "
                             "(default: the 2,000 of the big organization, per dataset cost)")
    parser.add_argument("--ini", default=str(HERE / "bench.ini"))
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)

    import sqlalchemy as sa

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    echo = lambda line: print(line, flush=True)  # noqa: E731
    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins.toolkit as tk

        from ckanext.opdc_kpi.logic import score as kpi_action
        from ckanext.opdc_kpi.logic.score import reader

        _ensure_schema(echo)
        have = model.Session.execute(sa.text(
            "SELECT count(*) FROM package WHERE name LIKE 'bench-dataset-%'")).scalar()
        if have != N_DATASETS or args.reseed:
            _seed(echo)
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"]}
        big_org = _id("org", 0)
        all_orgs = [_id("org", n) for n in range(N_ORGS)]
        big_ids = [r[0] for r in model.Session.execute(sa.text(
            "SELECT id FROM package WHERE owner_org = :o AND state = 'active' ORDER BY name"),
            {"o": big_org})]
        score_list = tk.get_action("opdc_kpi_score_list")
        score = tk.get_action("opdc_kpi_score")

        def run_list():
            return score_list(dict(context), {"fiscal_year": FISCAL_YEAR})

        def run_score():
            return score(dict(context), {"id": big_org, "fiscal_year": FISCAL_YEAR})

        echo(f"opdc_kpi_score_list x{max(3, args.iterations // 4)} ...")
        list_ms = _time(run_list, max(3, args.iterations // 4))
        echo(f"opdc_kpi_score (2,000 datasets) x{args.iterations} ...")
        score_ms = _time(run_score, args.iterations)
        bare_big_ms = _time(lambda: _bare_read([big_org]), args.iterations)
        bare_all_ms = _time(lambda: _bare_read(all_orgs), max(3, args.iterations // 4))
        fast_report = run_score()

        # the admin page (issue 7): the list plus rendering 200 rows and the charts
        import ckan.model as ckan_model

        sysadmin = ckan_model.User.get(site_user["name"])
        client = app._wsgi_app.test_client()
        token = tk.get_action("api_token_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"user": sysadmin.name, "name": "bench"})["token"]

        # requests from another thread: this one's app context (and its
        # cached anonymous user) must not be shared with the page's request
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1)

        def run_page():
            response = pool.submit(client.get, "/ckan-admin/opdc-kpi?year=2565",
                                   headers={"Authorization": token}).result()
            assert response.status_code == 200, response.status_code

        echo(f"GET /ckan-admin/opdc-kpi x{max(3, args.iterations // 4)} ...")
        page_ms = _time(run_page, max(3, args.iterations // 4))

        echo("package_show path for the 2,000-dataset organization ...")
        started = time.perf_counter()
        slow_report = _package_show_path(big_org, big_ids, context)
        slow_big_ms = (time.perf_counter() - started) * 1000
        same_result = slow_report == fast_report
        if args.full_baseline:
            echo("package_show path for all 20,000 datasets ...")
            started = time.perf_counter()
            for org_id in all_orgs:
                ids = [r[0] for r in model.Session.execute(sa.text(
                    "SELECT id FROM package WHERE owner_org = :o AND state = 'active'"),
                    {"o": org_id})]
                _package_show_path(org_id, ids, context)
            slow_list_ms = (time.perf_counter() - started) * 1000
            slow_list_kind = "measured"
        else:
            slow_list_ms = slow_big_ms / len(big_ids) * N_DATASETS
            slow_list_kind = "per-dataset cost of the 2,000 measured above x 20,000"

        model.Session.remove()
        tracemalloc.start()
        rss_before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
        run_list()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_growth_kb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss - rss_before
        check = kpi_action.score_organizations(reader.organizations([big_org]),
                                               fiscal_year=FISCAL_YEAR, public_only=False)[0]
        basket = check["basket"]

    figures = {
        "list_p50_ms": round(statistics.median(list_ms), 1),
        "list_max_ms": round(max(list_ms), 1),
        "score_big_org_p50_ms": round(_percentile(score_ms, 50), 1),
        "score_big_org_p95_ms": round(_percentile(score_ms, 95), 1),
        "bare_sql_big_org_p50_ms": round(_percentile(bare_big_ms, 50), 1),
        "bare_sql_all_p50_ms": round(_percentile(bare_all_ms, 50), 1),
        "package_show_path_big_org_ms": round(slow_big_ms, 1),
        "package_show_path_all_ms": round(slow_list_ms, 1),
        "package_show_path_all_kind": slow_list_kind,
        "speedup_score_vs_package_show": round(slow_big_ms / _percentile(score_ms, 50), 1),
        "speedup_list_vs_package_show": round(slow_list_ms / statistics.median(list_ms), 1),
        "score_vs_bare_sql": round(_percentile(score_ms, 50) / _percentile(bare_big_ms, 50), 2),
        "list_vs_bare_sql": round(statistics.median(list_ms) / _percentile(bare_all_ms, 50), 2),
        "admin_page_p50_ms": round(statistics.median(page_ms), 1),
        "admin_page_minus_list_ms": round(statistics.median(page_ms) - statistics.median(list_ms), 1),
        "list_peak_traced_mb": round(peak / 2**20, 1),
        "list_rss_growth_mb": round(rss_growth_kb / 1024, 1),
        "fast_path_equals_package_show_path": same_result,
        "big_org_basket": basket,
    }
    verdicts = {
        "list <= 2 s": figures["list_p50_ms"] <= BARS["list_s"] * 1000,
        "score p50 <= 300 ms": figures["score_big_org_p50_ms"] <= BARS["score_p50_ms"],
        "score >= 50x package_show": figures["speedup_score_vs_package_show"] >= BARS["speedup"],
        "list >= 50x package_show": figures["speedup_list_vs_package_show"] >= BARS["speedup"],
        "list memory <= 300 MB": figures["list_peak_traced_mb"] <= BARS["memory_mb"],
        "same result": same_result,
        "admin page <= list + 500 ms": statistics.median(page_ms) - statistics.median(list_ms) <= 500,
    }
    for key, value in figures.items():
        echo(f"{key:38s} {value}")
    for key, ok in verdicts.items():
        echo(f"{key:38s} {'ok' if ok else 'NOT MET'}")
    record = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs {platform.machine()}, Python "
                   f"{platform.python_version()}",
        "load_average_after": os.getloadavg(),
        "datasets": N_DATASETS, "organizations": N_ORGS, "iterations": args.iterations,
        "figures": figures, "bars_met": verdicts,
    }
    pathlib.Path(args.out).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    echo(f"results written to {args.out}")
    return 0 if all(verdicts.values()) else 1
