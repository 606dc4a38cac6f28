"""Stored figures against the live recompute (the reference): what every
figures test asserts after a change."""
from __future__ import annotations

from typing import Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.opdc_kpi.logic.score import figures, organizations, reader, score_rows
from ckanext.opdc_kpi.model import contributions as contribution_store
from ckanext.opdc_kpi.model import figures as store

YEARS = (2564, 2565, 2566, 2570)


def stored_rows(year: int, public_only: bool, org_ids: Optional[list[str]] = None) -> list[dict]:
    """The stored figures exactly as written by the change (no recompute on
    read): every active organization has a current row."""
    model.Session.remove()
    fp = figures.fingerprint()
    order = [o for o in reader.organization_ids() if org_ids is None or o in org_ids]
    stored = store.rows_for(model.Session, year, public_only)
    out = []
    for org_id in order:
        rows = stored.get(org_id) or {}
        assert store.ANY_YEAR in rows, f"no figures for {org_id}"
        for row in rows.values():
            assert not row.stale, f"stale figures for {org_id}"
            assert row.fingerprint == fp
        out.append((rows.get(year) or rows[store.ANY_YEAR]).row)
    return out


def live_rows(year: int, public_only: bool, org_ids: Optional[list[str]] = None) -> list[dict]:
    return score_rows(organizations(org_ids), fiscal_year=year, public_only=public_only)


def assert_current(years: Iterable[int] = YEARS, org_ids: Optional[list[str]] = None) -> None:
    """Stored figures == a full live recompute, in both views, for these
    years, and no figures of an organization that is gone."""
    for year in years:
        for public_only in (False, True):
            assert stored_rows(year, public_only, org_ids) == live_rows(
                year, public_only, org_ids), (year, public_only)
    assert_contributions_current(org_ids)
    if org_ids is None:
        active = set(reader.organization_ids())
        assert set(store.stored_organizations(model.Session)) <= active
        assert set(contribution_store.organizations(model.Session)) <= active
        # the admin page's year selector from the sums == read from the datasets
        assert contribution_store.basket_years(
            model.Session, figures.fingerprint()) == reader.basket_years()


def assert_contributions_current(org_ids: Optional[list[str]] = None) -> None:
    """Each active dataset's stored contribution equals a fresh one, and no
    noted change is left unapplied."""
    model.Session.remove()
    assert figures._contribution_differences(model.Session, organizations(org_ids)) == []
    dirty = sa.select(contribution_store.dirty_table)
    assert model.Session.execute(dirty).all() == []
