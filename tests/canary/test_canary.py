"""No private byte to anyone who may not read it (issue 26, item 1).

Organization A's private and draft datasets hold a canary in every stored
value (``plant.py``). Every GET route of the Flask app and every
side-effect-free action is requested with A's ids and names in the path and
in every query parameter it reads (``matrix.py``), as anonymous, as a
member, editor and admin of organization B and as an assessor of B: no
canary may be in any body, header, zip member (XLSX exports) or session
cookie (``scan.py``). The positive control, A's admin, asks the same and
must find every canary: the check can fail.

``make test`` (CI): one request per route and role with every parameter set
to A's private dataset at once, plus the exports. ``make test-canary``
(``OPDC_KPI_CANARY_FULL=1``): each parameter separately, set to each of A's
objects, and the path to each of them. Both print their counts.
"""
from __future__ import annotations

import collections
import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

import ckan.plugins.toolkit as tk

from tests.canary import matrix, scan
from tests.canary.plant import plant, remove_jobs

FULL = os.environ.get("OPDC_KPI_CANARY_FULL") == "1"
LOG = os.environ.get("OPDC_KPI_CANARY_LOG")
#: who may not read A's private datasets: anonymous, and B's people
ROLES = ("anonymous", "member", "editor", "admin", "assessor")
CONTROL = "control"   # A's admin

pytestmark = [pytest.mark.ckan_config("ckanext.opdc_kpi.public_scores", True),
              pytest.mark.usefixtures("with_plugins")]

_CATALOG: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _one_catalog_per_module():
    _CATALOG.clear()
    yield
    if "catalog" in _CATALOG:
        remove_jobs(_CATALOG["catalog"])
    _CATALOG.clear()


@pytest.fixture
def catalog(fresh_db, with_plugins):
    if not _CATALOG:
        fresh_db()
        _CATALOG["catalog"] = plant()
    return _CATALOG["catalog"]


def _client(app, user):
    """A client of its own, logged in as ``user`` by flask-login's remember
    cookie as a browser is (an API token would cost a database write per
    request: CKAN records its last use)."""
    from flask_login.utils import encode_cookie

    import ckan.plugins.toolkit as tk

    client = app.test_client()
    if user:
        with app.flask_app.test_request_context():
            # the test client asks the site's host (ckan.site_url)
            client.set_cookie(tk.config.get("REMEMBER_COOKIE_NAME") or "remember_token",
                              encode_cookie(user["id"]),
                              domain=urlparse(tk.config["ckan.site_url"]).hostname)
    return client


@dataclass(frozen=True)
class Leak:
    role: str
    url: str
    status: int
    found: tuple


class Run:
    """The requests of one test, each role with its own client (cookies:
    its own session), what each response held and the counts."""

    def __init__(self, app, catalog):
        self.catalog = catalog
        self.clients = {role: _client(app, catalog.users[role]) for role in (*ROLES, CONTROL)}
        self.leaks: list[Leak] = []
        self.control_found: set[str] = set()
        self.requests: collections.Counter = collections.Counter()
        self.statuses: collections.Counter = collections.Counter()
        self.errors: list[str] = []
        self.failing: dict[str, set[str]] = {}
        self.fails_bare: dict[str, bool] = {}
        self.cpu = time.process_time()
        self.started = time.monotonic()

    def ask(self, role: str, path: str, query: list[tuple[str, str]]) -> None:
        """One request; when the page fails (a 500 on a served site, e.g.
        CKAN's own views on a parameter they do not expect: ``groups`` on
        the new dataset form), the parameters in halves until the failing
        one is alone, so it hides no leak of the others. A parameter found
        failing on a path is sent alone to the next roles."""
        failing = self.failing.setdefault(path, set())
        parts = [[pair] for pair in query if pair[0] in failing]
        rest = [pair for pair in query if pair[0] not in failing]
        if rest or not query:
            parts.insert(0, rest)
        for part in parts:
            self._halves(role, path, part)

    def _halves(self, role: str, path: str, query: list[tuple[str, str]]) -> None:
        if self.get(role, path, query) or not query:
            return
        if len(query) > 1:
            # a page that fails without any parameter fails on its own
            if path not in self.fails_bare:
                self.fails_bare[path] = not self.get(role, path, [])
            if self.fails_bare[path]:
                return
        if len(query) == 1:
            self.failing[path].add(query[0][0])
            return
        half = len(query) // 2
        self._halves(role, path, query[:half])
        self._halves(role, path, query[half:])

    def get(self, role: str, path: str, query: list[tuple[str, str]]) -> bool:
        """One request, looked into; False when it raised (no response)."""
        url = f"{path}?{urlencode(query)}" if query else path
        t0 = time.monotonic()
        try:
            response = self.clients[role].get(path, query_string=query,
                                              follow_redirects=False)
        except Exception as error:  # noqa: BLE001 - the test app re-raises a view's error
            # a 500 on a served site (its body the generic error page): no
            # response to look into; counted and listed
            self.requests[role] += 1
            self.errors.append(f"{role} GET {url}: {type(error).__name__}: {error}"[:300])
            self._log(role, "raised", t0, url, f"{type(error).__name__}: {error}")
            return False
        sent = scan.sent(url)
        found = tuple(f for f in scan.in_response(response.status_code,
                                                  response.headers.items(),
                                                  response.get_data())
                      if f.canary not in sent)
        self.requests[role] += 1
        self.statuses[response.status_code // 100 * 100] += 1
        self._log(role, response.status_code, t0, url, " ".join(sorted({f.canary for f in found})))
        if role == CONTROL:
            self.control_found |= {f.canary for f in found}
        elif found:
            self.leaks.append(Leak(role, url, response.status_code, found))
        return True

    @staticmethod
    def _log(role: str, status: Any, started: float, url: str, note: str) -> None:
        """``OPDC_KPI_CANARY_LOG=<file>``: every request as a line of a TSV
        (role, status, seconds, URL, canaries found or the error)."""
        if LOG:
            with open(LOG, "a", encoding="utf-8") as out:
                out.write(f"{role}\t{status}\t{time.monotonic() - started:.3f}\t{url}\t"
                          f"{note[:300]}\n")

    def report(self) -> str:
        where = self.catalog.canaries.where
        lines = []
        for leak in self.leaks[:40]:
            lines.append(f"{leak.role} GET {leak.url} -> {leak.status}")
            lines += [f"    {f.canary} ({where[f.canary]}) in {f.where}" for f in leak.found]
        if len(self.leaks) > 40:
            lines.append(f"... and {len(self.leaks) - 40} more")
        return "\n".join(lines)

    def summary(self, what: str, units: int) -> str:
        return (f"canary {'full' if FULL else 'ci'} {what}: {units} {what}, "
                f"{sum(self.requests.values())} requests ({dict(self.requests)}), "
                f"statuses {dict(sorted(self.statuses.items()))}, "
                f"{len(self.errors)} raised (500 when served: "
                f"{sorted({e.split('?')[0].split(' ', 2)[2] for e in self.errors})}), "
                f"{time.monotonic() - self.started:.1f} s "
                f"({time.process_time() - self.cpu:.1f} s CPU in the test process)")


#: canaries no page or action shows to anyone, A's admin included (so the
#: positive control cannot find them), by where they are, each with why
NEVER_SHOWN: dict[str, str] = {
    "A harvest record: P1's name as recorded": "the harvest check names a dataset still "
    "in the catalog by its current name; a recorded name shows only for one gone since",
    "A harvest record: D's name as recorded": "the same, for the draft",
}

NEVER_SHOWN_ON_2_11 = {"M dataset extra (model): undeclared key",
                       "M dataset extra (model): undeclared value"}


def test_no_page_shows_a_canary_to_anyone_who_may_not_read_it(app, catalog):
    matrix.install_recorder(app.flask_app)
    run = Run(app, catalog)
    routes, covered = matrix.get_routes(app.flask_app.url_map)
    site = matrix.site_values(app.flask_app)
    unfilled = {}
    for rule in routes:
        try:
            variants = matrix.path_variants(rule, catalog, FULL, site)
        except matrix.Unfillable as error:
            unfilled[f"{rule.endpoint} {rule.rule}"] = str(error)
            continue
        path = matrix.build(rule, variants[0])
        # A's admin first, every standard parameter set: what the route reads
        reads = matrix.Reads()
        with matrix.recording(reads):
            run.get(CONTROL, path, [(p, matrix.ci_value(p, catalog)) for p in matrix.STANDARD])
        params = matrix.route_params(reads)
        objects = [(p, matrix.ci_value(p, catalog)) for p in matrix.object_params(params)]
        # the exports and the guesses, where the route reads the parameter by name
        guesses = [[(p, v)] for p in sorted(reads.keys) for v in matrix.VARIANTS.get(p, ())]
        paths = [path] if FULL else [matrix.build(rule, v) for v in variants]
        asks = [(each, query) for each in paths for query in [objects] + guesses]
        for ask in asks[1:]:
            run.get(CONTROL, *ask)
        if FULL:
            asks += [(matrix.build(rule, v), []) for v in variants[1:]]
            asks += [(path, [(p, v)]) for p in params for v in matrix.full_values(p, catalog)]
        for role in ROLES:
            for ask in asks:
                run.ask(role, *ask)
    print("\n" + run.summary("routes", len(routes)))
    assert not unfilled, ("GET routes neither requested nor in matrix.SKIP: fill their "
                          f"arguments in matrix.py or skip them with a reason: {unfilled}")
    assert not run.leaks, "canaries shown to who may not read them:\n" + run.report()
    _CATALOG["pages_found"] = run.control_found
    assert run.control_found, "the positive control found no canary: the check cannot fail"


def test_no_action_gives_a_canary_to_anyone_who_may_not_read_it(app, catalog):
    run = Run(app, catalog)
    actions = matrix.side_effect_free_actions()
    assert {"package_show", "package_search", "opdc_kpi_score"} <= set(actions)
    for name, fn in actions.items():
        for n, query in enumerate(matrix.action_requests(name, fn, catalog, FULL)):
            items = sorted(query.items())
            if n < 2:           # the keyed call and the bare one
                run.get(CONTROL, f"/api/3/action/{name}", items)
            for role in ROLES:
                run.ask(role, f"/api/3/action/{name}", items)
    print("\n" + run.summary("actions", len(actions)))
    assert not run.leaks, "canaries given to who may not read them:\n" + run.report()
    _CATALOG["actions_found"] = run.control_found
    assert run.control_found, "the positive control found no canary: the check cannot fail"


def test_the_positive_control_finds_every_canary(catalog):
    """A's admin may read everything A holds: what the pages and actions
    showed them covers every canary (else a canary is planted where no
    request looks, and its leak could not be seen)."""
    if "pages_found" not in _CATALOG or "actions_found" not in _CATALOG:
        pytest.skip("runs after the pages' and the actions' tests")
    found = _CATALOG["pages_found"] | _CATALOG["actions_found"]
    where = catalog.canaries.where
    never = {c for c, w in where.items() if w in NEVER_SHOWN}
    assert len(never) == len(NEVER_SHOWN), "NEVER_SHOWN names a canary not planted"
    if tk.check_ckan_version(max_version="2.11.99"):
        # on CKAN 2.11 no request of the matrix shows A's admin the extra written
        # through the model on M (on 2.12 one does): the leak check still looks for
        # it everywhere, but this control cannot show it would be seen (open)
        never |= {c for c, w in where.items() if w in NEVER_SHOWN_ON_2_11}
    missing = sorted(set(where) - found - never)
    assert not missing, [f"{c}: {where[c]}" for c in missing]
    kinds = collections.Counter(catalog.canaries.kind(c) for c in found)
    print(f"\ncanary positive control: {len(found)} of {len(where)} canaries found, {dict(kinds)}")
