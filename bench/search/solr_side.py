"""The Solr side of the search benchmark (issue 17, item 8).

- :func:`index_catalog`: the seed's datasets into a Solr core as CKAN's own Solr
  indexer makes them: ``ckan.lib.search.index.PackageSearchIndex.index_package``
  builds each document from the same two dicts the PostgreSQL rows are built from
  (``package_show`` without validation and the validated dict), with its
  vocabulary lookups and permission labels read from the seeded tables; only the
  HTTP posting is batched (500 documents a request instead of one) and the
  vocabulary is looked up once, not once per dataset.
- :func:`use`: which backend ``package_search`` answers from. The PostgreSQL search
  plugin dispatches on whether it is loaded (``ckanext.opdc_kpi.search.backend``),
  so Solr is the same process and app with the plugin unloaded.
- :func:`time_rebuild`: ``ckan search-index rebuild`` of a whole catalog for one
  backend, in its own process, timed; :func:`seed_catalog` makes a smaller catalog
  for it in another database.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time
from typing import Callable

PLUGIN = "opdc_kpi_pgsearch"
HERE = pathlib.Path(__file__).resolve().parent


def use(backend: str) -> None:
    """``"pg"``: the PostgreSQL search plugin loaded; ``"solr"``: unloaded."""
    import ckan.plugins as p

    loaded = p.plugin_loaded(PLUGIN)
    if backend == "pg" and not loaded:
        p.load(PLUGIN)
    elif backend == "solr" and loaded:
        p.unload(PLUGIN)


def solr_count() -> int:
    """Documents of this site (``ckan.site_id``) in the Solr core."""
    from ckan.common import config
    from ckan.lib.search.common import make_connection

    site = config.get("ckan.site_id")
    return make_connection().search(q="*:*", fq=f'+site_id:"{site}"', rows=0).hits


def index_catalog(seed, count: int, echo: Callable[[str], None], batch: int = 500,
                  items=None) -> float:
    """Index the seed's ``count`` datasets (or ``items``, as ``seed.load`` got
    them) into Solr; returns the seconds taken."""
    import ckan.lib.search.index as ckan_index
    import ckan.plugins.toolkit as tk
    from ckan.common import config
    from ckan.lib.search.common import make_connection

    site = config.get("ckan.site_id")
    connection = make_connection()
    pending: list[dict] = []

    class Capture:  # what index_package hands its connection
        def add(self, docs, commit=False):
            pending.extend(docs)

    vocabularies: dict = {}
    get_action = ckan_index.logic.get_action

    def remembered(name):  # vocabulary_show once per vocabulary, not per dataset
        action = get_action(name)
        if name != "vocabulary_show":
            return action

        def show(context, data):
            if data["id"] not in vocabularies:
                vocabularies[data["id"]] = action(context, data)
            return vocabularies[data["id"]]
        return show

    started = time.perf_counter()
    connection.delete(q=f'+site_id:"{site}"', commit=False)
    original = ckan_index.make_connection
    ckan_index.make_connection = lambda *a, **k: Capture()
    ckan_index.logic.get_action = remembered
    indexer = ckan_index.PackageSearchIndex()
    # CKAN 2.12 takes the validated dict beside the raw one; 2.11 validates the
    # raw one itself (a nested dict would be a child document)
    takes_validated = tk.check_ckan_version(min_version="2.12")
    done = 0
    try:
        for pkg_dict, validated, _labels in (seed.datasets(count) if items is None else items):
            indexer.index_package(dict(pkg_dict, with_custom_schema=validated)
                                  if takes_validated else dict(pkg_dict), defer_commit=True)
            done += 1
            if len(pending) >= batch:
                connection.add(pending, commit=False)
                pending.clear()
            if done % 10000 == 0:
                echo(f"  Solr: indexed {done} datasets")
    finally:
        ckan_index.make_connection = original
        ckan_index.logic.get_action = get_action
    if pending:
        connection.add(pending, commit=False)
    connection.commit(waitSearcher=True)
    return time.perf_counter() - started


def core_size(solr_url: str) -> str:
    """The core's index size as Solr reports it (CoreAdmin STATUS)."""
    import requests

    base, core = solr_url.rstrip("/").rsplit("/", 1)
    answer = requests.get(f"{base}/admin/cores", params={
        "action": "STATUS", "core": core, "wt": "json"}, timeout=30).json()
    return answer["status"][core]["index"].get("size", "?")


def seed_catalog(count: int, db_url: str, echo: Callable[[str], None]) -> None:
    """A catalog of the seed's first ``count`` datasets in another database (this
    benchmark in its own process, no scenario): the catalog the rebuilds index."""
    env = dict(os.environ, CKAN_SQLALCHEMY_URL=db_url)
    command = [sys.executable, str(HERE.parent / "run.py"), "search", "--datasets",
               str(count), "--only", "(none)", "--out", os.devnull]
    echo(f"  the rebuild's catalog: {count} datasets in its own database")
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    if finished.returncode != 0:
        raise RuntimeError(f"seeding the rebuild's catalog failed:\n{finished.stderr[-2000:]}")


def time_rebuild(backend: str, ini: str, env: dict, echo: Callable[[str], None]) -> dict:
    """``ckan -c INI search-index rebuild`` for one backend in its own process (the
    PostgreSQL search: ``bench.ini``; Solr: ``bench-solr.ini``, the same site without
    the plugin). Wall time around the command, and the indexing alone: from CKAN's
    first "Indexing dataset 1/N" to the command's end (start-up excluded; the end
    includes CKAN's commit and orphan check)."""
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    command = [str(ckan), "-c", ini, "search-index", "rebuild"]
    echo(f"  {backend}: ckan -c {pathlib.Path(ini).name} search-index rebuild")
    started = time.perf_counter()
    first = None
    tail = ""
    with subprocess.Popen(command, env=dict(os.environ, **env), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        while True:
            chunk = process.stdout.read(64)
            if not chunk:
                break
            if first is None and "Indexing dataset 1/" in tail + chunk:
                first = time.perf_counter()
            tail = (tail + chunk)[-200:]
        errors = process.stderr.read()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"search-index rebuild ({backend}) failed:\n{errors[-2000:]}")
    counted = tail.rsplit("Indexing dataset ", 1)[-1].split()[0] if "Indexing" in tail else "?"
    return {"seconds": round(seconds, 1),
            "indexing_seconds": round(time.perf_counter() - first, 1) if first else None,
            "indexed": counted}
