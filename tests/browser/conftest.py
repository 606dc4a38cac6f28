"""Tier 3: the catalog served by `ckan run` in a subprocess, driven in Debian's
headless Chromium through Playwright (no browser download needed).

The server uses the same test database (CKAN_SQLALCHEMY_URL) as the test, so
data made with factories in the test (committed) is what the browser sees.
Screenshots go to test-artifacts/ (git-ignored, kept by CI as artifacts).
"""
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(fresh_db):
    """Base URL of the catalog served from test.ini in a subprocess.

    The database gets CKAN's tables and the plugins' own before the server
    starts: on a fresh machine the test database is empty, and the plugins
    read their tables at start-up."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from ckan import plugins

    with plugins.use_plugin("activity"), plugins.use_plugin("opdc_kpi"):
        fresh_db()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    env = dict(os.environ, CKAN_SITE_URL=url)
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    log_path = ARTIFACTS / "live-server.log"
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [str(ckan), "-c", ini, "run", "-H", "127.0.0.1", "-p", str(port), "-r"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
    )
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/api/3/action/status_show", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                log.flush()
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"ckan run did not start; {log_path} ends:\n{tail}")
            time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # every page as a person who asked for reduced motion: CKAN's Bootstrap
        # scrolls smoothly otherwise (root scroll-behavior), and a click landing
        # while a smooth scroll is still moving the page hits another element
        # ("clicking the checkbox did not change its state", a CI run). A test
        # about scrolling itself asks for the default (emulate_media).
        new_context = browser.new_context

        def calm_context(**options):
            options.setdefault("reduced_motion", "reduce")
            return new_context(**options)

        browser.new_context = calm_context
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


#: the two widths pages are looked at: a laptop and a phone (viewport height)
WIDTHS = {1366: 900, 390: 844}


@pytest.fixture(params=sorted(WIDTHS, reverse=True), ids=lambda w: f"{w}px")
def sized(chromium, request):
    """A Thai browser page at each of WIDTHS: ``(page, width)``."""
    width = request.param
    context = chromium.new_context(viewport={"width": width, "height": WIDTHS[width]},
                                   locale="th-TH", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page, width
    context.close()


def doc_shot(page, name: str) -> None:
    """The window as it is, as ``<name>.png``: into docs/screenshots/ with
    OPDC_KPI_DOC_SCREENSHOTS=1 (the README's pictures), else the artifacts."""
    folder = (ROOT / "docs" / "screenshots") if os.environ.get("OPDC_KPI_DOC_SCREENSHOTS") \
        else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def screenshot(page, name: str) -> pathlib.Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fill_autocomplete(page, field: str, value: str) -> None:
    """Type into CKAN's autocomplete input ``#field-<field>``. CKAN starts its
    modules once its translations have loaded (a request of their own, after
    the page's load event); CKAN 2.11's then covers the input with a select2
    box (2.12's does not), so the input is looked at once the page is idle."""
    page.wait_for_load_state("networkidle")
    if page.locator(f"#field-{field}").is_visible():
        page.fill(f"#field-{field}", value)
    else:
        page.eval_on_selector(f"#field-{field}", "(el, v) => { el.value = v; }", value)


def login(page, base_url: str, name: str, password: str) -> None:
    page.goto(base_url + "/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", password)
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state("networkidle")
    if page.locator("form[action*='logout']").count() == 0:
        raise AssertionError(f"login as {name} failed")
