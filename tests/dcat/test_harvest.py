"""A real client: ckanext-dcat's ``dcat_rdf_harvester`` on a second CKAN
site harvests this site's ``/catalog.ttl`` over HTTP (issue 29, item 5).

This site is served on a loopback port from the test process (its catalog
in pages of 4 over 10 public datasets, so the harvester follows the pages'
``hydra:next`` links). The second site has its own database
(``OPDC_KPI_HARVEST_DB_URL``, made by ``make test``) and ini, runs ``ckan
run`` on another port and a harvest job (ckanext-harvest's gather, fetch and
import stages) as subprocesses. The harvested datasets,
read through the second site's API, carry the 14 items and the focus area of
the originals; a second run after an edit updates the edited dataset and
deletes the one deleted here. The harvest runs ckanext-harvest's own stages
(``second_site.py`` says why not ``ckan harvester run-test`` itself).
"""
from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.dcat import second_site
from tests.dcat.support import DATA_TYPES, complete_dataset_dict, items_of, keywords_of
from tests.factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 4),
              pytest.mark.usefixtures("with_plugins", "dcat_db")]

ROOT = pathlib.Path(__file__).resolve().parents[2]
HARVEST_DB_ENV = "OPDC_KPI_HARVEST_DB_URL"
TIMEOUT = 240


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    """The environment of the second site's processes: its database, never
    this site's (``make test`` exports this site's as CKAN_SQLALCHEMY_URL)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CKAN_INI", "CKAN_SOLR_URL")}
    env["CKAN_SQLALCHEMY_URL"] = os.environ[HARVEST_DB_ENV]
    return env


def _harvest(ini: pathlib.Path) -> dict:
    """A harvest job on the second site: how many objects, and their errors."""
    result = subprocess.run([sys.executable, "-m", "tests.dcat.second_site", "harvest", str(ini)],
                            capture_output=True, text=True, env=_env(), cwd=ROOT,
                            timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == [], report["errors"]
    return report


def _api(port: int, action: str, **params: Any) -> Any:
    query = "&".join(f"{k}={urllib.parse.quote(str(v))}" for k, v in params.items())
    url = f"http://127.0.0.1:{port}/api/3/action/{action}?{query}"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.load(response)["result"]
    except urllib.error.HTTPError as error:
        return {"status": error.code}


def _wait_for(port: int, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(encoding="utf-8")[-3000:]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/status_show",
                                   timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise AssertionError("the second site did not answer")


@pytest.fixture
def this_site_served(app, monkeypatch):
    """This site on a loopback port, its DCAT URIs (and page links) there."""
    from werkzeug.serving import make_server

    port = _free_port()
    monkeypatch.setitem(tk.config, "ckanext.dcat.base_uri", f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, app.app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


def _harvested(port: int, name: str) -> dict:
    pkg = _api(port, "package_show", id=name)
    if "tags" in pkg:
        pkg["tag_string"] = keywords_of(pkg)
    return pkg


def test_a_second_site_harvests_the_catalog_with_the_dga_items(this_site_served, tmp_path):
    if HARVEST_DB_ENV not in os.environ:
        message = f"{HARVEST_DB_ENV} is not set (make test sets it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    base_ini = os.environ.get("CKAN_INI") or "test.ini"
    ini = tmp_path / "second-site.ini"
    ini.write_text(second_site.ini_text(str(pathlib.Path(base_ini).resolve()),
                                        os.environ[HARVEST_DB_ENV], port), encoding="utf-8")
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    # the second site's set-up runs while this site's datasets are made
    setup = subprocess.Popen([sys.executable, "-m", "tests.dcat.second_site", "setup", str(ini),
                              f"{this_site_served}/catalog.ttl"], cwd=ROOT, env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sysadmin = {"user": factories.Sysadmin()["name"]}
    org = factories.Organization(title="กรมการท่องเที่ยว")
    originals = [factories.Dataset(**complete_dataset_dict(DATA_TYPES[n % 5], org["id"],
                                                           name=f"harvested-{n}"))
                 for n in range(10)]
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="not-harvested-private",
                                         private=True))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="not-harvested-draft",
                                         state="draft"))
    output, _ = setup.communicate(timeout=TIMEOUT)
    assert setup.returncode == 0, output[-3000:]
    assert json.loads(output.strip().splitlines()[-1])["source"] == second_site.SOURCE
    log = tmp_path / "second-site.log"
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([ckan, "-c", str(ini), "run", "-H", "127.0.0.1", "-p",
                                   str(port), "-r"], cwd=ROOT, env=_env(), stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        assert _harvest(ini)["objects"] == 10
        _wait_for(port, server, log)
        listed = _api(port, "package_search", fq="-dataset_type:harvest", rows=100)
        assert listed["count"] == 10
        for original in originals:
            shown = helpers.call_action("package_show", id=original["id"])
            shown["tag_string"] = keywords_of(shown)
            harvested = _harvested(port, original["name"])
            assert items_of(harvested) == items_of(shown), original["name"]
            # item 3: the harvester's source organization; the original as publisher
            assert harvested["organization"]["name"] == "harvested-agencies"
            extras = {e["key"]: e["value"] for e in harvested["extras"]}
            assert extras["publisher_name"] == "กรมการท่องเที่ยว"
        # an edit and a deletion here, then the second run
        edited, deleted = originals[0], originals[1]
        helpers.call_action("package_patch", context=dict(sysadmin), id=edited["id"],
                            title="ชื่อใหม่หลังแก้ไข", objective=["มติคณะรัฐมนตรี"],
                            update_frequency_unit="ปี", update_frequency_interval="5")
        helpers.call_action("package_delete", context=dict(sysadmin), id=deleted["id"])
        # the 9 left, and the deleted one's removal
        assert _harvest(ini)["objects"] == 10
        again = _harvested(port, edited["name"])
        assert (again["title"], again["objective"], again["update_frequency_unit"],
                again["update_frequency_interval"]) == (
            "ชื่อใหม่หลังแก้ไข", ["มติคณะรัฐมนตรี"], "ปี", "5")
        assert _harvested(port, deleted["name"]).get("status") in (403, 404)
        listed = _api(port, "package_search", fq="-dataset_type:harvest", rows=100)
        assert listed["count"] == 9
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
