"""Stored KPI figures: each organization's ``opdc_kpi_score_list`` row per
fiscal year and view, recomputed for the organizations a change touches
right after it commits (``tracking``), read by the list and the admin page.

Each active dataset's contribution is stored (``contributions``); a change
notes the (organization, dataset) pairs it touched in its own transaction
(``model.contributions``: dirty rows) and, after it commits, ``apply``
rewrites those datasets' contributions and sums the organization's rows
again from the stored contributions (``scoring.tally.row``, as the live
list does), in a transaction of its own that holds the organization's
advisory lock (``model.figures.lock``): whoever applies last started after
every committed change and applies every noted change, so no update is
lost. A change to the organization itself, or anything unexpected, and
``rebuild`` recompute an organization whole. Stored rows carry a fingerprint
of the settings and the scoring core's code; a row that is stale, missing or
from another fingerprint is recomputed when read. The scoring of a year does not depend on today's date
(``scoring.score_organization`` ignores it), so stored figures never age.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import multiprocessing
import os
import pathlib
import signal
from typing import Any, Callable, Iterable, Iterator, Optional

import sqlalchemy as sa
import sqlalchemy.orm

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.score import contributions, reader
from ckanext.opdc_kpi.logic.score.engine import score_rows as live_score_rows
from ckanext.opdc_kpi.model import confirmation
from ckanext.opdc_kpi.model import contributions as contribution_store
from ckanext.opdc_kpi.model import figures as store

log = logging.getLogger(__name__)

#: organizations recomputed per transaction (bounds memory and lock time)
CHUNK = 50
#: more changed datasets than this in one organization: recomputed whole
DIRTY_LIMIT = 500
_RULES_VERSION: list[str] = []

Progress = Optional[Callable[[int, int], None]]


def enabled() -> bool:
    """``ckanext.opdc_kpi.stored_figures``: off, every list is computed live."""
    return tk.asbool(tk.config.get("ckanext.opdc_kpi.stored_figures", True))


def rules_version() -> str:
    """A digest of the scoring core's source: figures stored by other rules'
    code do not count."""
    if not _RULES_VERSION:
        digest = hashlib.sha256()
        for path in sorted(pathlib.Path(scoring.__file__).parent.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        _RULES_VERSION.append(digest.hexdigest()[:16])
    return _RULES_VERSION[0]


def fingerprint() -> str:
    """The settings and rules the figures depend on beyond the catalog:
    the fallback catalog URL, the rule settings (openness scope, format
    map, ...) and the rules' code."""
    rules = site.from_config()
    text = repr((rules_version(), rules.report_parts_when_basic_fails,
                 sorted(dict(rules.format_map).items()), rules.structured_tier,
                 rules.openness_scope, site.fallback_catalog_url()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@contextlib.contextmanager
def own_session() -> Iterator[Any]:
    """A session on its own connection and transaction (not CKAN's: the
    figures are written after CKAN's transaction has committed)."""
    session = sa.orm.Session(bind=model.meta.engine)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def refresh(org_ids: Iterable[Optional[str]], progress: Progress = None,
            workers: int = 1) -> int:
    """Recompute and store these organizations' contributions and figures
    whole (an organization no longer active loses them), a chunk per
    transaction: the old figures stay readable until the chunk commits.
    ``workers`` > 1: the chunks shared among that many forked processes
    (the command line's rebuild; never in a web request)."""
    ids = sorted({org_id for org_id in org_ids if org_id})
    chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
    work = functools.partial(_refresh_chunk, fingerprint())
    done = 0
    for count in _each(work, chunks, workers):
        done += count
        if progress:
            progress(done, len(ids))
    return len(ids)


def _refresh_chunk(fp: str, chunk: list[str]) -> int:
    with own_session() as session:
        store.lock(session, chunk)
        orgs = reader.organizations(chunk, session=session)
        active = [org["id"] for org in orgs]
        contribution_store.replace(session, chunk, contributions.compute(session, active))
        contribution_store.resum(session, chunk)
        store.replace(session, chunk, contributions.figure_rows(session, orgs), fp)
        contribution_store.clear_dirty(session, chunk)
        session.commit()
    return len(chunk)


def _each(work: Callable[[Any], int], items: list[Any], workers: int) -> Iterator[int]:
    """``work`` of each item, in this process or in ``workers`` forked ones
    (results as they finish; the first failure is raised after the pool is
    stopped, so chunks already committed stay, the others keep their old
    figures)."""
    workers = min(workers, len(items))
    if workers <= 1:
        yield from map(work, items)
        return
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_forked)
    try:
        yield from pool.imap_unordered(work, items)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _forked() -> None:
    """In a forked worker: connections of its own (the parent's pooled ones
    stay the parent's), and the default answer to SIGTERM, with which the
    pool stops its workers (a handler the parent installed, such as an RQ
    worker's when the rebuild runs in a job, would leave them running and
    the pool waiting for them for ever)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    model.meta.engine.dispose(close=False)


def workers_default() -> int:
    """The rebuild's processes unless told: one per CPU, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def apply(org_ids: Iterable[Optional[str]]) -> None:
    """Apply the committed changes noted for these organizations
    (``opdc_kpi_figures_dirty``): the changed datasets' contributions
    rewritten and the organization's rows summed again, each organization in
    a transaction of its own under its lock. Recomputed whole instead when
    the organization itself changed, its figures are missing, stale with
    nothing noted, or of other settings, or very many datasets changed."""
    ids = sorted({org_id for org_id in org_ids if org_id})
    fp = fingerprint()
    whole = []
    for org_id in ids:
        with own_session() as session:
            store.lock(session, [org_id])
            dirty, state = contribution_store.take_dirty(session, org_id)
            if (contribution_store.WHOLE in dirty or len(dirty) > DIRTY_LIMIT or not state
                    or any(found != fp for _, found in state)
                    or (not dirty and any(stale for stale, _ in state))):
                whole.append(org_id)
                continue            # rolled back: the noted changes stay for refresh
            if not dirty:
                continue            # applied by another process meanwhile
            orgs = reader.organizations([org_id], session=session)
            if not orgs:
                whole.append(org_id)
                continue
            contributions.apply_changes(session, org_id, sorted(dirty))
            store.replace(session, [org_id], contributions.figure_rows(session, orgs), fp)
            session.commit()
    if whole:
        refresh(whole)


def mark_stale(org_ids: Iterable[Optional[str]]) -> None:
    """Their figures are recomputed whole on the next change or read."""
    ids = sorted({org_id for org_id in org_ids if org_id})
    with own_session() as session:
        store.lock(session, ids)
        contribution_store.note_dirty(session, [(org_id, contribution_store.WHOLE)
                                                for org_id in ids])
        store.mark_stale(session, ids)
        session.commit()


def basket_years() -> list[int]:
    """The catalog's basket years (every dataset counted: the admin page's
    year selector), newest first: from the stored sums when they are
    current, else read from the datasets (``reader.basket_years``)."""
    if enabled():
        years = contribution_store.basket_years(model.Session, fingerprint())
        if years is not None:
            return years
    return reader.basket_years()


def score_list_rows(fiscal_year: int, public_only: bool) -> list[dict[str, Any]]:
    """The ``opdc_kpi_score_list`` rows from the stored figures (those stale,
    missing or of another fingerprint recomputed first), in the order of
    the organizations' names."""
    session = model.Session
    fp = fingerprint()
    order = reader.organization_ids(session)
    # one decoded row per organization, usability decided by PostgreSQL
    stored = store.list_rows(session, fiscal_year, public_only, fp)
    missing = [org_id for org_id in order if not stored.get(org_id, (None, False))[1]]
    if missing:
        try:
            refresh(missing)
        except Exception:  # noqa: BLE001 - the live figures answer instead
            log.exception("KPI figures: recomputing %d organizations failed", len(missing))
        stored = store.list_rows(session, fiscal_year, public_only, fp)
    out: dict[str, dict[str, Any]] = {}
    live = []
    for org_id in order:
        row, usable = stored.get(org_id, (None, False))
        if row is None or not usable:
            live.append(org_id)    # created while we read, or the recompute failed
        else:
            out[org_id] = row
    if live:
        for row in live_score_rows(reader.organizations(live), fiscal_year=fiscal_year,
                                   public_only=public_only):
            out[row["organization"]["id"]] = row
    return [out[org_id] for org_id in order if org_id in out]


def verify(progress: Progress = None) -> list[dict[str, Any]]:
    """Every difference between the stored figures (as stored: stale or
    missing rows are differences) and a full live recompute, for every
    organization, view and year with a basket, a record or stored figures
    (and a year without any); and between each dataset's stored
    contribution and a fresh one, and the stored sums and the contributions'."""
    session = model.Session
    fp = fingerprint()
    years = sorted(set(reader.basket_years()) | set(confirmation.years(session))
                   | set(store.stored_years(session)) | {store.ANY_YEAR})
    order = reader.organization_ids(session)
    differences = [{"organization": org_id, "fiscal_year": None, "public_only": None,
                    "problem": "figures of an organization that is not active"}
                   for org_id in sorted(set(store.stored_organizations(session)) - set(order))]
    differences += [{"organization": org_id, "fiscal_year": None, "public_only": None,
                     "problem": "contributions of an organization that is not active"}
                    for org_id in sorted(set(contribution_store.organizations(session))
                                         - set(order))]
    for start in range(0, len(order), CHUNK):
        chunk = order[start:start + CHUNK]
        orgs = reader.organizations(chunk)
        for public_only in contributions.VIEWS:
            for year in years:
                stored = store.rows_for(session, year, public_only, chunk)
                for row in live_score_rows(orgs, fiscal_year=year, public_only=public_only):
                    org_id = row["organization"]["id"]
                    problem = _difference(stored.get(org_id) or {}, year, row, fp)
                    if problem:
                        differences.append({"organization": row["organization"]["name"],
                                            "fiscal_year": year, "public_only": public_only,
                                            "problem": problem})
        differences.extend(_contribution_differences(session, orgs))
        if progress:
            progress(min(start + CHUNK, len(order)), len(order))
    return differences


def _contribution_differences(session: Any, orgs: list[dict[str, Any]]) -> list[dict]:
    """The stored contributions of these organizations against a fresh
    computation of each dataset's, and their stored sums against the sums
    of the stored contributions."""
    ids = [org["id"] for org in orgs]
    names = {org["id"]: org["name"] for org in orgs}
    stored = contribution_store.rows_of(session, ids)
    out = []
    fresh: dict[str, dict[str, dict]] = {}
    for row in contributions.compute(session, ids):
        fresh.setdefault(row.pop("organization_id"), {})[row.pop("dataset_id")] = row
    for org_id in ids:
        have, want = stored.get(org_id, {}), fresh.get(org_id, {})
        for dataset in sorted(set(have) | set(want)):
            if have.get(dataset) != want.get(dataset):
                out.append({"organization": names[org_id], "fiscal_year": None,
                            "public_only": None,
                            "problem": f"contribution of dataset {dataset}: stored "
                                       f"{have.get(dataset)} != live {want.get(dataset)}"})
    stored_sums = contribution_store.stored_sums(session, ids)
    summed = contribution_store.summed_again(session, ids)
    for org_id in sorted({row[0] for row in stored_sums ^ summed}):
        out.append({"organization": names[org_id], "fiscal_year": None, "public_only": None,
                    "problem": "stored sums differ from the sums of the stored contributions"})
    return out


def _difference(rows: dict[int, Any], year: int, live: dict, fp: str) -> Optional[str]:
    found = rows.get(year) or rows.get(store.ANY_YEAR)
    if found is None:
        return "no stored figures"
    if found.stale:
        return "stored figures marked stale"
    if found.fingerprint != fp:
        return "stored figures computed with other settings or rules"
    if found.row != live:
        return f"stored {found.row} != live {live}"
    return None


def rebuild(progress: Progress = None, workers: int = 1) -> int:
    """Recompute every organization's figures (and drop those of
    organizations no longer active), in ``workers`` processes."""
    order = reader.organization_ids()
    gone = (set(store.stored_organizations(model.Session))
            | set(contribution_store.organizations(model.Session))) - set(order)
    model.Session.rollback()   # hold no snapshot while the chunks commit
    return refresh(order + sorted(gone), progress, workers=workers)
