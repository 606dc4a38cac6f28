"""A CKAN action API double on loopback (http.server in a thread), serving
recorded-shape responses: what a CKAN 2.9 agency catalog answers."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


class FakeCkan:
    """``handlers[action](params, headers) -> (status, body)``; ``body`` a
    dict is sent as JSON, a str as HTML. Records every request."""

    def __init__(self, handlers: dict[str, Callable[[dict, dict], tuple[int, Any]]],
                 host: str = "127.0.0.1"):
        self.handlers = handlers
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, params: dict) -> None:
                name = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
                fake.requests.append({"action": name, "params": params,
                                      "headers": dict(self.headers)})
                handler = fake.handlers.get(name)
                if handler is None:
                    status, body = 404, {"success": False, "error": {
                        "__type": "Not Found Error", "message": "action not found"}}
                else:
                    status, body = handler(params, dict(self.headers))
                data = (json.dumps(body) if not isinstance(body, str) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(
                    body, str) else "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                self._answer(json.loads(raw or b"{}"))

            def do_GET(self):  # noqa: N802
                self._answer({})

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "FakeCkan":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def ok(result: Any) -> tuple[int, dict]:
    return 200, {"success": True, "result": result}


def status_show(params: dict, headers: dict) -> tuple[int, dict]:
    return ok({"ckan_version": "2.9.11", "site_url": "http://agency.example",
               "extensions": ["scheming_datasets", "thai_gdc"]})


def search_over(datasets: list[dict], rows_max: int = 1000,
                visible: Callable[[dict, dict], bool] | None = None):
    """package_search over ``datasets``: fq owner_org / organization, sort by
    id or name, paging capped at ``rows_max`` like ckan.search.rows_max."""
    def handler(params: dict, headers: dict) -> tuple[int, dict]:
        items = [d for d in datasets if visible is None or visible(d, headers)]
        fq = params.get("fq") or ""
        if "owner_org:" in fq:
            owner = fq.split("owner_org:", 1)[1].strip().strip('"')
            items = [d for d in items if d.get("owner_org") == owner]
        if "organization:" in fq:
            name = fq.split("organization:", 1)[1].strip().strip('"').split()[0]
            items = [d for d in items if (d.get("organization") or {}).get("name") == name]
        key = "name" if str(params.get("sort", "")).startswith("name") else "id"
        items = sorted(items, key=lambda d: d[key])
        rows = min(int(params.get("rows", 10)), rows_max)
        start = int(params.get("start", 0))
        return ok({"count": len(items), "results": items[start:start + rows]})
    return handler
