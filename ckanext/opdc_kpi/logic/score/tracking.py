"""Which organizations' KPI figures a transaction moves, and their
recompute right after it commits.

SQLAlchemy events on CKAN's session see every write, whether or not it goes
through an IPackageController hook: datasets, their resources, tags and
extras (2.11), organizations and their extras (2.11) as they are flushed
(``package_create``/``update``/``patch``/``delete``, ``dataset_purge``,
``package_owner_org_update``, organization update, delete and purge), bulk
UPDATE/DELETE statements on ``package`` (2.11's ``bulk_update_*``; 2.12's go
through ``package_patch``), and what the assessment actions name with
``touch``.

What moved is kept as (organization, dataset) pairs: a dataset's own
change (its row, resources, tags, extras; a move names both organizations)
names the dataset, anything else the whole organization (dataset "").
Before the transaction commits (inside it, behind a savepoint so nothing
here can abort it) the pairs are noted in ``opdc_kpi_figures_dirty`` and the
organizations' figures marked stale, under their advisory locks; after it
commits ``figures.apply`` applies them in a transaction of its own. A failed
or interrupted apply leaves them stale and noted, so the next change or
read recomputes them: never wrong in silence, never a lost change.
"""
from __future__ import annotations

import contextlib
import itertools
import logging
from typing import Any, Iterator, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.opdc_kpi.logic.score import figures
from ckanext.opdc_kpi.model import contributions as dirty_store
from ckanext.opdc_kpi.model import figures as store

log = logging.getLogger(__name__)

KEY = "opdc_kpi_figures_touched"
#: the transaction's changes could not be noted: its organizations are recomputed whole
UNNOTED = "opdc_kpi_figures_unnoted"
WHOLE = dirty_store.WHOLE


def touch(org_id: Optional[str], session: Any = None) -> None:
    """This organization's figures move (whole) when the session's transaction commits."""
    if org_id:
        _touched(session or model.Session).add((org_id, WHOLE))


def _touched(session: Any) -> set:
    return session.info.setdefault(KEY, set())


def _package_parts() -> tuple[type, ...]:
    parts = [model.Resource, model.PackageTag]
    if getattr(model, "PackageExtra", None) is not None:   # CKAN 2.11
        parts.append(model.PackageExtra)
    return tuple(parts)


def _after_flush(session: Any, flush_context: Any) -> None:
    touched = _touched(session)
    package_ids = set()
    group_extra = getattr(model, "GroupExtra", None)       # CKAN 2.11
    parts = _package_parts()
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, model.Package):
            for owner in [obj.owner_org, *(sa.inspect(obj).attrs.owner_org.history.deleted
                                           or ())]:
                if owner:
                    touched.add((owner, obj.id))
        elif isinstance(obj, model.Group):
            if obj.is_organization:
                touched.add((obj.id, WHOLE))
        elif isinstance(obj, parts):
            package_ids.add(obj.package_id)
        elif group_extra is not None and isinstance(obj, group_extra):
            touched.add((obj.group_id, WHOLE))
    package_ids.discard(None)
    if package_ids:
        touched.update((owner, pkg_id) for owner, pkg_id in session.execute(
            sa.text("SELECT owner_org, id FROM package WHERE id = ANY(:ids)"),
            {"ids": sorted(package_ids)}) if owner)


def _on_execute(state: Any) -> None:
    """A bulk UPDATE or DELETE of datasets: the datasets it matches."""
    if not (state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    table = getattr(target, "__table__", target)
    if getattr(table, "name", None) != "package":
        return
    columns = model.package_table.c
    query = sa.select(columns.owner_org, columns.id)
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    _touched(state.session).update(
        (owner, pkg_id) for owner, pkg_id in state.session.execute(query) if owner)


def _before_commit(session: Any) -> None:
    if session.in_nested_transaction():   # a savepoint: the outer transaction decides
        return
    if not session.info.get(KEY) and not (session.new or session.dirty or session.deleted):
        return
    if not figures.enabled():
        return
    session.flush()
    pairs = sorted(session.info.get(KEY) or ())
    if not pairs:
        return
    orgs = sorted({org for org, _ in pairs})
    session.execute(sa.text("SAVEPOINT opdc_kpi_figures"))
    try:
        store.lock(session, orgs)
        dirty_store.note_dirty(session, pairs)
        store.mark_stale(session, orgs)
        session.execute(sa.text("RELEASE SAVEPOINT opdc_kpi_figures"))
    except Exception:  # noqa: BLE001 - the change itself must commit
        log.exception("KPI figures: could not note the changes of %s", orgs)
        session.execute(sa.text("ROLLBACK TO SAVEPOINT opdc_kpi_figures"))
        session.info[UNNOTED] = True


def _after_commit(session: Any) -> None:
    if session.in_nested_transaction():
        return
    pairs = session.info.pop(KEY, None)
    unnoted = session.info.pop(UNNOTED, False)
    if not pairs or not figures.enabled():
        return
    orgs = sorted({org for org, _ in pairs})
    try:
        if unnoted:
            figures.mark_stale(orgs)
        if _DEFERRED:
            _DEFERRED[-1].update(orgs)     # noted and stale; applied when the batch ends
            return
        figures.apply(orgs)
    except Exception:  # noqa: BLE001 - the change is committed; its figures read as stale
        log.exception("KPI figures: applying the changes of %s failed", orgs)
        try:
            figures.mark_stale(orgs)
        except Exception:  # noqa: BLE001
            log.exception("KPI figures: could not mark %s stale", orgs)


#: the organizations of each open ``deferred()`` batch (this process's)
_DEFERRED: list[set[str]] = []


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A batch of many changes (a workbook import): each transaction still
    notes its changes and marks its organizations' figures stale before it
    commits, but they are applied once, when the batch ends, instead of after
    every commit. Applying sums the organization's stored contributions and
    its assessment records again, so one apply per row made an import cost
    more per dataset as the organization grew. In between, a read of those
    organizations' figures finds them stale and computes them live; a batch
    that ends by an error applies what it committed all the same."""
    orgs: set[str] = set()
    _DEFERRED.append(orgs)
    try:
        yield
    finally:
        _DEFERRED.pop()
        if orgs and figures.enabled():
            ids = sorted(orgs)
            try:
                figures.apply(ids)
            except Exception:  # noqa: BLE001 - committed; the figures read as stale
                log.exception("KPI figures: applying the changes of %s failed", ids)


def _after_rollback(session: Any) -> None:
    if not session.in_nested_transaction():   # a savepoint's changes may remain
        session.info.pop(KEY, None)
        session.info.pop(UNNOTED, None)


_LISTENERS = (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
              ("before_commit", _before_commit), ("after_commit", _after_commit),
              ("after_rollback", _after_rollback))


def install() -> None:
    """Listen to CKAN's session (once per process)."""
    for name, listener in _LISTENERS:
        if not sa.event.contains(model.Session, name, listener):
            sa.event.listen(model.Session, name, listener)
