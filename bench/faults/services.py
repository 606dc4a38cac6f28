"""The services a fault run owns: its own PostgreSQL (``initdb`` in the run
folder), its own ``redis-server``, in Solr mode its own Solr (scripts/solr.sh
with the run folder as its state), and the production server (uWSGI, with its
jobs worker) on them. Loopback only; the ports the rest of the project uses are
refused. Each process is started here and is stopped or killed by its own
process id only."""
from __future__ import annotations

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
#: ports of `make serve`, `make test`, CI and the lead's Solr: never faulted
RESERVED_PORTS = {5432, 6379, 8983, 5000, 5001, 8080, 80, 443}


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_port(name: str, port: int) -> None:
    if port in RESERVED_PORTS or 8984 <= port <= 8999:
        raise SystemExit(f"{name} port {port} belongs to the project's shared services "
                         "(make serve, make test, CI, worktrees' Solr): choose another")
    if not port_free(port):
        raise SystemExit(f"{name} port {port} is taken on 127.0.0.1: choose another")


def wait_for(check, seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.25)
    raise RuntimeError(f"{what} not ready within {seconds:.0f} s")


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:   # initdb and postgres refuse to run as root
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/" + name))
    if not versions:
        raise SystemExit(f"{name} not found: install PostgreSQL")
    return str(versions[-1])


class Postgres:
    def __init__(self, run: pathlib.Path, port: int):
        check_port("PostgreSQL", port)
        self.port, self.data, self.sock = port, run / "pg" / "data", run / "pg" / "sock"
        self.log = run / "pg" / "postgres.log"

    def url(self, db: str) -> str:
        return f"postgresql://ckan_faults@127.0.0.1:{self.port}/{db}"

    def init(self) -> None:
        base = self.data.parent
        base.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(base, "postgres")
            shutil.chown(self.sock, "postgres")
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, stdout=subprocess.DEVNULL)

    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                                     "-l", str(self.log), *args,
                                     "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 "
                                           f"-c unix_socket_directories={self.sock} "
                                           "-c max_connections=60"]),
                       check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.pid():
            subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-w",
                                         "stop", "-m", "fast"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def psql(self, sql: str, db: str = "postgres") -> str:
        out = subprocess.run([_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port),
                              "-U", "postgres", "-d", db, "-tAc", sql],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def create_db(self, name: str) -> None:
        self.psql("CREATE ROLE ckan_faults LOGIN")
        self.psql(f"CREATE DATABASE {name} OWNER ckan_faults ENCODING 'UTF8' "
                  "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0")
        self.psql("CREATE EXTENSION IF NOT EXISTS pg_trgm", db=name)

    def terminate_backends(self, db: str) -> int:
        return int(self.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{db}' AND pid <> pg_backend_pid()") or 0)


class Redis:
    def __init__(self, run: pathlib.Path, port: int):
        check_port("Redis", port)
        self.port, self.dir = port, run / "redis"
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        # persistence on, as a site runs it: queued jobs survive the stop
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.dir), "--appendonly", "yes", "--save", ""],
            stdout=open(self.dir / "redis.log", "ab"), stderr=subprocess.STDOUT)
        wait_for(lambda: listening(self.port), 20, "Redis")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()   # SIGTERM: redis closes its port and exits
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Solr:
    """scripts/solr.sh with this run's state folder and port."""

    def __init__(self, run: pathlib.Path, port: int, version: str):
        check_port("Solr", port)
        self.port, self.version = port, version
        self.env = dict(os.environ, SOLR_PORT=str(port), SOLR_STATE=str(run / "solr"),
                        SOLR_LIB=str(ROOT / ".state" / "solr" / "lib"), SOLR_HEAP="512m")

    def _sh(self, *args: str) -> str:
        return subprocess.run([str(ROOT / "scripts" / "solr.sh"), *args], env=self.env,
                              check=True, capture_output=True, text=True).stdout.strip()

    def start(self) -> None:
        self._sh("start", self.version)

    def stop(self) -> None:
        self._sh("stop")

    def url(self) -> str:
        return self._sh("url", self.version)


class Uwsgi:
    """The production server (scripts/production/uwsgi.ini) with its jobs
    worker, on this run's ini."""

    def __init__(self, run: pathlib.Path, port: int, venv: pathlib.Path, ini: pathlib.Path,
                 workers: int):
        check_port("uWSGI", port)
        self.port, self.venv, self.ini, self.workers = port, venv, ini, workers
        self.dir = run / "uwsgi"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        layer = self.dir / "production.ini"
        text = (ROOT / "scripts/production/production.ini").read_text()
        layer.write_text(text.replace("use = config:../../ckan.ini", f"use = config:{self.ini}"))
        webassets = self.dir / "webassets"
        webassets.mkdir(exist_ok=True)
        public = subprocess.run(
            [str(self.venv / "bin/python"), "-c",
             "import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), 'public'))"],
            check=True, capture_output=True, text=True).stdout.strip()
        env = dict(os.environ, CKAN_INI=str(layer), CKAN_SITE_URL=f"http://127.0.0.1:{self.port}",
                   OPDC_HTTP=f"127.0.0.1:{self.port}",
                   OPDC_WSGI=str(ROOT / "scripts/production/wsgi.py"),
                   OPDC_WORKERS=str(self.workers), OPDC_PIDFILE=str(self.dir / "uwsgi.pid"),
                   OPDC_CKAN_PUBLIC=public, OPDC_WEBASSETS=str(webassets),
                   OPDC_JOBS_WORKER=(f"exec {self.venv}/bin/ckan -c {self.ini} jobs worker "
                                     f">> {self.dir}/jobs-worker.log 2>&1"))
        self.proc = subprocess.Popen([str(self.venv / "bin/uwsgi"), "--ini",
                                      str(ROOT / "scripts/production/uwsgi.ini")],
                                     env=env, stdout=open(self.dir / "uwsgi.log", "ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def children(self) -> list[tuple[int, str]]:
        """(pid, command line) of the master's children: the HTTP router, the
        workers, the jobs worker."""
        if not self.proc:
            return []
        return [(pid, cmd) for pid, ppid, cmd in _processes() if ppid == self.proc.pid]

    def workers_pids(self) -> list[int]:
        return [pid for pid, cmd in self.children() if "uWSGI worker" in cmd]

    def jobs_worker(self) -> tuple[int, list[int]] | None:
        """The jobs worker's pid and its work horses' pids."""
        for pid, cmd in self.children():
            if "jobs worker" in cmd or "rq:" in cmd:
                return pid, [p for p, ppid, _ in _processes() if ppid == pid]
        return None


def _processes() -> list[tuple[int, int, str]]:
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            out.append((int(d), ppid, cmd))
        except (OSError, IndexError, ValueError):
            pass
    return out
