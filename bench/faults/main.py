"""Faults survived, nothing lost (issue 30): the catalog under mixed read/write
load on services this run owns, while its parts fail in turns.

    .venv/bin/python bench/faults/main.py [--search pg|solr] [--duration 600] ...

(``make bench-faults [SEARCH=solr]``.) The run folder (``.state/faults/<mode>``)
holds its own PostgreSQL cluster (initdb), its own Redis, in Solr mode its own Solr,
the site's ini and the production server (uWSGI with its jobs worker) on them.
Clients send requests back to back; a share of them write, each only to its own
datasets, and log what they were told (``clients.jsonl``). The faults, each
followed by a quiet period: a uWSGI worker killed (SIGKILL, several times), the
PostgreSQL server restarted, its backends terminated, Redis stopped for 20 s, the
jobs worker killed (SIGKILL) while it imports a workbook and while it checks one,
in Solr mode Solr stopped for 20 s. Then the invariants (``invariants.py``) from the
logs and the databases; exit status 1 when one breaks. Everything the run started
is stopped, by process id, also when it fails half-way. Loopback only.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import invariants  # noqa: E402
import services  # noqa: E402
from tests.factories_dga import dga_dataset_dict  # noqa: E402  (no CKAN import)

HOST = "127.0.0.1"
TIMEOUT = 75.0   # uWSGI's harakiri is 60 s: an answer comes before this or it hangs


class Log:
    def __init__(self, path: pathlib.Path):
        self.f = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def write(self, **entry) -> None:
        with self.lock:
            self.f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.f.flush()


def call(port, method, path, body=None, token=None, content_type="application/json",
         timeout=TIMEOUT):
    """(status, body bytes) or (None, error text) when no answer came."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Connection": "close"}
    if token:
        headers["Authorization"] = token
    if body is not None:
        headers["Content-Type"] = content_type
        if content_type == "application/json":
            body = json.dumps(body).encode()
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"
    finally:
        conn.close()


def action(port, name, data, token, get=False):
    if get:
        return call(port, "GET", f"/api/3/action/{name}?{urllib.parse.urlencode(data)}",
                    token=token)
    return call(port, "POST", f"/api/3/action/{name}", data, token)


# --- the clients ---------------------------------------------------------------

class Client(threading.Thread):
    def __init__(self, n, port, token, org, writer, log, stop, max_requests, counter):
        super().__init__(daemon=True)
        self.n, self.port, self.token, self.org, self.writer = n, port, token, org, writer
        self.log, self.stop_event, self.max_requests, self.counter = log, stop, max_requests, counter
        self.mine: list[str] = []
        self.rng = random.Random(n)
        self.seq = 0

    def run(self):
        while not self.stop_event.is_set():
            with self.counter["lock"]:
                if self.counter["n"] >= self.max_requests:
                    return
                self.counter["n"] += 1
            if self.writer and (not self.mine or self.rng.random() < 0.7):
                self.write()
            else:
                self.read()

    def _log(self, op, started, status, body, **extra):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        ok = status is not None and 200 <= status < 300
        self.log.write(client=self.n, op=op, t0=started, t1=time.time(), status=status,
                       answer=None if ok else text[:400],
                       ckan_json=text.lstrip().startswith("{") and '"success"' in text[:200],
                       traceback=("Traceback (most recent call last)" in text),
                       saved=(not ok and '"saved": true' in text), **extra)

    def write(self):
        self.seq += 1
        rng = self.rng
        if not self.mine or (rng.random() < 0.25 and len(self.mine) < 40):
            name = f"faults-c{self.n}-{self.seq}-{uuid.uuid4().hex[:6]}"
            values = {"title": f"ชุดข้อมูลทดสอบ {name}", "kpi_years": [2566],
                      "mission": "ภารกิจทดสอบ", "private": False}
            pkg = dga_dataset_dict(name=name, owner_org=self.org, **values)
            pkg["resources"] = [{"name": "r0", "url": "https://data.example.go.th/r0.csv",
                                 "format": "CSV"}]
            t0 = time.time()
            status, body = action(self.port, "package_create", pkg, self.token)
            self._log("package_create", t0, status, body, dataset=name,
                      values=dict(values, resources=["r0"]))
            if status is None or status < 500 or status == 502:
                # not an application refusal: it may exist (the invariants decide)
                self.mine.append(name)
            return
        if rng.random() < 0.1:
            # an assessor's confirmation of an organization criterion: its note
            # is its name in the log (the invariants look it up)
            note = f"faults-conf-{self.n}-{self.seq}-{uuid.uuid4().hex[:6]}"
            t0 = time.time()
            status, body = action(self.port, "opdc_kpi_confirmation_create",
                                  {"id": self.org, "fiscal_year": 2566, "criterion": "catalog",
                                   "action": "confirm", "note": note}, self.token)
            self._log("confirmation_create", t0, status, body, confirmation=note)
            return
        name = rng.choice(self.mine)
        kind = rng.random()
        if kind < 0.5:
            values = {"title": f"ชื่อที่ {self.seq} ของ {name}",
                      "kpi_years": [rng.choice([2565, 2566, 2567])],
                      "mission": f"ภารกิจ {self.seq}"}
            op, data = "package_patch", dict(values, id=name)
        elif kind < 0.75:
            values = {"private": rng.random() < 0.5}
            op, data = "package_patch", dict(values, id=name)
        else:
            res = f"r{self.seq}"
            values = {"resource": res}
            op, data = "resource_create", {"package_id": name, "name": res, "format": "CSV",
                                           "url": f"https://data.example.go.th/{res}.csv"}
        t0 = time.time()
        status, body = action(self.port, op, data, self.token)
        self._log(op, t0, status, body, dataset=name, values=values)

    def read(self):
        rng = self.rng
        kind = rng.random()
        t0 = time.time()
        if kind < 0.35 and self.mine:
            name = rng.choice(self.mine)
            status, body = action(self.port, "package_show", {"id": name}, self.token, get=True)
            op = "package_show"
        elif kind < 0.65:
            status, body = action(self.port, "package_search",
                                  {"q": rng.choice(["", "ทดสอบ", "สถิติ"]), "rows": 10,
                                   "facet.field": '["organization","res_format"]'},
                                  self.token, get=True)
            op = "package_search"
        elif kind < 0.85:
            status, body = action(self.port, "opdc_kpi_score", {"id": self.org}, self.token)
            op = "opdc_kpi_score"
        else:
            status, body = call(self.port, "GET", "/dataset/", token=self.token)
            op = "dataset_page"
        self._log(op, t0, status, body)


# --- the site ----------------------------------------------------------------

def venv_for(version: str) -> pathlib.Path:
    return ROOT / (".venv" if version == "2.12.0" else f".venv-{version}")


def write_ini(path, venv, db_url, redis_url, solr_url, search, storage, site_url):
    plugins = "activity scheming_datasets scheming_organizations opdc_kpi"
    if search == "pg":
        plugins += " opdc_kpi_pgsearch"
    subprocess.run([str(venv / "bin/ckan"), "generate", "config", str(path)], check=True,
                   stdout=subprocess.DEVNULL)
    options = path.with_suffix(".options")
    options.write_text(f"""[app:main]
sqlalchemy.url = {db_url}
ckan.site_url = {site_url}
ckan.site_id = opdc_kpi_faults
ckan.redis.url = {redis_url}
solr_url = {solr_url}
ckan.plugins = {plugins}
scheming.dataset_schemas = ckanext.opdc_kpi:schemas/dataset.yaml
scheming.organization_schemas = ckanext.opdc_kpi:schemas/organization.yaml
scheming.presets = ckanext.scheming:presets.json ckanext.opdc_kpi:schemas/presets.yaml
licenses_group_url = file://{ROOT}/ckanext/opdc_kpi/licenses/opdc-licenses.json
ckan.locale_default = th
ckan.locales_offered = th en
ckan.storage_path = {storage}
""")
    subprocess.run([str(venv / "bin/ckan"), "config-tool", str(path), "-f", str(options)],
                   check=True, stdout=subprocess.DEVNULL)
    options.unlink()
    os.chmod(path, 0o600)


def ckan(venv, ini, *args, check=True):
    return subprocess.run([str(venv / "bin/ckan"), "-c", str(ini), *args], check=check,
                          capture_output=True, text=True)


#: CKAN's own `ckan user add`, in a process that takes the password from its
#: environment (on the command line it would show in ps)
_ADD_SYSADMIN = """
import os, sys
from ckan.cli.cli import ckan
password = os.environ.pop("OPDC_FAULTS_PASSWORD")
ckan(["-c", sys.argv[1], "user", "add", "faults-admin", "email=faults@example.org",
      "sysadmin=true", "password=" + password])
"""


def make_token(venv, ini) -> str:
    subprocess.run([str(venv / "bin/python"), "-c", _ADD_SYSADMIN, str(ini)],
                   env=dict(os.environ, OPDC_FAULTS_PASSWORD=uuid.uuid4().hex), check=True,
                   capture_output=True)
    out = ckan(venv, ini, "user", "token", "add", "faults-admin", "faults").stdout
    return out.strip().splitlines()[-1].strip()


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes):
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                     .encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def make_workbook(path: pathlib.Path, rows: int, prefix: str) -> list[str]:
    from ckanext.opdc_kpi.excel.writer import write_workbook

    names = [f"{prefix}-{i}" for i in range(rows)]
    write_workbook([dga_dataset_dict(name=n, title=f"นำเข้า {n}") for n in names], path)
    return names


# --- the faults ----------------------------------------------------------------

class Faults:
    def __init__(self, args, site):
        self.args, self.site = args, site
        self.events: list[dict] = []

    def record(self, name, t0, t1, **detail):
        self.events.append({"fault": name, "start": t0, "end": t1, **detail})
        print(f"  fault {name}: {t1 - t0:.1f} s {detail if detail else ''}", flush=True)

    def worker_kill(self):
        pids = self.site["uwsgi"].workers_pids()
        busy = pids[:1]
        t0 = time.time()
        for pid in busy:
            os.kill(pid, 9)
        self.record("uwsgi_worker_kill9", t0, time.time(), pids=busy)

    def pg_restart(self):
        t0 = time.time()
        self.site["pg"].restart()
        self.record("postgres_restart", t0, time.time())

    def pg_terminate(self):
        t0 = time.time()
        n = self.site["pg"].terminate_backends(self.site["db"])
        self.record("postgres_terminate_backends", t0, time.time(), terminated=n)

    def redis_stop(self):
        t0 = time.time()
        self.site["redis"].stop()
        time.sleep(self.args.outage)
        self.site["redis"].start()
        self.record("redis_stopped", t0, time.time())

    def solr_stop(self):
        t0 = time.time()
        self.site["solr"].stop()
        time.sleep(self.args.outage)
        self.site["solr"].start()
        self.record("solr_stopped", t0, time.time())

    def jobs_kill(self, mode):
        """Upload a workbook (import or check), kill the jobs worker and its
        work horse with SIGKILL once the job is well under way, then follow
        the status page until it no longer claims to be running."""
        from redis import Redis
        from rq.job import Job

        port, token, org = self.site["port"], self.site["token"], self.site["import_org"]
        prefix = f"wb-{mode}-{uuid.uuid4().hex[:5]}"
        book = self.site["run"] / f"{prefix}.xlsx"
        names = make_workbook(book, self.args.workbook_rows, prefix)
        body, ctype = multipart({"run": mode}, "workbook", book.name, book.read_bytes())
        status, answer = call(port, "POST", f"/organization/{org}/import", body, token,
                              content_type=ctype)
        if status != 302:
            self.record(f"jobs_worker_kill9_{mode}", time.time(), time.time(),
                        error=f"upload answered {status}")
            return
        job_id = self._job_id_from_log(org)
        conn = Redis.from_url(self.site["redis"].url())
        deadline = time.time() + 240
        phase = "importing" if mode == "import" else "checking"
        while time.time() < deadline:
            try:
                meta = Job.fetch(job_id, connection=conn).get_meta(refresh=True)
            except Exception:
                meta = {}
            if meta.get("phase") == phase and meta.get("done", 0) >= 25:
                break
            time.sleep(0.5)
        worker = self.site["uwsgi"].jobs_worker()
        t0 = time.time()
        if worker:
            pid, horses = worker
            for p in horses + [pid]:
                try:
                    os.kill(p, 9)
                except ProcessLookupError:
                    pass
        t1 = time.time()
        shown, seen = None, None
        url = f"/organization/{org}/import/{job_id}"
        while time.time() < t1 + 90:
            s, page = call(port, "GET", url, token=token, timeout=30)
            if s == 200:
                text = page.decode("utf-8", "replace")
                seen = text.split('data-status="', 1)[1].split('"', 1)[0] if 'data-status="' in text else None
                if seen not in ("started", "queued"):
                    shown = time.time() - t1
                    break
            time.sleep(2)
        detail = {"job": job_id, "killed": worker, "status_after": seen,
                  "seconds_to_status": shown, "rows": len(names), "prefix": prefix}
        if mode == "import":
            # uploaded again: it finishes, no duplicate, no row lost
            body, ctype = multipart({"run": "import"}, "workbook", book.name, book.read_bytes())
            s, answer = call(port, "POST", f"/organization/{org}/import", body, token,
                             content_type=ctype)
            again = self._job_id_from_log(org) if s == 302 else None
            final = None
            while again and time.time() < t1 + 600:
                try:
                    job = Job.fetch(again, connection=conn)
                    st = job.get_status()
                    st = getattr(st, "value", st)
                except Exception:
                    st = None
                if st in ("finished", "failed"):
                    final = st
                    break
                time.sleep(2)
            detail.update(reupload_status=s, reupload_job=again, reupload_final=final)
        self.record(f"jobs_worker_kill9_{mode}", t0, t1, **detail)

    def _job_id_from_log(self, org):
        from redis import Redis
        from rq.job import Job

        conn = Redis.from_url(self.site["redis"].url())
        newest, when = None, None
        for key in conn.scan_iter("rq:job:*"):
            k = key.decode()
            if k.count(":") != 2:
                continue
            try:
                job = Job.fetch(k.split(":")[2], connection=conn)
            except Exception:
                continue
            if job.func_name and job.func_name.endswith("run_workbook_job") and (
                    when is None or job.enqueued_at > when):
                newest, when = job.id, job.enqueued_at
        return newest


# --- the run -------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--search", choices=["pg", "solr"], default="pg")
    p.add_argument("--ckan-version", default="2.12.0")
    p.add_argument("--duration", type=float, default=600,
                   help="seconds of traffic at most (faults that do not fit are skipped)")
    p.add_argument("--max-requests", type=int, default=20000)
    p.add_argument("--clients", type=int, default=6)
    p.add_argument("--writers", type=int, default=3)
    p.add_argument("--workers", type=int, default=3, help="uWSGI workers")
    p.add_argument("--quiet", type=float, default=10, help="seconds of quiet after each fault")
    p.add_argument("--outage", type=float, default=20, help="seconds Redis and Solr stay down")
    p.add_argument("--workbook-rows", type=int, default=80)
    p.add_argument("--pg-port", type=int, default=55432)
    p.add_argument("--redis-port", type=int, default=56379)
    p.add_argument("--solr-port", type=int, default=58983)
    p.add_argument("--http-port", type=int, default=55080)
    p.add_argument("--run-dir", default=None)
    p.add_argument("--readme", action="store_true",
                   help="write the run's tables into bench/README.md")
    args = p.parse_args(argv)

    run = pathlib.Path(args.run_dir or ROOT / ".state" / "faults" / args.search).resolve()
    if run.exists():
        shutil.rmtree(run)
    run.mkdir(parents=True)
    venv = venv_for(args.ckan_version)
    pg = services.Postgres(run, args.pg_port)
    redis = services.Redis(run, args.redis_port)
    solr = services.Solr(run, args.solr_port, args.ckan_version) if args.search == "solr" else None
    ini = run / "ckan.ini"
    uwsgi = services.Uwsgi(run, args.http_port, venv, ini, args.workers)
    db = "ckan_faults"
    site = {"run": run, "pg": pg, "redis": redis, "solr": solr, "uwsgi": uwsgi, "db": db,
            "port": args.http_port}
    started = []
    load_before = os.getloadavg()
    try:
        print(f"[faults] run folder {run}; PostgreSQL :{args.pg_port}, Redis :{args.redis_port}"
              + (f", Solr :{args.solr_port}" if solr else "") + f", uWSGI :{args.http_port}",
              flush=True)
        pg.init()
        pg.start()
        started.append(pg)
        pg.create_db(db)
        redis.start()
        started.append(redis)
        solr_url = "http://127.0.0.1:1/solr/none"
        if solr:
            solr.start()
            started.append(solr)
            solr_url = solr.url()
        # the address uWSGI serves (the figures' fingerprint holds the site URL: the
        # command line and the server must agree on it)
        write_ini(ini, venv, pg.url(db), redis.url(), solr_url, args.search, run / "storage",
                  f"http://127.0.0.1:{args.http_port}")
        ckan(venv, ini, "db", "init")
        ckan(venv, ini, "db", "upgrade", "-p", "opdc_kpi")
        token = make_token(venv, ini)
        site["token"] = token
        uwsgi.start()
        started.append(uwsgi)
        services.wait_for(lambda: call(args.http_port, "GET", "/api/3/action/status_show",
                                       timeout=5)[0] == 200, 180, "uWSGI")
        orgs = []
        for n in range(args.clients + 1):
            status, body = action(args.http_port, "organization_create",
                                  {"name": f"faults-org-{n}", "title": f"หน่วยงานทดสอบ {n}"},
                                  token)
            if status != 200:
                raise RuntimeError(f"organization_create: {status} {body[:300]!r}")
            orgs.append(f"faults-org-{n}")
        site["import_org"] = orgs[-1]

        log = Log(run / "clients.jsonl")
        stop = threading.Event()
        counter = {"n": 0, "lock": threading.Lock()}
        clients = [Client(n, args.http_port, token, orgs[n], n < args.writers, log, stop,
                           args.max_requests, counter) for n in range(args.clients)]
        t_start = time.time()
        for c in clients:
            c.start()
        faults = Faults(args, site)
        plan = [faults.worker_kill, faults.pg_terminate, faults.worker_kill, faults.pg_restart,
                faults.redis_stop, lambda: faults.jobs_kill("import"),
                lambda: faults.jobs_kill("check"), faults.worker_kill]
        if solr:
            plan.append(faults.solr_stop)
        skipped = []
        time.sleep(args.quiet)
        for fault in plan:
            if time.time() - t_start > args.duration:
                skipped.append(getattr(fault, "__name__", "jobs_kill"))
                continue
            fault()
            time.sleep(args.quiet)
        stop.set()
        for c in clients:
            c.join(TIMEOUT + 5)
        t_end = time.time()
        print(f"[faults] traffic over: {counter['n']} requests in {t_end - t_start:.0f} s",
              flush=True)
        site["server_alive"] = uwsgi.proc is not None and uwsgi.proc.poll() is None
        result = invariants.check(run=run, site=site, venv=venv, ini=ini, token=token,
                                  events=faults.events, skipped=skipped,
                                  traffic=(t_start, t_end), call=call, action=action,
                                  ckan=ckan, search=args.search)
        result["load"] = {"before": load_before, "after": os.getloadavg(),
                          "cpus": os.cpu_count()}
        result["settings"] = {k: getattr(args, k) for k in (
            "duration", "clients", "writers", "workers", "quiet", "outage", "workbook_rows",
            "max_requests", "ckan_version")}
        (run / "results.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
        out = ROOT / "bench" / "faults" / f"results-{args.search}.json"
        out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        print(invariants.table(result), flush=True)
        if args.readme:
            invariants.write_readme(ROOT / "bench" / "README.md", args.search, result)
        return 0 if result["ok"] else 1
    finally:
        for service in reversed(started):
            try:
                service.stop()
            except Exception as error:  # keep stopping the others
                print(f"[faults] stopping {type(service).__name__}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
