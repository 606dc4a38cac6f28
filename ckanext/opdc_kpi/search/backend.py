"""Plugging the PostgreSQL classes into CKAN's search registries.

CKAN has no search interface; it looks up ``ckan.lib.search._INDICES`` and
``_QUERIES`` by entity type (and instantiates ``PackageSearchQuery`` directly
for group dataset counts). :func:`install` puts a thin dispatcher there
that uses the PostgreSQL classes while the ``opdc_kpi_pgsearch`` plugin is
loaded and CKAN's own (Solr) classes otherwise, so unloading the plugin
(as CKAN's test fixtures do) restores Solr behaviour.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
from ckan.lib import search

PLUGIN_NAME = "opdc_kpi_pgsearch"


def active() -> bool:
    return p.plugin_loaded(PLUGIN_NAME)


def _dispatching(solr_cls: type, pg_cls_path: str) -> type:
    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        if active():
            module, name = pg_cls_path.rsplit(".", 1)
            target = getattr(__import__(module, fromlist=[name]), name)
        else:
            target = solr_cls
        return target(*args, **kwargs)

    return type(f"OpdcKpiDispatch{solr_cls.__name__}", (solr_cls,), {"__new__": __new__,
                                                                      "_opdc_kpi": True})


def _skip_solr_probe(probe: Any) -> Any:
    def check_solr_schema_version(schema_file: Any = None) -> bool:
        if active():
            return False
        return probe(schema_file)

    check_solr_schema_version._opdc_kpi = True  # type: ignore[attr-defined]
    return check_solr_schema_version


def install() -> None:
    """Idempotent: wrap the package index and query classes once."""
    index_cls = search._INDICES["package"]
    if not getattr(index_cls, "_opdc_kpi", False):
        search._INDICES["package"] = _dispatching(
            index_cls, "ckanext.opdc_kpi.search.index.PgPackageSearchIndex")
    query_cls = search._QUERIES["package"]
    if not getattr(query_cls, "_opdc_kpi", False):
        search._QUERIES["package"] = _dispatching(
            query_cls, "ckanext.opdc_kpi.search.query.PgPackageSearchQuery")
    # start-up probes Solr's schema (a logged traceback on every command): not
    # while PostgreSQL answers the searches
    if not getattr(search.check_solr_schema_version, "_opdc_kpi", False):
        search.check_solr_schema_version = _skip_solr_probe(search.check_solr_schema_version)
    # model_dictize instantiates search.PackageSearchQuery directly (group counts)
    if not getattr(search.PackageSearchQuery, "_opdc_kpi", False):
        search.PackageSearchQuery = search._QUERIES["package"]
