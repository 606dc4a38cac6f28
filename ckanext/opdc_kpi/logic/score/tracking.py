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

Before the transaction commits (inside it, behind a savepoint so nothing
here can abort it) the organizations' figures are marked stale under their
advisory locks; after it commits they are recomputed in a transaction of
their own. A failed or interrupted recompute leaves them stale, so the next
read recomputes them: never wrong in silence, never a lost change.
"""
from __future__ import annotations

import itertools
import logging
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.opdc_kpi.logic.score import figures
from ckanext.opdc_kpi.model import figures as store

log = logging.getLogger(__name__)

KEY = "opdc_kpi_figures_touched"


def touch(org_id: Optional[str], session: Any = None) -> None:
    """This organization's figures move when the session's transaction commits."""
    if org_id:
        _touched(session or model.Session).add(org_id)


def _touched(session: Any) -> set:
    return session.info.setdefault(KEY, set())


def _package_parts() -> tuple[type, ...]:
    parts = [model.Resource, model.PackageTag]
    if getattr(model, "PackageExtra", None) is not None:   # CKAN 2.11
        parts.append(model.PackageExtra)
    return tuple(parts)


def _after_flush(session: Any, flush_context: Any) -> None:
    orgs = _touched(session)
    package_ids = set()
    group_extra = getattr(model, "GroupExtra", None)       # CKAN 2.11
    parts = _package_parts()
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, model.Package):
            orgs.add(obj.owner_org)
            orgs.update(sa.inspect(obj).attrs.owner_org.history.deleted or ())
        elif isinstance(obj, model.Group):
            if obj.is_organization:
                orgs.add(obj.id)
        elif isinstance(obj, parts):
            package_ids.add(obj.package_id)
        elif group_extra is not None and isinstance(obj, group_extra):
            orgs.add(obj.group_id)
    package_ids.discard(None)
    if package_ids:
        orgs.update(owner for (owner,) in session.execute(
            sa.text("SELECT owner_org FROM package WHERE id = ANY(:ids)"),
            {"ids": sorted(package_ids)}))
    orgs.discard(None)


def _on_execute(state: Any) -> None:
    """A bulk UPDATE or DELETE of datasets: the owners of the rows it matches."""
    if not (state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    table = getattr(target, "__table__", target)
    if getattr(table, "name", None) != "package":
        return
    query = sa.select(model.package_table.c.owner_org).distinct()
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    _touched(state.session).update(
        owner for (owner,) in state.session.execute(query) if owner)


def _before_commit(session: Any) -> None:
    if session.in_nested_transaction():   # a savepoint: the outer transaction decides
        return
    if not session.info.get(KEY) and not (session.new or session.dirty or session.deleted):
        return
    if not figures.enabled():
        return
    session.flush()
    orgs = sorted(session.info.get(KEY) or ())
    if not orgs:
        return
    session.execute(sa.text("SAVEPOINT opdc_kpi_figures"))
    try:
        store.lock(session, orgs)
        store.mark_stale(session, orgs)
        session.execute(sa.text("RELEASE SAVEPOINT opdc_kpi_figures"))
    except Exception:  # noqa: BLE001 - the change itself must commit
        log.exception("KPI figures: could not mark %s stale", orgs)
        session.execute(sa.text("ROLLBACK TO SAVEPOINT opdc_kpi_figures"))


def _after_commit(session: Any) -> None:
    if session.in_nested_transaction():
        return
    orgs = session.info.pop(KEY, None)
    if not orgs or not figures.enabled():
        return
    try:
        figures.refresh(orgs)
    except Exception:  # noqa: BLE001 - the change is committed; its figures read as stale
        log.exception("KPI figures: recomputing %s failed", sorted(orgs))
        try:
            figures.mark_stale(orgs)
        except Exception:  # noqa: BLE001
            log.exception("KPI figures: could not mark %s stale", sorted(orgs))


def _after_rollback(session: Any) -> None:
    if not session.in_nested_transaction():   # a savepoint's changes may remain
        session.info.pop(KEY, None)


_LISTENERS = (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
              ("before_commit", _before_commit), ("after_commit", _after_commit),
              ("after_rollback", _after_rollback))


def install() -> None:
    """Listen to CKAN's session (once per process)."""
    for name, listener in _LISTENERS:
        if not sa.event.contains(model.Session, name, listener):
            sa.event.listen(model.Session, name, listener)
