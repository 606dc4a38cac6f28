"""Stored KPI figures: each organization's ``opdc_kpi_score_list`` row per
fiscal year and view, recomputed for the organizations a change touches
right after it commits (``tracking``), read by the list and the admin page.

An organization's figures are recomputed whole, from the same set-based
read and scoring core as the live list, in a transaction of their own that
holds the organization's advisory lock (``model.figures.lock``): whoever
recomputes last started after every committed change, so no update is
lost. Stored rows carry a fingerprint of the settings and the scoring
core's code; a row that is stale, missing or from another fingerprint is
recomputed when read. The scoring of a year does not depend on today's date
(``scoring.score_organization`` ignores it), so stored figures never age.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import pathlib
from typing import Any, Callable, Iterable, Iterator, Optional

import sqlalchemy as sa
import sqlalchemy.orm

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.score import reader
from ckanext.opdc_kpi.logic.score.engine import score_rows as live_score_rows
from ckanext.opdc_kpi.model import confirmation
from ckanext.opdc_kpi.model import figures as store

log = logging.getLogger(__name__)

#: organizations recomputed per transaction (bounds memory and lock time)
CHUNK = 50
VIEWS = (False, True)          # public_only
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


def _years_of(pkg: dict) -> set[int]:
    return set(scoring.parse_kpi_years(pkg.get("kpi_years"))[0])


def compute(session: Any, org_ids: list[str]) -> list[tuple[str, int, bool, dict]]:
    """(organization id, fiscal year, public_only, row) of every year with a
    basket or an assessor's record, and ``ANY_YEAR``, in both views."""
    orgs = reader.organizations(org_ids, session=session)
    ids = [org["id"] for org in orgs]
    by_org = reader.datasets(ids, session=session)
    records = confirmation.records_by_year(ids, session)
    rules = site.from_config()
    settings = dict(today=site.today(), rules=rules, catalog_url=site.fallback_catalog_url(),
                    lang="en")
    out = []
    with reader.paused_gc():
        for org in orgs:
            pkgs = by_org.get(org["id"], [])
            years = [(pkg, _years_of(pkg)) for pkg in pkgs]
            org_records = records.get(org["id"], {})
            all_years = set(org_records).union(*(y for _, y in years))
            for year in [store.ANY_YEAR] + sorted(all_years):
                # only the year's basket counts unless openness is catalog-wide
                pool = ([pkg for pkg, found in years if year in found]
                        if rules.openness_scope == "basket" else pkgs)
                for public_only in VIEWS:
                    assessments = None if public_only else org_records.get(year, [])
                    row = scoring.score_rows([(org, pool, assessments)], fiscal_year=year,
                                             public_only=public_only, **settings)[0]
                    out.append((org["id"], year, public_only, row))
    return out


def refresh(org_ids: Iterable[Optional[str]], progress: Progress = None) -> int:
    """Recompute and store these organizations' figures (an organization no
    longer active loses its figures), a chunk per transaction: the old
    figures stay readable until the chunk commits."""
    ids = sorted({org_id for org_id in org_ids if org_id})
    fp = fingerprint()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with own_session() as session:
            store.lock(session, chunk)
            store.replace(session, chunk, compute(session, chunk), fp)
            session.commit()
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return len(ids)


def mark_stale(org_ids: Iterable[Optional[str]]) -> None:
    """Their figures are recomputed on the next read."""
    ids = sorted({org_id for org_id in org_ids if org_id})
    with own_session() as session:
        store.mark_stale(session, ids)
        session.commit()


def _usable(rows: dict[int, Any], fp: str) -> bool:
    return store.ANY_YEAR in rows and all(
        not row.stale and row.fingerprint == fp for row in rows.values())


def score_list_rows(fiscal_year: int, public_only: bool) -> list[dict[str, Any]]:
    """The ``opdc_kpi_score_list`` rows from the stored figures (those stale,
    missing or of another fingerprint recomputed first), in the order of
    the organizations' names."""
    session = model.Session
    fp = fingerprint()
    order = reader.organization_ids(session)
    stored = store.rows_for(session, fiscal_year, public_only)
    missing = [org_id for org_id in order if not _usable(stored.get(org_id) or {}, fp)]
    if missing:
        try:
            refresh(missing)
        except Exception:  # noqa: BLE001 - the live figures answer instead
            log.exception("KPI figures: recomputing %d organizations failed", len(missing))
        stored = store.rows_for(session, fiscal_year, public_only)
    out: dict[str, dict[str, Any]] = {}
    live = []
    for org_id in order:
        rows = stored.get(org_id) or {}
        found = rows.get(fiscal_year) or rows.get(store.ANY_YEAR)
        if found is None or not _usable(rows, fp):
            live.append(org_id)    # created while we read, or the recompute failed
        else:
            out[org_id] = found.row
    if live:
        for row in live_score_rows(reader.organizations(live), fiscal_year=fiscal_year,
                                   public_only=public_only):
            out[row["organization"]["id"]] = row
    return [out[org_id] for org_id in order if org_id in out]


def verify(progress: Progress = None) -> list[dict[str, Any]]:
    """Every difference between the stored figures (as stored: stale or
    missing rows are differences) and a full live recompute, for every
    organization, view and year with a basket, a record or stored figures
    (and a year without any)."""
    session = model.Session
    fp = fingerprint()
    years = sorted(set(reader.basket_years()) | set(confirmation.years(session))
                   | set(store.stored_years(session)) | {store.ANY_YEAR})
    order = reader.organization_ids(session)
    differences = [{"organization": org_id, "fiscal_year": None, "public_only": None,
                    "problem": "figures of an organization that is not active"}
                   for org_id in sorted(set(store.stored_organizations(session)) - set(order))]
    for start in range(0, len(order), CHUNK):
        chunk = order[start:start + CHUNK]
        orgs = reader.organizations(chunk)
        for public_only in VIEWS:
            for year in years:
                stored = store.rows_for(session, year, public_only, chunk)
                for row in live_score_rows(orgs, fiscal_year=year, public_only=public_only):
                    org_id = row["organization"]["id"]
                    problem = _difference(stored.get(org_id) or {}, year, row, fp)
                    if problem:
                        differences.append({"organization": row["organization"]["name"],
                                            "fiscal_year": year, "public_only": public_only,
                                            "problem": problem})
        if progress:
            progress(min(start + CHUNK, len(order)), len(order))
    return differences


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


def rebuild(progress: Progress = None) -> int:
    """Recompute every organization's figures (and drop those of
    organizations no longer active)."""
    order = reader.organization_ids()
    gone = set(store.stored_organizations(model.Session)) - set(order)
    model.Session.rollback()   # hold no snapshot while the chunks commit
    return refresh(order + sorted(gone), progress)
