"""The invariants of a fault run, computed from the clients' log and the
databases once the faults are over, and the tables printed and written into
bench/README.md (generated, never typed in)."""
from __future__ import annotations

import collections
import json
import pathlib
import re
import time

#: a request that got no answer, or the router's 502 (the worker died under
#: it, maybe after its commit): the write is all or nothing
def outcome(entry) -> str:
    status = entry["status"]
    if entry.get("saved"):
        # 503 "Your change was saved, do not send it again" (the database was
        # lost after the commit, and the change could not be read again): an
        # acknowledgement, held to the same invariant as a 2xx
        return "acknowledged"
    if status is None or (status in (502, 503, 504) and not entry.get("ckan_json")
                          and not _app_page(entry)):
        return "ambiguous"
    if 200 <= status < 300:
        return "acknowledged"
    return "refused"


def _app_page(entry) -> bool:
    """An HTML page rendered by the application (its error template)."""
    answer = entry.get("answer") or ""
    return "<html" in answer.lower() or "<!doctype" in answer.lower()


def _apply(state, entry):
    values = entry["values"]
    if entry["op"] == "package_create":
        return {"title": values["title"], "kpi_years": tuple(values["kpi_years"]),
                "mission": values["mission"], "private": values["private"],
                "resources": frozenset(values["resources"])}
    if state is None:
        return None
    new = dict(state)
    if entry["op"] == "resource_create":
        new["resources"] = state["resources"] | {values["resource"]}
    else:
        for k, v in values.items():
            new[k] = tuple(v) if isinstance(v, list) else v
    return new


def _freeze(state):
    return None if state is None else tuple(sorted(state.items()))


def expected_states_exact(entries):
    """Per dataset, the states its stored row may be in: an acknowledged
    write applied to every state still possible (the one before it may be
    uncertain), a refused one changing nothing, an ambiguous one all or
    nothing (each state with and without it)."""
    possible: dict[str, dict] = {}
    for e in entries:
        if "values" not in e:
            continue
        states = possible.setdefault(e["dataset"], {_freeze(None): None})
        kind = outcome(e)
        if kind == "acknowledged":
            new = [_apply(s, e) for s in states.values()]
            if e["op"] == "package_create":
                new = [_apply(None, e)]
            states.clear()
            states.update({_freeze(s): s for s in new if s is not None} or {_freeze(None): None})
        elif kind == "ambiguous" and len(states) < 256:
            # (a long run of unanswered writes, the server gone: past 256
            # states the later ones are not followed; the comparison may
            # then report a change)
            for s in list(states.values()):
                if s is None and e["op"] != "package_create":
                    continue
                t = _apply(s, e)
                states[_freeze(t)] = t
    return possible


def stored_state(call_action, port, token, name):
    status, body = call_action(port, "package_show", {"id": name}, token, get=True)
    if status == 404:
        return None, None
    if status != 200:
        return "error", f"package_show {status}"
    pkg = json.loads(body)["result"]
    if pkg.get("state") != "active":
        return None, None
    years = pkg.get("kpi_years") or []
    if isinstance(years, str):
        years = [y.strip() for y in years.split(",") if y.strip()]
    return {"title": pkg["title"], "kpi_years": tuple(int(y) for y in years),
            "mission": pkg.get("mission"), "private": bool(pkg.get("private")),
            "resources": frozenset(r["name"] for r in pkg.get("resources", []))}, None


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


def check(*, run, site, venv, ini, token, events, skipped, traffic, call, action, ckan,
          search):
    port = site["port"]
    entries = [json.loads(line) for line in (run / "clients.jsonl").read_text().splitlines()]
    rows: list[dict] = []
    ok = True

    def row(name, value, good, note=""):
        nonlocal ok
        ok = ok and bool(good)
        rows.append({"invariant": name, "value": value, "ok": bool(good), "note": note})

    row("the production server (uWSGI) still running after the faults",
        "yes" if site.get("server_alive") else "no: it ended", site.get("server_alive"))
    # the site answers again before anything is compared
    deadline = time.time() + 120
    while time.time() < deadline and call(port, "GET", "/api/3/action/status_show",
                                          timeout=10)[0] != 200:
        time.sleep(1)

    # Solr: every active dataset indexed once the faults are over
    solr_result = None
    if search == "solr":
        solr_result = solr_check(site, venv, ini, ckan)
        row("Solr: active datasets missing from the index (before the rebuild)",
            solr_result["missing_before"], True,
            "CKAN does not reindex writes made while Solr was down")
        row("Solr: missing after `ckan search-index rebuild -o`", solr_result["missing_after"],
            solr_result["missing_after"] == 0,
            f"rebuild {solr_result['rebuild_seconds']:.1f} s")

    # three outcomes per write
    writes = [e for e in entries if "values" in e]
    kinds = {"acknowledged": 0, "refused": 0, "ambiguous": 0}
    for e in writes:
        kinds[outcome(e)] += 1
    possible = expected_states_exact(writes)
    lost, half, checked = [], [], 0
    for name, states in possible.items():
        got, error = stored_state(action, port, token, name)
        checked += 1
        if error:
            lost.append((name, error))
            continue
        if _freeze(got) not in states:
            (lost if len(states) == 1 else half).append((name, got, list(states.values())))
    saved = sum(1 for e in writes if e.get("saved"))
    row("writes acknowledged (2xx, or 503 saying it was saved)",
        f"{kinds['acknowledged']} ({saved} of them 503 'saved')", True)
    row("writes refused by the application (4xx/5xx)", kinds["refused"], True)
    row("writes with no answer or a router 502", kinds["ambiguous"], True)
    row("datasets compared with the last acknowledged write", checked, checked > 0)
    row("writes lost or changed (stored != last acknowledged)", len(lost), not lost,
        "; ".join(repr(x)[:300] for x in lost[:3]))
    row("writes half-done (neither all nor nothing)", len(half), not half,
        "; ".join(repr(x)[:300] for x in half[:3]))

    # the assessors' confirmations: by their notes
    confirmations = [e for e in entries if "confirmation" in e]
    stored = _confirmation_counts(site)
    conf_kinds = collections.Counter(outcome(e) for e in confirmations)
    wrong = []
    for e in confirmations:
        kind = outcome(e)
        count = stored.get(e["confirmation"], 0)
        allowed = {"acknowledged": {1}, "refused": {0}, "ambiguous": {0, 1}}[kind]
        if count not in allowed:
            wrong.append((e["confirmation"], kind, count))
    row("confirmations (acknowledged / refused / no answer)",
        f"{conf_kinds['acknowledged']} / {conf_kinds['refused']} / {conf_kinds['ambiguous']}",
        conf_kinds["acknowledged"] > 0, "opdc_kpi_confirmation_create")
    row("confirmations lost, stored twice or stored though refused", len(wrong), not wrong,
        "; ".join(repr(x) for x in wrong[:3]))

    # the harvest check the server answers, beside a fresh one (a new process)
    served, fresh = _harvest_checks(port, token, venv, ini, action, ckan)
    row("harvest check served == a fresh one (`opdc-kpi harvest-check`, new process)",
        "equal" if served == fresh and served is not None else "differs",
        served == fresh and served is not None,
        _harvest_summary(served, fresh))

    # the stored KPI figures
    verify = ckan(venv, ini, "opdc-kpi", "figures", "verify", check=False)
    text = verify.stdout + verify.stderr
    diffs = _differences(text, verify.returncode)
    row("`opdc-kpi figures verify` differences", diffs, diffs == 0,
        text.strip().splitlines()[-1][:200] if text.strip() else "")

    # the answers
    timeouts = [e for e in entries if e["status"] is None and "timed out" in (e["answer"] or "")]
    row("requests past the client's timeout (75 s)", len(timeouts), not timeouts)
    tracebacks = [e for e in entries if e.get("traceback")]
    row("error answers with a traceback", len(tracebacks), not tracebacks)

    # the killed jobs
    for ev in events:
        if ev["fault"].startswith("jobs_worker_kill9"):
            shown = ev.get("seconds_to_status")
            row(f"{ev['fault']}: status page leaves 'started' within 60 s",
                f"{ev.get('status_after')} after {shown:.0f} s" if shown is not None
                else f"still {ev.get('status_after')} after 90 s",
                shown is not None and shown <= 60 and ev.get("status_after") == "interrupted")
            if ev["fault"].endswith("_import"):
                names = _org_names(action, port, token, site["import_org"], ev["prefix"])
                want = {f"{ev['prefix']}-{i}" for i in range(ev["rows"])}
                row("re-uploaded import: finished, no row lost, no duplicate",
                    f"{ev.get('reupload_final')}, {len(want & names)}/{len(want)} rows, "
                    f"{len(names - want)} extra",
                    ev.get("reupload_final") == "finished" and want <= names and names == want)

    # per fault: requests, errors, seconds to recover
    per_fault = []
    for ev in events:
        start, end = ev["start"], ev["end"]
        after = sorted((e for e in entries if e["t0"] >= end and e["status"]
                        and 200 <= e["status"] < 300), key=lambda e: e["t1"])
        recovered = after[0]["t1"] - end if after else None
        window_end = end + (recovered or 0)
        inside = [e for e in entries if start <= e["t0"] <= window_end
                  or (e["t0"] < start and e["t1"] >= start)]
        # no answer or a server error (a 4xx is the application's answer: a
        # dataset not there because its create failed is a 404)
        errors = [e for e in inside if e["status"] is None or e["status"] >= 500]
        acked = [e for e in inside if "values" in e and outcome(e) == "acknowledged"]
        per_fault.append({"fault": ev["fault"], "requests": len(inside), "errors": len(errors),
                          "seconds_to_recover": recovered, "writes_acknowledged": len(acked),
                          "statuses": sorted({str(e["status"]) for e in errors})})
        if recovered is None:
            row(f"{ev['fault']}: requests succeed again", "never", False)
    t0, t1 = traffic
    return {"ok": ok, "rows": rows, "per_fault": per_fault, "events": events,
            "skipped": skipped, "requests": len(entries),
            "errors": sum(1 for e in entries if e["status"] is None or e["status"] >= 500),
            "seconds": t1 - t0, "writes": kinds, "lost": len(lost), "figures_differences": diffs,
            "solr": solr_result}


def _confirmation_counts(site) -> dict[str, int]:
    out = site["pg"].psql("SELECT note || ' ' || count(*) FROM opdc_kpi_confirmation "
                          "WHERE note LIKE 'faults-conf-%' GROUP BY note", db=site["db"])
    counts = {}
    for line in out.splitlines():
        note, _, count = line.rpartition(" ")
        counts[note] = int(count)
    return counts


#: what differs between two checks of the same catalog made at other moments
_CHECK_TIMES = {"checked_at", "previous_check", "seconds", "elapsed"}


def _comparable(value):
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in _CHECK_TIMES}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _harvest_checks(port, token, venv, ini, action, ckan):
    """The whole catalog's harvest check as the server answers it, and as a
    new process computes it (neither recorded), without their times."""
    status, body = action(port, "opdc_kpi_harvest_check", {"record": False}, token)
    served = _comparable(json.loads(body)["result"]) if status == 200 else None
    done = ckan(venv, ini, "opdc-kpi", "harvest-check", "--no-record", "--format", "json",
                check=False)
    try:
        fresh = _comparable(json.loads(done.stdout))
    except ValueError:
        fresh = None
    return served, fresh


def _harvest_summary(served, fresh) -> str:
    if served is None or fresh is None:
        return "served: " + ("none" if served is None else "ok") + ", fresh: " + (
            "none" if fresh is None else "ok")
    return (f"{served.get('seen')} of {served.get('expected')} datasets seen, "
            f"{len(served.get('problems', []))} with problems")


def _differences(text, code):
    m = re.search(r"(\d+)\s+difference", text)
    if m:
        return int(m.group(1))
    if code == 0:
        return 0
    return -1


def _org_names(action, port, token, org, prefix):
    names, start = set(), 0
    while True:
        status, body = action(port, "package_search",
                              {"fq": f"organization:{org}", "rows": 1000, "start": start,
                               "include_private": "true", "fl": "name"}, token, get=True)
        if status != 200:
            return names
        res = json.loads(body)["result"]["results"]
        names |= {r["name"] for r in res if r["name"].startswith(prefix)}
        if len(res) < 1000:
            return names
        start += 1000


def solr_check(site, venv, ini, ckan):
    import urllib.request

    def indexed():
        url = (site["solr"].url() + "/select?q=*:*&fq=site_id:opdc_kpi_faults&fl=id"
               "&rows=100000&wt=json")
        with urllib.request.urlopen(url, timeout=60) as r:
            return {d["id"] for d in json.load(r)["response"]["docs"]}

    active = set(site["pg"].psql("SELECT id FROM package WHERE state='active' AND type='dataset'",
                                 db=site["db"]).split())
    before = len(active - indexed())
    t = time.time()
    ckan(venv, ini, "search-index", "rebuild", "-o", "-q", check=False)
    seconds = time.time() - t
    after = len(active - indexed())
    return {"active": len(active), "missing_before": before, "missing_after": after,
            "rebuild_seconds": seconds}


def table(result) -> str:
    lines = ["", "| invariant | value | holds |", "|---|---|---|"]
    for r in result["rows"]:
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(f"| {r['invariant']}{note} | {r['value']} | {'yes' if r['ok'] else 'NO'} |")
    lines += ["", "| fault | requests | errors in its window | seconds to recover | "
              "writes acknowledged | error statuses |", "|---|---|---|---|---|---|"]
    for f in result["per_fault"]:
        rec = "—" if f["seconds_to_recover"] is None else f"{f['seconds_to_recover']:.1f}"
        lines.append(f"| {f['fault']} | {f['requests']} | {f['errors']} | {rec} | "
                     f"{f['writes_acknowledged']} | {' '.join(f['statuses']) or '—'} |")
    lines.append("")
    lines.append(f"{result['requests']} requests in {result['seconds']:.0f} s, "
                 f"{result['errors']} errors; writes {result['writes']}; lost {result['lost']}; "
                 f"figures differences {result['figures_differences']}; "
                 + ("ALL INVARIANTS HOLD" if result["ok"] else "AN INVARIANT BROKE"))
    if result.get("skipped"):
        lines.append(f"faults skipped (over --duration): {', '.join(result['skipped'])}")
    return "\n".join(lines)


def write_readme(path: pathlib.Path, search: str, result) -> None:
    begin, end = f"<!-- faults:{search}:begin -->", f"<!-- faults:{search}:end -->"
    load = result.get("load", {})
    block = "\n".join([
        begin,
        f"Search mode **{search}**, CKAN {result['settings']['ckan_version']}, "
        f"{result['settings']['clients']} clients ({result['settings']['writers']} writing), "
        f"{result['settings']['workers']} uWSGI workers; machine load average "
        f"{load.get('before', [0])[0]:.2f} before, {load.get('after', [0])[0]:.2f} after "
        f"({load.get('cpus')} CPUs, shared).",
        table(result), end])
    text = path.read_text()
    if begin in text:
        a, b = text.index(begin), text.index(end) + len(end)
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
