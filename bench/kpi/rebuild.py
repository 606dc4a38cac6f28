"""``ckan opdc-kpi figures rebuild``'s work in a process of its own, so its
memory is measured alone: prints one JSON line with the wall time and the
RSS high-water mark before and after (bench/kpi/main.py runs it).

    python bench/kpi/rebuild.py --ini bench/kpi/bench.ini
"""
from __future__ import annotations

import argparse
import json
import resource as rusage
import sys
import time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ini", required=True)
    args = parser.parse_args(argv)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        from ckanext.opdc_kpi.logic import score

        before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        count = score.rebuild_figures(None)
        wall = time.perf_counter() - started
        after = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"organizations": count, "wall_s": round(wall, 2),
                      "rss_before_mb": round(before / 1024, 1),
                      "rss_after_mb": round(after / 1024, 1),
                      "rss_growth_mb": round((after - before) / 1024, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
