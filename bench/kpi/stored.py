"""The stored figures' measures (issue 19), side by side with the live
recompute in the same process: the list and the admin page on stored
figures and live, one ``package_update`` with the figures on and off
(alternating), and ``figures rebuild``/``verify`` in processes of their own."""
from __future__ import annotations

import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
SETTING = "ckanext.opdc_kpi.stored_figures"


def stored_figures(on: bool) -> None:
    import ckan.plugins.toolkit as tk

    tk.config[SETTING] = "true" if on else "false"


def rebuild(ini: str, echo) -> dict:
    """The rebuild's wall time and memory, alone in a fresh process."""
    echo("figures rebuild (own process) ...")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / "rebuild.py"), "--ini", ini],
                          capture_output=True, text=True, env=dict(os.environ), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"rebuild failed: {done.stderr[-2000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = round(time.perf_counter() - started, 2)
    return out


def verify(ini: str, echo) -> dict:
    """``ckan -c <ini> opdc-kpi figures verify``, the command itself."""
    echo("ckan opdc-kpi figures verify ...")
    ckan = pathlib.Path(sys.executable).parent / "ckan"
    started = time.perf_counter()
    done = subprocess.run([str(ckan), "-c", ini, "opdc-kpi", "figures", "verify"],
                          capture_output=True, text=True, env=dict(os.environ), check=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"exit_status": done.returncode, "differences": len(lines),
            "first_differences": lines[:5], "wall_s": round(time.perf_counter() - started, 2)}


def list_side_by_side(run_list, rounds: int, stored_per_round: int) -> dict:
    """Alternating: one live list, then ``stored_per_round`` stored ones."""
    stored_figures(True)
    run_list()                      # warm-up (and any stale organization recomputed)
    stored_figures(False)
    run_list()
    live_ms, stored_ms = [], []
    for _ in range(rounds):
        stored_figures(False)
        started = time.perf_counter()
        live = run_list()
        live_ms.append((time.perf_counter() - started) * 1000)
        stored_figures(True)
        for _ in range(stored_per_round):
            started = time.perf_counter()
            stored = run_list()
            stored_ms.append((time.perf_counter() - started) * 1000)
    stored_figures(True)
    return {"list_stored_p50_ms": round(statistics.median(stored_ms), 1),
            "list_stored_max_ms": round(max(stored_ms), 1),
            "list_live_p50_ms": round(statistics.median(live_ms), 1),
            "list_live_max_ms": round(max(live_ms), 1),
            "list_live_over_stored": round(statistics.median(live_ms)
                                           / statistics.median(stored_ms), 1),
            "list_stored_equals_live": stored == live}


def page_side_by_side(run_page, rounds: int, stored_per_round: int) -> dict:
    stored_figures(True)
    run_page()
    live_ms, stored_ms = [], []
    for _ in range(rounds):
        stored_figures(False)
        started = time.perf_counter()
        run_page()
        live_ms.append((time.perf_counter() - started) * 1000)
        stored_figures(True)
        for _ in range(stored_per_round):
            started = time.perf_counter()
            run_page()
            stored_ms.append((time.perf_counter() - started) * 1000)
    stored_figures(True)
    return {"admin_page_stored_p50_ms": round(statistics.median(stored_ms), 1),
            "admin_page_stored_max_ms": round(max(stored_ms), 1),
            "admin_page_live_p50_ms": round(statistics.median(live_ms), 1)}


def updates(dataset_id: str, context: dict, pairs: int, echo) -> dict:
    """The same ``package_update`` of one dataset (toggling
    ``single_source_of_truth``, which moves its openness), figures off then
    on, ``pairs`` times; the last one with the figures on."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    show, update = tk.get_action("package_show"), tk.get_action("package_update")
    timings: dict[bool, list[float]] = {False: [], True: []}
    echo(f"package_update x{2 * pairs}, figures off/on alternating ...")
    for i in range(2 * pairs + 2):          # the first pair warms up
        on = bool(i % 2)
        stored_figures(on)
        data = show(dict(context), {"id": dataset_id})
        data["single_source_of_truth"] = "False" if str(
            data.get("single_source_of_truth")) == "True" else "True"
        model.Session.remove()
        started = time.perf_counter()
        update(dict(context), data)
        elapsed = (time.perf_counter() - started) * 1000
        if i >= 2:
            timings[on].append(elapsed)
    stored_figures(True)
    on_p50, off_p50 = statistics.median(timings[True]), statistics.median(timings[False])
    return {"update_figures_on_p50_ms": round(on_p50, 1),
            "update_figures_off_p50_ms": round(off_p50, 1),
            "update_added_ms": round(on_p50 - off_p50, 1),
            "update_on_over_off": round(on_p50 / off_p50, 2),
            "update_on_ms": [round(v, 1) for v in timings[True]],
            "update_off_ms": [round(v, 1) for v in timings[False]]}
