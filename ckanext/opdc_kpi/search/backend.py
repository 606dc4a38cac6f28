"""Plugging the PostgreSQL classes into CKAN's search registries.

CKAN has no search interface; it looks up ``ckan.lib.search._INDICES`` and
``_QUERIES`` by entity type (those internals are named and checked in
``ckan_internals``) (and instantiates ``PackageSearchQuery`` directly
for group dataset counts). :func:`install` puts a thin dispatcher there
that uses the PostgreSQL classes while the ``opdc_kpi_pgsearch`` plugin is
loaded and CKAN's own (Solr) classes otherwise, so unloading the plugin
(as CKAN's test fixtures do) restores Solr behaviour.
"""
from __future__ import annotations

import functools
import inspect
import logging
from typing import Any

import flask
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p

from ckanext.opdc_kpi.search import ckan_internals

log = logging.getLogger(__name__)

PLUGIN_NAME = "opdc_kpi_pgsearch"
THAI_SAMPLE = "ข้อมูล"


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

    return check_solr_schema_version


def _committing_clear(clear: Any) -> Any:
    """``ckan search-index clear NAME`` (and ``clear-orphans``) deletes a
    dataset's document outside any action: Solr commits it there and then;
    the PostgreSQL delete is committed here (it was rolled back with the
    process). CKAN calls ``ckan.lib.search.clear`` from those commands only;
    called while a request is handled, it commits nothing (the action's own
    transaction decides)."""
    @functools.wraps(clear)
    def clear_one(package_reference: str) -> None:
        clear(package_reference)
        if active() and not flask.has_request_context():
            model.Session.commit()

    return clear_one


def _rebuild_committing_each(rebuild: Any) -> Any:
    """CKAN's ``rebuild`` of the whole catalog without deferred writes
    (``ckan search-index rebuild --commit-each``) commits the database once,
    at its end: on this backend each document is committed as it is written
    (``index.COMMIT_EACH``), as the option says and Solr does."""
    signature = inspect.signature(inspect.unwrap(rebuild))   # its arguments: ckan_internals

    @functools.wraps(rebuild)
    def rebuild_(*args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(*args, **kwargs)
        arguments.apply_defaults()
        each = (active() and not flask.has_request_context()
                and not arguments.arguments["defer_commit"]
                and not arguments.arguments["package_id"]
                and arguments.arguments["package_ids"] is None)
        if not each:
            return rebuild(*args, **kwargs)
        from ckanext.opdc_kpi.search.index import COMMIT_EACH
        token = COMMIT_EACH.set(True)
        try:
            return rebuild(*args, **kwargs)
        finally:
            COMMIT_EACH.reset(token)

    return rebuild_


def install() -> None:
    """Idempotent: wrap the package index and query classes once. Refuses
    (:class:`ckan_internals.CkanInternalsMissing`) on a CKAN without the
    internals this relies on."""
    ckan_internals.check()
    search = ckan_internals.search_module()
    index_cls = search._INDICES["package"]
    if not getattr(index_cls, "_opdc_kpi", False):
        search._INDICES["package"] = _dispatching(
            index_cls, "ckanext.opdc_kpi.search.index.PgPackageSearchIndex")
    query_cls = search._QUERIES["package"]
    if not getattr(query_cls, "_opdc_kpi", False):
        search._QUERIES["package"] = _dispatching(
            query_cls, "ckanext.opdc_kpi.search.query.PgPackageSearchQuery")
    # start-up probes Solr's schema (a logged traceback on every command): not
    # while PostgreSQL answers the searches; the index commands' commits
    for name, wrap in (("check_solr_schema_version", _skip_solr_probe),
                       ("rebuild", _rebuild_committing_each), ("clear", _committing_clear)):
        function = getattr(search, name)
        if not getattr(function, "_opdc_kpi", False):
            wrapped = wrap(function)
            wrapped._opdc_kpi = True
            setattr(search, name, wrapped)
    # model_dictize instantiates search.PackageSearchQuery directly (group counts)
    if not getattr(search.PackageSearchQuery, "_opdc_kpi", False):
        search.PackageSearchQuery = search._QUERIES["package"]


class DatabaseLocaleError(RuntimeError):
    """The database cannot index Thai text for substring search."""


def check_database(config: Any) -> None:
    """At start-up: the database's LC_CTYPE must make pg_trgm split Thai
    into trigrams (C.UTF-8 or another UTF-8 locale; not C/POSIX), or every
    Thai search reads the whole table. Refuses to start (or, with
    ``ckanext.opdc_kpi.search.require_utf8_ctype = false``, logs an error).
    A database that cannot be reached yet is left to CKAN to report."""
    try:
        with model.meta.engine.connect() as connection:
            ctype = connection.execute(sa.text(
                "SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar()
            has_trgm = connection.execute(sa.text(
                "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).scalar()
            splits_thai = None
            if has_trgm:
                splits_thai = bool(connection.execute(sa.text(
                    "SELECT cardinality(show_trgm(:t)) > 0"), {"t": THAI_SAMPLE}).scalar())
    except sa.exc.SQLAlchemyError as error:
        log.warning("PostgreSQL search: could not check the database's locale: %s", error)
        return
    if splits_thai is None:
        splits_thai = "utf" in (ctype or "").lower().replace("-", "")
    if splits_thai:
        return
    message = (
        f"PostgreSQL search: the database's LC_CTYPE is {ctype!r}, in which pg_trgm "
        "cannot split Thai into trigrams, so Thai searches would read every row. "
        "Create the database with --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 "
        "--template=template0 (scripts/setup.sh db NAME does), or set "
        "ckanext.opdc_kpi.search.require_utf8_ctype = false to start anyway."
    )
    if config.get("ckanext.opdc_kpi.search.require_utf8_ctype"):
        raise DatabaseLocaleError(message)
    log.error(message)
