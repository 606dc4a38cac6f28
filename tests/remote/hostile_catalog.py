"""A hostile catalog on loopback: a real HTTP(S) server whose answers are
written byte by byte by the test (redirects elsewhere, endless counts and
pages, a slow drip, oversized or nested bodies, escape sequences)."""
from __future__ import annotations

import json
import pathlib
import shutil
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

#: the longest a dripping answer goes on (so a client without a deadline,
#: as on the main branch, still ends)
DRIP_FOR = 8.0


class Hostile:
    """``respond(answer, action, params)`` writes each answer; ``answer`` has
    ``json(body, status=200)``, ``redirect(url, code=302)``, ``raw(bytes)``
    and ``drip(head, byte, every)``. Every request is recorded."""

    def __init__(self, respond: Callable[["Answer", str, dict], None], host: str = "127.0.0.1",
                 tls: ssl.SSLContext | None = None):
        self.requests: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    params = json.loads(raw or b"{}")
                except ValueError:
                    params = {}
                action = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
                hostile.requests.append({"action": action, "params": params,
                                         "method": self.command, "path": self.path,
                                         "headers": dict(self.headers)})
                try:
                    respond(Answer(self, hostile.stopping), action, params)
                except (BrokenPipeError, ConnectionResetError):
                    pass   # the client hung up: what a limit does

            do_POST = do_GET = _serve  # noqa: N815

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "Hostile":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class Answer:
    def __init__(self, handler: BaseHTTPRequestHandler, stopping: threading.Event):
        self.handler, self.stopping = handler, stopping

    def raw(self, data: bytes) -> None:
        self.handler.wfile.write(data)
        self.handler.wfile.flush()

    def json(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.raw(f"HTTP/1.0 {status} X\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(data)}\r\n\r\n".encode() + data)

    def ok(self, result: Any) -> None:
        self.json({"success": True, "result": result})

    def redirect(self, url: str, code: int = 302) -> None:
        self.raw(f"HTTP/1.0 {code} Moved\r\nLocation: {url}\r\nContent-Length: 0\r\n\r\n"
                 .encode())

    def drip(self, head: bytes, byte: bytes = b" ", every: float = 0.3) -> None:
        """``head`` at once, then ``byte`` every ``every`` seconds (each read
        well inside a per-read timeout) until DRIP_FOR has passed."""
        self.raw(head)
        ends = time.monotonic() + DRIP_FOR
        while time.monotonic() < ends and not self.stopping.wait(every):
            self.raw(byte)


def tls_pair(folder: pathlib.Path) -> tuple[ssl.SSLContext, pathlib.Path] | None:
    """A server context with a fresh self-signed certificate for 127.0.0.1,
    and that certificate's file for the client to trust (None without the
    openssl command)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server, cert
