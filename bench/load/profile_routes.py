"""Where a route's time goes: cProfile of requests through Flask's test client.

    .venv/bin/python bench/load/profile_routes.py [--ini ckan.ini] [--repeat 10] PATH [PATH ...]

A PATH is ``GET /dataset/x`` style or just ``/dataset/x``; ``POST /api/3/action/name
{"json": 1}`` posts JSON. Requests carry a sysadmin token made for the run (it
expires, and is revoked at the end: ``sysadmin_token.py``). For each path: wall
time per request, the
share of the profiled time by where the code lives (self time of functions in this
extension, CKAN, Jinja2, SQLAlchemy, psycopg2 = waiting for PostgreSQL, ...) and the
extension's functions with the most cumulative time.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pathlib
import pstats
import sys
import time

from sysadmin_token import run_token  # beside this script

ROOT = pathlib.Path(__file__).resolve().parents[2]

BUCKETS = [
    ("this extension", "ckanext/opdc_kpi/"),
    ("ckanext-scheming", "ckanext/scheming/"),
    ("ckanext-activity", "ckanext/activity/"),
    ("CKAN", "/ckan/"),
    ("Jinja2 (templates)", "/jinja2/"),
    ("psycopg2 (PostgreSQL)", "psycopg2"),
    ("SQLAlchemy", "/sqlalchemy/"),
    ("Flask/Werkzeug", "/flask"),
    ("Flask/Werkzeug", "/werkzeug/"),
    ("Babel/i18n", "/babel/"),
]


def bucket(filename: str) -> str:
    if filename == "~":
        return "built-ins (C calls)"
    for name, needle in BUCKETS:
        if needle in filename:
            return name
    return "other Python"


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("paths", nargs="+")
    p.add_argument("--ini", default=str(ROOT / "ckan.ini"))
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--top", type=int, default=12)
    args = p.parse_args(argv)

    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    app = make_app(CKANConfigLoader(args.ini).get_config())
    client = app.test_client()
    venv = pathlib.Path(sys.executable).parent.parent
    with run_token(venv, args.ini, minutes=30, name="bench-profile") as token:
        profile(client, {"Authorization": token}, args)
    return 0


def profile(client, headers, args):
    for spec in args.paths:
        parts = spec.split(" ", 2)
        method, path, body = ("GET", parts[0], None) if len(parts) == 1 else (
            parts[0], parts[1], parts[2] if len(parts) > 2 else None)

        def call():
            if method == "POST":
                r = client.post(path, data=body or "{}", headers=dict(headers, **{"Content-Type": "application/json"}))
            else:
                r = client.get(path, headers=headers)
            assert r.status_code == 200, (r.status_code, path, r.data[:300])

        for _ in range(2):
            call()  # warm: templates compiled, caches filled
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            call()
        plain = (time.perf_counter() - t0) / args.repeat
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.repeat):
            call()
        prof.disable()
        stats = pstats.Stats(prof)
        total = sum(v[2] for v in stats.stats.values())  # self time of everything
        shares = {}
        for (filename, _, _), v in stats.stats.items():
            b = bucket(filename)
            shares[b] = shares.get(b, 0.0) + v[2]
        print(f"\n== {method} {path}: {plain * 1000:.1f} ms per request unprofiled "
              f"({args.repeat} requests)")
        print("   self time by where the code lives (profiled):")
        for b, t in sorted(shares.items(), key=lambda kv: -kv[1]):
            print(f"     {b:<24} {100 * t / total:5.1f} %")
        own = [(k, v) for k, v in stats.stats.items() if "ckanext/opdc_kpi/" in k[0]]
        own.sort(key=lambda kv: -kv[1][3])
        print(f"   this extension's functions by cumulative time (share of the request):")
        for (filename, line, func), v in own[: args.top]:
            rel = filename.split("ckanext/opdc_kpi/")[1]
            print(f"     {100 * v[3] / total:5.1f} %  {v[3] / args.repeat * 1000:7.1f} ms  "
                  f"{rel}:{line} {func}  ({v[1] // args.repeat} calls/request)")


if __name__ == "__main__":
    sys.exit(main())
