"""The search mode of this test run and the plugin list for tests that set
``ckan.plugins`` themselves (``pytest.mark.ckan_config("ckan.plugins", ...)``).

``make test`` runs on the PostgreSQL search (test.ini, ``opdc_kpi_pgsearch``);
``make test SEARCH=solr`` on Apache Solr (test-solr.ini, without it). The mode
is the environment variable ``OPDC_KPI_SEARCH`` (``pg`` or ``solr``, set by the
Makefile) or else read from the ini given to pytest (``--ckan-ini``, following
``use = config:...``): Solr when its ``ckan.plugins`` leaves out the
PostgreSQL search. No CKAN import: this module is read at collection time.
"""
from __future__ import annotations

import configparser
import os
import pathlib
import sys
from typing import Optional

PGSEARCH = "opdc_kpi_pgsearch"
BASE = ("activity", "scheming_datasets", "scheming_organizations", "opdc_kpi")


def _ini_from_argv() -> Optional[str]:
    for i, arg in enumerate(sys.argv):
        if arg.startswith("--ckan-ini="):
            return arg.split("=", 1)[1]
        if arg == "--ckan-ini" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
    return os.environ.get("CKAN_INI")


def _plugins_in(ini: str, depth: int = 0) -> Optional[str]:
    path = pathlib.Path(ini)
    if depth > 5 or not path.exists():
        return None
    parser = configparser.RawConfigParser(strict=False)
    parser.read(path, encoding="utf-8")
    if not parser.has_section("app:main"):
        return None
    if parser.has_option("app:main", "ckan.plugins"):
        return parser.get("app:main", "ckan.plugins")
    use = parser.get("app:main", "use", fallback="")
    if use.startswith("config:"):
        return _plugins_in(str(path.parent / use[len("config:"):]), depth + 1)
    return None


def search_mode() -> str:
    """``"pg"`` or ``"solr"``."""
    mode = os.environ.get("OPDC_KPI_SEARCH")
    if mode in ("pg", "solr"):
        return mode
    ini = _ini_from_argv()
    plugins = _plugins_in(ini) if ini else None
    if plugins is not None and PGSEARCH not in plugins.split():
        return "solr"
    return "pg"


SEARCH_MODE = search_mode()
SOLR = SEARCH_MODE == "solr"


def plugins(*extra: str) -> str:
    """The site's plugins in this mode (the PostgreSQL search only in pg
    mode), followed by ``extra`` (test plugins)."""
    names = list(BASE) + ([] if SOLR else [PGSEARCH]) + list(extra)
    return " ".join(names)


PLUGINS = plugins()
