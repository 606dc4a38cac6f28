"""CSRF on a running site (issue 26, item 7).

CKAN 2.11 and 2.12 (``ckan/config/middleware/flask_app.py``,
``ckan_before_request``) call ``csrf.exempt(view)`` whenever a request is
flagged ``login_via_auth_header``: a request with an API token, and also
every request without a logged-in session (the flag is set for anonymous
callers too). Flask-WTF keeps exempt views in one set for the whole process,
for good. The extension's own POST views check the CSRF token themselves
(``views.common._check_csrf``), so a cookie POST without the token is refused
whatever an earlier request did.

The test ini turns CSRF off and the exempt set lives as long as the process:
these tests serve the catalog from a fresh ``ckan run`` with CSRF on, one
server for the whole module (~10 s to start).
"""
from __future__ import annotations

import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import requests

from ckan.tests import factories

ROOT = pathlib.Path(__file__).resolve().parents[1]
PASSWORD = "correct horse 26"
CSRF_FIELD = "_csrf_token"          # CKAN's default WTF_CSRF_FIELD_NAME
OUR_BLUEPRINTS = ("opdc_kpi",)      # every blueprint of the extension starts so

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _csrf_ini(directory: pathlib.Path) -> pathlib.Path:
    """The run's ini with CSRF on (the rest, database, plugins, search, as
    is); a ``use = config:`` it names (test-solr.ini) is made absolute."""
    source = pathlib.Path(os.environ.get("CKAN_INI") or ROOT / "test.ini")
    text = source.read_text(encoding="utf-8").replace("%(here)s", str(source.parent))
    text = re.sub(r"(?m)^(use\s*=\s*config:)(?!/)(\S+)",
                  lambda m: m.group(1) + str(source.parent / m.group(2)), text)
    text = re.sub(r"(?m)^WTF_CSRF_ENABLED\s*=.*\n", "", text)
    text = text.replace("[app:main]\n", "[app:main]\nWTF_CSRF_ENABLED = true\n", 1)
    assert "WTF_CSRF_ENABLED = true" in text, f"{source} has no [app:main] section"
    target = directory / "csrf.ini"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def csrf_site(fresh_db, tmp_path_factory):
    """Base URL of the catalog served with CSRF on by a new ``ckan run``."""
    from ckan import plugins

    with plugins.use_plugin("activity"), plugins.use_plugin("opdc_kpi"):
        fresh_db()
    directory = tmp_path_factory.mktemp("csrf")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CKAN_SITE_URL=url)
    log_path = directory / "server.log"
    log = open(log_path, "wb")
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    process = subprocess.Popen(
        [str(ckan), "-c", str(_csrf_ini(directory)), "run", "-H", "127.0.0.1",
         "-p", str(port), "-r"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/api/3/action/status_show", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                log.close()
                raise RuntimeError("ckan run did not start:\n"
                                   + log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _csrf_token(html: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}"\s+value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


def _login(url: str, name: str) -> requests.Session:
    """A browser's session: logged in through the login form (which needs
    the CSRF token)."""
    session = requests.Session()
    page = session.get(url + "/user/login", timeout=30)
    answer = session.post(url + "/user/login", data={
        "login": name, "password": PASSWORD, CSRF_FIELD: _csrf_token(page.text)},
        allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and "/user/login" not in answer.headers["Location"], \
        f"login as {name} failed ({answer.status_code})"
    return session


def _refused_for_csrf(response: requests.Response) -> bool:
    return response.status_code == 400 and "CSRF" in response.text


def _our_post_routes(org: dict) -> list[str]:
    """Every POST URL of the extension's blueprints, from the running app's
    URL map (a new POST view is covered without a change here)."""
    from flask import current_app

    values = {"id": org["name"], "record_id": str(uuid.uuid4()), "job_id": str(uuid.uuid4())}
    urls = []
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.split(".")[0].startswith(OUR_BLUEPRINTS) and "POST" in rule.methods:
            missing = set(rule.arguments) - set(values)
            assert not missing, f"{rule.rule}: give the test a value for {missing}"
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name], path)
            urls.append(path)
    assert len(urls) >= 5, urls
    return sorted(urls)


@pytest.fixture
def site(csrf_site, app):
    """The served catalog with a sysadmin (password and token) and an organization."""
    admin = factories.Sysadmin(password=PASSWORD)
    token = factories.APIToken(user=admin["name"])["token"]
    org = factories.Organization()
    with app.flask_app.test_request_context():
        routes = _our_post_routes(org)
    return {"url": csrf_site, "admin": admin, "token": token, "org": org, "routes": routes}


def _forged(site: dict) -> dict[str, int]:
    """Each POST route the logged-in sysadmin's browser reaches without a
    CSRF token: {path: status}; empty when every one is refused."""
    browser = _login(site["url"], site["admin"]["name"])
    accepted = {}
    for path in site["routes"]:
        answer = browser.post(site["url"] + path, data={"note": "forged"},
                              allow_redirects=False, timeout=30)
        if not _refused_for_csrf(answer):
            accepted[path] = answer.status_code
    return accepted


def test_a_forged_cookie_post_is_refused(site):
    """CKAN 2.11 exempts every plugin's blueprint from CSRF while
    ``ckan.csrf_protection.ignore_extensions`` is true, its default."""
    assert _forged(site) == {}


def test_a_forged_cookie_post_is_refused_after_a_token_post(site):
    for path in site["routes"]:     # each view once reached with an API token
        requests.post(site["url"] + path, data={"note": "by token"}, allow_redirects=False,
                      headers={"Authorization": site["token"]}, timeout=30)
    assert _forged(site) == {}


def test_a_forged_cookie_post_is_refused_after_an_anonymous_request(site):
    for path in site["routes"]:     # CKAN 2.12 flags anonymous requests "via auth header" too
        requests.post(site["url"] + path, data={}, allow_redirects=False, timeout=30)
        requests.get(site["url"] + path, allow_redirects=False, timeout=30)
    assert _forged(site) == {}


def test_the_form_with_its_token_still_works_and_tokens_need_none(site):
    """The control: the check refuses what lacks the token, not every POST."""
    url = site["url"]
    path = f"/organization/{site['org']['name']}/harvest-check"
    browser = _login(url, site["admin"]["name"])
    page = browser.get(url + path, timeout=30)
    assert page.status_code == 200
    answer = browser.post(url + path, data={CSRF_FIELD: _csrf_token(page.text)},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    # a script with an API token needs no CSRF token (a browser never sends
    # the Authorization header by itself)
    scripted = requests.post(url + path, headers={"Authorization": site["token"]},
                             allow_redirects=False, timeout=30)
    assert scripted.status_code == 302, scripted.text[:500]
