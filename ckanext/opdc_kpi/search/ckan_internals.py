"""The one place that touches CKAN's search internals.

CKAN has no pluggable search interface (ckan/ckan#3118 closed unmerged), so
the PostgreSQL search replaces entries of ``ckan.lib.search`` that are not
public API: the package entries of the index and query registries
(``_INDICES``, ``_QUERIES``), ``PackageSearchQuery`` (which
``model_dictize`` instantiates directly for group counts) and the start-up
Solr schema probe ``check_solr_schema_version``, ``clear`` and ``rebuild``
(the ``search-index clear NAME`` and ``rebuild --commit-each`` commands',
wrapped to commit); and it subclasses CKAN's
package index and query classes. CKAN 2.11 and 2.12 have all of them.
:func:`check` runs at start-up, before anything is replaced, and names
whatever a newer CKAN no longer has instead of failing somewhere later.
"""
from __future__ import annotations

import importlib
import inspect
from typing import Any

#: (module, attribute) the PostgreSQL search relies on
REQUIRED = (
    ("ckan.lib.search", "_INDICES"),
    ("ckan.lib.search", "_QUERIES"),
    ("ckan.lib.search", "PackageSearchQuery"),
    ("ckan.lib.search", "check_solr_schema_version"),
    ("ckan.lib.search", "clear"),
    ("ckan.lib.search", "rebuild"),
    ("ckan.lib.search.index", "PackageSearchIndex"),
    ("ckan.lib.search.query", "PackageSearchQuery"),
    ("ckan.lib.search.query", "VALID_SOLR_PARAMETERS"),
    ("ckan.lib.search.common", "SearchError"),
    ("ckan.lib.search.common", "SearchQueryError"),
)


#: arguments of ``ckan.lib.search.rebuild`` its wrapper reads by name
REBUILD_ARGUMENTS = ("package_id", "package_ids", "defer_commit")


class CkanInternalsMissing(RuntimeError):
    """This CKAN lacks an internal the PostgreSQL search replaces or extends."""


def missing() -> list[str]:
    """``module.attribute`` of every required internal this CKAN lacks."""
    out = []
    for module_name, attribute in REQUIRED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            out.append(f"{module_name}.{attribute}")
            continue
        if not hasattr(module, attribute):
            out.append(f"{module_name}.{attribute}")
        elif attribute in ("_INDICES", "_QUERIES") and "package" not in getattr(module, attribute):
            out.append(f"{module_name}.{attribute}['package']")
        elif attribute == "rebuild" and not set(REBUILD_ARGUMENTS) <= set(
                inspect.signature(inspect.unwrap(getattr(module, attribute))).parameters):
            out.append(f"{module_name}.{attribute}({', '.join(REBUILD_ARGUMENTS)})")
    return out


def check() -> None:
    """Refuse to start, naming the CKAN version and what is missing."""
    gone = missing()
    if gone:
        import ckan

        raise CkanInternalsMissing(
            f"opdc_kpi_pgsearch: CKAN {ckan.__version__} does not have "
            f"{', '.join(gone)}, which the PostgreSQL search replaces or extends "
            "(it supports CKAN 2.11 and 2.12). Leave opdc_kpi_pgsearch out of "
            "ckan.plugins and use Solr, or run a supported CKAN version.")


def search_module() -> Any:
    return importlib.import_module("ckan.lib.search")


def package_index_base() -> type:
    return importlib.import_module("ckan.lib.search.index").PackageSearchIndex


def package_query_base() -> type:
    return importlib.import_module("ckan.lib.search.query").PackageSearchQuery


def valid_solr_parameters() -> Any:
    return importlib.import_module("ckan.lib.search.query").VALID_SOLR_PARAMETERS


def search_errors() -> tuple[type, type]:
    """CKAN's ``SearchError`` and ``SearchQueryError``."""
    common = importlib.import_module("ckan.lib.search.common")
    return common.SearchError, common.SearchQueryError
