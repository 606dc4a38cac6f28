"""Load on loopback: CKAN's development server and the production server (uWSGI)
side by side in one run, with the mixed traffic a catalog sees (issue 20).

    .venv/bin/python bench/load/main.py [--clients 20] [--duration 60] ...

(``make bench-load`` sets the site up, then runs this.) The servers take turns
(``--slices`` turns each, so both meet the same background load on a shared
machine): in a turn ``--clients`` threads send requests back to back for
``--duration``/``--slices`` seconds (never more than ``--max-requests``), each a route
drawn by weight. Then per server: requests/s, p50/p95 per route, errors, memory
(RSS and PSS of its processes, from /proc) and its CPU time per request. Servers that are
not running are started and stopped again afterwards; both serve the same
ckan.ini (database, plugins), the development one as ``make serve`` runs it.
Only loopback addresses are accepted. Not part of CI: figures go into
bench/README.md by hand, the run's details into ``--out`` (JSON).
"""
from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import pathlib
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from sysadmin_token import run_token  # beside this script

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATE = ROOT / ".state"

# (route, weight): the mix of a catalog's day. Pages are what people read; the
# API calls are the national harvester's paging and the KPI dashboards' calls.
ROUTES = [
    ("dataset_page", 25),        # GET /dataset/<name>
    ("search_page_facets", 20),  # GET /dataset?q=..&<facet filter>: the search page with its facets
    ("api_search_facets", 10),   # GET package_search with q, fq and facet.field
    ("harvester_paging", 15),    # GET package_search?rows=100&start=N&sort=id asc
    ("org_kpi_page", 10),        # GET /organization/<name>/kpi (sysadmin's token: the full report)
    ("opdc_kpi_score", 12),      # POST opdc_kpi_score {"id": org}
    ("opdc_kpi_score_list", 8),  # POST opdc_kpi_score_list {}
]
SEARCH_TERMS = ["", "ข้อมูล", "โครงการ", "อุบัติเหตุ", "ที่อยู่อาศัย", "รายงาน", "2565"]
FACETS = ["organization", "res_format", "tags", "license_id", "groups"]


# --- small helpers -----------------------------------------------------------

def loopback(host: str) -> str:
    addr = socket.gethostbyname(host)
    if not ipaddress.ip_address(addr).is_loopback:
        raise SystemExit(f"{host} is not a loopback address: this load generator only runs on loopback")
    return addr


def request(host, port, method, path, body=None, token=None, timeout=60.0):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    headers = {"Connection": "close"}
    if token:
        headers["Authorization"] = token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def api(host, port, action, params=None, token=None, post=False):
    if post:
        status, body = request(host, port, "POST", f"/api/3/action/{action}", params or {}, token)
    else:
        q = urllib.parse.urlencode(params or {})
        status, body = request(host, port, "GET", f"/api/3/action/{action}?{q}", token=token)
    return status, (json.loads(body) if body[:1] == b"{" else {})


def answers(host, port) -> bool:
    try:
        return request(host, port, "GET", "/api/3/action/status_show", timeout=5)[0] == 200
    except OSError:
        return False


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


# --- processes and memory ----------------------------------------------------

def _children():
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def process_tree(pid):
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def memory_kb(pid):
    """(RSS, PSS) in kB; PSS shares the pages a process shares with others."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def listening_pid(port):
    """The pid of the process listening on 127.0.0.1:port (from /proc/net/tcp)."""
    inodes = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].split(":")[1], 16) == port:
                inodes.add(parts[9])
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{d}/fd"):
                link = os.readlink(f"/proc/{d}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(d)
        except OSError:
            continue
    return None


def server_processes(root_pid):
    """The server's processes (the jobs worker, attached to uWSGI, is left out)."""
    return [p for p in process_tree(root_pid) if "jobs worker" not in cmdline(p)]


class MemorySampler(threading.Thread):
    def __init__(self, root_pid, interval=1.0):
        super().__init__(daemon=True)
        self.root_pid, self.interval = root_pid, interval
        self.samples, self.stop = [], threading.Event()

    def sample(self):
        procs = server_processes(self.root_pid)
        mem = [memory_kb(p) for p in procs]
        return {"processes": len(procs), "rss_kb": sum(m[0] for m in mem),
                "pss_kb": sum(m[1] for m in mem)}

    def run(self):
        while not self.stop.is_set():
            self.samples.append(self.sample())
            self.stop.wait(self.interval)


# --- the site: token, servers, catalog ---------------------------------------

def ckan_cmd(venv, ini, *args, **kw):
    return subprocess.run([str(venv / "bin" / "ckan"), "-c", str(ini), *args], cwd=ROOT,
                          capture_output=True, text=True, **kw)


def ensure_catalog(host, port, token, datasets):
    """Copy the demo's complete datasets (package_create through the API) until the
    catalog holds `datasets`; copies are named load-NNNN (idempotent)."""
    _, res = api(host, port, "package_search",
                 {"rows": 1000, "include_private": "true", "fl": "name"}, token)
    have = res["result"]["count"]
    if have >= datasets:
        return have
    names = [d["name"] for d in res["result"]["results"]]
    templates = []
    for name in names:
        if name.startswith("load-"):
            continue
        _, r = api(host, port, "package_show", {"id": name}, token)
        templates.append(r["result"])
    print(f"[load] catalog has {have} datasets; copying the demo's up to {datasets}", flush=True)
    n, created, failures = 0, 0, 0
    drop = {"id", "metadata_created", "metadata_modified", "revision_id", "organization",
            "num_resources", "num_tags", "creator_user_id", "tracking_summary", "relationships_as_object",
            "relationships_as_subject", "groups", "state"}
    while have + created < datasets:
        t = templates[n % len(templates)]
        n += 1
        name = f"load-{n:04d}"
        if api(host, port, "package_show", {"id": name}, token)[0] == 200:
            continue
        d = {k: v for k, v in t.items() if k not in drop}
        d["name"], d["title"] = name, f"{t['title']} ({n})"
        d["owner_org"] = t["owner_org"]
        d["resources"] = [{k: v for k, v in r.items() if k in ("name", "url", "format", "description")}
                          for r in t.get("resources", [])]
        status, r = api(host, port, "package_create", d, token, post=True)
        if status == 200:
            created += 1
        else:
            failures += 1
            templates.remove(t)  # an incomplete (legacy) demo dataset: the schema refuses a copy
            if not templates:
                raise SystemExit(f"cannot copy any demo dataset: {r.get('error')}")
    return have + created


def discover(host, port, token):
    _, res = api(host, port, "package_search",
                 {"rows": 1000, "fl": "name", "include_private": "true"}, token)
    names = [d["name"] for d in res["result"]["results"]]
    _, res = api(host, port, "package_search", {"rows": 1000, "fl": "name"})
    public = [d["name"] for d in res["result"]["results"]]
    _, res = api(host, port, "organization_list")
    return {"datasets": names, "public": public, "count": len(names), "organizations": res["result"]}


class Servers:
    """Starts what is not running; stops only what it started."""

    def __init__(self, args, venv):
        self.args, self.venv = args, venv
        self.dev_proc = None
        self.started_prod = False

    @staticmethod
    def ours(port):
        """A server already on the port must be this checkout's, not another site's."""
        pid = listening_pid(port)
        try:
            cwd = pathlib.Path(os.readlink(f"/proc/{pid}/cwd"))
        except (OSError, TypeError):
            cwd = None
        if cwd != ROOT:
            raise SystemExit(f"port {port} is served by another site (pid {pid}, {cwd}): choose other ports")
        return pid

    def dev(self):
        a = self.args
        if answers(a.host, a.dev_port):
            return self.ours(a.dev_port)
        log = open(STATE / "bench-load-dev.log", "ab")
        # exactly as `make serve` runs it (no reloader), on the site's ckan.ini
        self.dev_proc = subprocess.Popen(
            [str(self.venv / "bin" / "ckan"), "-c", str(a.ini), "run", "-H", a.host,
             "-p", str(a.dev_port), "-r"], cwd=ROOT, stdout=log, stderr=log)
        for _ in range(120):
            if answers(a.host, a.dev_port):
                return self.dev_proc.pid
            time.sleep(0.5)
        raise SystemExit("the development server did not answer in 60 s (.state/bench-load-dev.log)")

    def prod(self):
        a = self.args
        pidfile = STATE / "production" / "uwsgi.pid"
        if answers(a.host, a.prod_port):
            self.ours(a.prod_port)
        else:
            env = dict(os.environ, PROD_HOST=a.host, PROD_PORT=str(a.prod_port))
            if a.workers:
                env["WORKERS"] = str(a.workers)
            subprocess.run(["scripts/production.sh", "start", os.path.relpath(self.venv, ROOT)],
                           cwd=ROOT, env=env, check=True)
            self.started_prod = True
        return int(pidfile.read_text()) if pidfile.exists() else listening_pid(a.prod_port)

    def stop(self):
        if self.dev_proc is not None:
            self.dev_proc.send_signal(signal.SIGINT)
            try:
                self.dev_proc.wait(20)
            except subprocess.TimeoutExpired:
                self.dev_proc.kill()
        if self.started_prod:
            subprocess.run(["scripts/production.sh", "stop", os.path.relpath(self.venv, ROOT)],
                           cwd=ROOT, check=False)


# --- the load ----------------------------------------------------------------

def make_request(route, rng, site, token):
    """(method, path, body, token, expect_json_success)."""
    orgs, names, public = site["organizations"], site["datasets"], site["public"]
    if route == "dataset_page":
        return "GET", f"/dataset/{rng.choice(public)}", None, None
    if route == "search_page_facets":
        q = {"q": rng.choice(SEARCH_TERMS)}
        kind = rng.randrange(3)
        if kind == 0:
            q["organization"] = rng.choice(orgs)
        elif kind == 1:
            q["res_format"] = rng.choice(["CSV", "XLSX", "PDF"])
        if rng.random() < 0.3:
            q["page"] = "2"
        return "GET", "/dataset/?" + urllib.parse.urlencode(q), None, None
    if route == "api_search_facets":
        q = {"q": rng.choice(SEARCH_TERMS), "rows": 20,
             "facet.field": json.dumps(FACETS), "facet.limit": 50}
        if rng.random() < 0.5:
            q["fq"] = f"organization:{rng.choice(orgs)}"
        return "GET", "/api/3/action/package_search?" + urllib.parse.urlencode(q), None, None
    if route == "harvester_paging":
        start = rng.choice(range(0, max(100, site["count"]), 100))
        q = {"rows": 100, "start": start, "sort": "id asc"}
        return "GET", "/api/3/action/package_search?" + urllib.parse.urlencode(q), None, None
    if route == "org_kpi_page":
        return "GET", f"/organization/{rng.choice(orgs)}/kpi", None, token
    if route == "opdc_kpi_score":
        return "POST", "/api/3/action/opdc_kpi_score", {"id": rng.choice(orgs)}, token
    if route == "opdc_kpi_score_list":
        return "POST", "/api/3/action/opdc_kpi_score_list", {}, token
    raise ValueError(route)


def run_load(host, port, site, token, clients, duration, max_requests, seed):
    routes = [r for r, _ in ROUTES]
    weights = [w for _, w in ROUTES]
    results = {r: [] for r in routes}
    errors = []
    lock = threading.Lock()
    budget = [max_requests]
    start = time.monotonic()
    deadline = start + duration

    def client(i):
        rng = random.Random(seed * 1000 + i)
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            route = rng.choices(routes, weights)[0]
            method, path, body, tok = make_request(route, rng, site, token)
            t0 = time.perf_counter()
            try:
                status, data = request(host, port, method, path, body, tok)
                ok = status == 200 and (not path.startswith("/api/")
                                        or json.loads(data).get("success") is True)
                err = None if ok else f"{status} {path} {data[:200]!r}"
            except Exception as e:  # a refused or dropped connection is an error too
                err = f"{type(e).__name__}: {e} {path}"
            elapsed = time.perf_counter() - t0
            with lock:
                results[route].append(elapsed)
                if err:
                    errors.append(err)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, time.monotonic() - start


def summarise(results, errors, wall):
    routes = [r for r, _ in ROUTES]
    total = sum(len(v) for v in results.values())
    per_route = {}
    for r in routes:
        v = results[r]
        per_route[r] = {"requests": len(v),
                        "p50_ms": round(percentile(v, 50) * 1000, 1) if v else None,
                        "p95_ms": round(percentile(v, 95) * 1000, 1) if v else None,
                        "max_ms": round(max(v) * 1000, 1) if v else None}
    allv = [x for v in results.values() for x in v]
    return {"wall_s": round(wall, 1), "requests": total,
            "requests_per_s": round(total / wall, 1),
            "p50_ms": round(percentile(allv, 50) * 1000, 1) if allv else None,
            "p95_ms": round(percentile(allv, 95) * 1000, 1) if allv else None,
            "errors": len(errors), "error_samples": errors[:10],
            "routes": per_route}


def cpu_seconds(pids):
    """User + system CPU time of these processes so far."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / tick


def machine_busy():
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def warm_up(name, host, port, site, token):
    print(f"[load] {name}: http://{host}:{port}: warming up", flush=True)
    rng = random.Random(0)
    for route, _ in ROUTES:  # each route a few times: webassets built, caches filled
        for _ in range(3):
            method, path, body, tok = make_request(route, rng, site, token)
            request(host, port, method, path, body, tok)


def measure_interleaved(servers, site, token, args):
    """Each server in turn for duration/slices seconds, `slices` times: on a shared
    machine both then meet the same background load."""
    state = {}
    for name, (host, port, pid) in servers.items():
        warm_up(name, host, port, site, token)
        state[name] = {"results": {r: [] for r, _ in ROUTES}, "errors": [], "wall": 0.0,
                       "cpu": 0.0, "busy": 0, "ticks": 0, "sampler": MemorySampler(pid),
                       "pid": pid, "slices": []}
    span = args.duration / args.slices
    print(f"[load] {args.clients} clients, {args.slices} turns of {span:.0f} s per server", flush=True)
    for i in range(args.slices):
        for name, (host, port, pid) in servers.items():
            st = state[name]
            procs = server_processes(pid)
            cpu0, (busy0, tot0) = cpu_seconds(procs), machine_busy()
            st["sampler"].samples.append(st["sampler"].sample())
            results, errors, wall = run_load(host, port, site, token, args.clients, span,
                                             args.max_requests, args.seed + i)
            busy1, tot1 = machine_busy()
            st["cpu"] += cpu_seconds(procs) - cpu0
            st["busy"] += busy1 - busy0
            st["ticks"] += tot1 - tot0
            st["sampler"].samples.append(st["sampler"].sample())
            for r, v in results.items():
                st["results"][r].extend(v)
            st["errors"].extend(errors)
            st["wall"] += wall
            n = sum(len(v) for v in results.values())
            st["slices"].append(round(n / wall, 1))
            print(f"[load]   turn {i + 1}, {name}: {n / wall:.1f} req/s, {len(errors)} errors", flush=True)
    out = {}
    ncpu = os.cpu_count()
    for name, st in state.items():
        res = summarise(st["results"], st["errors"], st["wall"])
        samples = st["sampler"].samples
        procs = server_processes(st["pid"])
        res["requests_per_s_by_turn"] = st["slices"]
        res["server_cpu_s"] = round(st["cpu"], 1)
        res["server_cpu_ms_per_request"] = round(1000 * st["cpu"] / max(1, res["requests"]), 1)
        res["server_cores_used"] = round(st["cpu"] / st["wall"], 2)
        res["machine_cores_busy"] = round(ncpu * st["busy"] / max(1, st["ticks"]), 2)
        res["memory"] = {
            "processes": len(procs),
            "rss_mb_peak": round(max(x["rss_kb"] for x in samples) / 1024),
            "rss_mb_after": round(samples[-1]["rss_kb"] / 1024),
            "pss_mb_after": round(samples[-1]["pss_kb"] / 1024),
            "per_process": [{"pid": p, "rss_mb": round(memory_kb(p)[0] / 1024), "cmd": cmdline(p).replace(f"{ROOT}/", "")[:80]}
                            for p in procs],
        }
        print(f"[load] {name}: {res['requests_per_s']} req/s, p50 {res['p50_ms']} ms, "
              f"p95 {res['p95_ms']} ms, {res['errors']} errors, RSS {res['memory']['rss_mb_after']} MB, "
              f"{res['server_cores_used']} cores used of {res['machine_cores_busy']} busy", flush=True)
        out[name] = res
    return out


def table(results, site):
    names = list(results)
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]

    def row(label, f):
        lines.append(f"| {label} | " + " | ".join(f(results[n]) for n in names) + " |")

    row("requests (seconds under load)", lambda r: f"{r['requests']:,} ({r['wall_s']} s)")
    row("requests/s in each turn", lambda r: ", ".join(str(x) for x in r["requests_per_s_by_turn"]))
    row("**requests/s**", lambda r: f"**{r['requests_per_s']}**")
    row("p50 / p95, all requests", lambda r: f"{r['p50_ms']:,} / {r['p95_ms']:,} ms")
    row("errors", lambda r: str(r["errors"]))
    for route, _ in ROUTES:
        row(f"`{route}` p50 / p95 (n)", lambda r, route=route: (
            f"{r['routes'][route]['p50_ms']:,} / {r['routes'][route]['p95_ms']:,} ms "
            f"({r['routes'][route]['requests']})" if r['routes'][route]['requests'] else "—"))
    row("server CPU per request", lambda r: f"{r['server_cpu_ms_per_request']} ms")
    row("cores used by the server / busy on the machine", lambda r: f"{r['server_cores_used']} / {r['machine_cores_busy']}")
    row("server processes", lambda r: str(r["memory"]["processes"]))
    row("RSS after (peak), all processes", lambda r: f"{r['memory']['rss_mb_after']} MB ({r['memory']['rss_mb_peak']} MB)")
    row("PSS after, all processes", lambda r: f"{r['memory']['pss_mb_after']} MB")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--duration", type=float, default=60.0, help="seconds per server")
    p.add_argument("--slices", type=int, default=6,
                   help="turns per server: the servers take turns, duration/slices seconds each")
    p.add_argument("--max-requests", type=int, default=20000, help="per turn, a bound")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--dev-port", type=int, default=5000)
    p.add_argument("--prod-port", type=int, default=5001)
    p.add_argument("--workers", type=int, default=0, help="uWSGI workers when it is started here (default: make's)")
    p.add_argument("--ini", default="ckan.ini")
    p.add_argument("--datasets", type=int, default=265, help="catalog size: demo copies are added up to it")
    p.add_argument("--only", choices=["dev", "prod"], help="one server only")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--token-minutes", type=int, default=120,
                   help="lifetime of the run's sysadmin token (revoked at the end anyway)")
    p.add_argument("--out", default=str(ROOT / "bench" / "load" / "results.json"))
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 1 <= args.duration <= 600:
        raise SystemExit("--clients 1..200 and --duration 1..600 s")
    args.host = loopback(args.host)
    venv = pathlib.Path(sys.executable).parent.parent
    servers = Servers(args, venv)
    results = {}
    try:
        prod_pid = servers.prod() if args.only != "dev" else None
        dev_pid = servers.dev() if args.only != "prod" else None
        seed_port = args.prod_port if prod_pid else args.dev_port
        # a token for this run only: it expires, and is revoked however the run ends
        with run_token(venv, args.ini, args.token_minutes) as token:
            count = ensure_catalog(args.host, seed_port, token, args.datasets)
            site = discover(args.host, seed_port, token)
            print(f"[load] catalog: {count} datasets ({len(site['public'])} public), "
                  f"{len(site['organizations'])} organizations", flush=True)
            chosen = {}
            if dev_pid:
                chosen["development server (`make serve`)"] = (args.host, args.dev_port,
                                                               dev_pid)
            if prod_pid:
                chosen["uWSGI (`make serve-production`)"] = (args.host, args.prod_port,
                                                             prod_pid)
            results = measure_interleaved(chosen, site, token, args)
    finally:
        servers.stop()
    with open("/proc/loadavg") as f:
        loadavg = f.read().split()[:3]
    out = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "clients": args.clients, "duration_s": args.duration, "routes": dict(ROUTES),
           "catalog": {"datasets": site["count"], "public": len(site["public"]),
                       "organizations": len(site["organizations"])},
           "cpus": os.cpu_count(), "loadavg_after": loadavg, "results": results}
    pathlib.Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print()
    print(table(results, site))
    errors = sum(r["errors"] for r in results.values())
    for name, r in results.items():
        for e in r["error_samples"]:
            print(f"  {name}: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
