"""``ckan opdc-kpi figures rebuild``'s work in a process of its own, so its
memory is measured alone: prints one JSON line with the wall time, the
number of worker processes (the command's default: one per CPU, at most 4)
and the RSS high-water marks before and after (bench/kpi/main.py runs it).
Memory growth counts every process: the parent's growth plus, for each
worker, the largest worker's high-water mark above the parent's RSS when it
forked them (an upper bound: forked pages shared with the parent count in
each worker's RSS).

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
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        from ckanext.opdc_kpi.logic import score
        workers = args.workers or score.rebuild_workers_default()
        before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        count = score.rebuild_figures(None, workers=workers)
        wall = time.perf_counter() - started
        after = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
        child = rusage.getrusage(rusage.RUSAGE_CHILDREN).ru_maxrss
    worker_growth = max(0, child - before) if workers > 1 else 0
    print(json.dumps({"organizations": count, "workers": workers, "wall_s": round(wall, 2),
                      "rss_before_mb": round(before / 1024, 1),
                      "rss_after_mb": round(after / 1024, 1),
                      "worker_rss_max_mb": round(child / 1024, 1) if workers > 1 else None,
                      "rss_growth_mb": round(((after - before) + workers * worker_growth)
                                             / 1024, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
