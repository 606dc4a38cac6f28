"""Stored KPI figures (table ``opdc_kpi_figures``, Alembic migration
``e1f2a3b40001``): one ``opdc_kpi_score_list`` row per organization, fiscal
year and view. Fiscal year ``ANY_YEAR`` (0) holds the row of every year
outside the organization's baskets and records. Every query takes the
session it runs in: the figures are written in their own transaction, after
the change that moved them is committed."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.plugins.toolkit as tk

ANY_YEAR = 0
#: the first key of the two-key advisory locks on an organization's figures
LOCK_CLASS = 0x0D_C4_F1

figures_table = sa.Table(
    "opdc_kpi_figures",
    tk.BaseModel.metadata,
    sa.Column("organization_id", sa.UnicodeText, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("public_only", sa.Boolean, primary_key=True),
    sa.Column("fingerprint", sa.UnicodeText, nullable=False),
    sa.Column("stale", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("row", postgresql.JSONB, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
    extend_existing=True,
)


def lock(session: Any, org_ids: Iterable[str]) -> None:
    """Hold the organizations' figures until the transaction ends (in id
    order, so two holders of several never wait on each other in a ring)."""
    for org_id in sorted(set(org_ids)):
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:c, hashtext(:id))"),
                        {"c": LOCK_CLASS, "id": org_id})


def mark_stale(session: Any, org_ids: Iterable[str]) -> None:
    ids = sorted(set(org_ids))
    if ids:
        session.execute(figures_table.update()
                        .where(figures_table.c.organization_id.in_(ids))
                        .values(stale=True))


def replace(session: Any, org_ids: Iterable[str],
            rows: Iterable[tuple[str, int, bool, dict[str, Any]]], fingerprint: str) -> None:
    """The organizations' figures become ``rows`` ((organization id, fiscal
    year, public_only, row)); an organization without rows has none left."""
    ids = sorted(set(org_ids))
    if not ids:
        return
    t = figures_table
    session.execute(t.delete().where(t.c.organization_id.in_(ids)))
    now = dt.datetime.utcnow()
    values = [{"organization_id": org, "fiscal_year": year, "public_only": public_only,
               "fingerprint": fingerprint, "stale": False, "row": row, "updated": now}
              for org, year, public_only, row in rows]
    if values:
        session.execute(t.insert(), values)


def rows_for(session: Any, fiscal_year: int, public_only: bool,
             org_ids: Optional[list[str]] = None) -> dict[str, dict[int, Any]]:
    """``{organization id: {fiscal year: stored row}}`` for the year and
    ``ANY_YEAR`` in one view (each with ``row``, ``stale``, ``fingerprint``),
    of every organization or of those."""
    t = figures_table
    query = (sa.select(t.c.organization_id, t.c.fiscal_year, t.c.row, t.c.stale,
                       t.c.fingerprint)
             .where(t.c.fiscal_year.in_([fiscal_year, ANY_YEAR]),
                    t.c.public_only == public_only))
    if org_ids is not None:
        query = query.where(t.c.organization_id.in_(org_ids))
    out: dict[str, dict[int, Any]] = {}
    for row in session.execute(query):
        out.setdefault(row.organization_id, {})[row.fiscal_year] = row
    return out


def stored_years(session: Any) -> list[int]:
    t = figures_table
    return [year for (year,) in session.execute(
        sa.select(t.c.fiscal_year).distinct().where(t.c.fiscal_year != ANY_YEAR))]


def stored_organizations(session: Any) -> list[str]:
    return [org for (org,) in session.execute(
        sa.select(figures_table.c.organization_id).distinct())]


def list_rows(session: Any, fiscal_year: int, public_only: bool, fingerprint: str
              ) -> dict[str, tuple[Any, bool]]:
    """``{organization id: (the row of the year, or of ANY_YEAR; usable)}``
    in one view: what the list reads, one decoded row per organization.
    Usable: not stale, computed with ``fingerprint``, and ANY_YEAR stored."""
    found = session.execute(sa.text(
        "SELECT organization_id, "
        "(array_agg(row ORDER BY fiscal_year = :year DESC))[1] AS row, "
        "NOT bool_or(stale) AND bool_and(fingerprint = :fp) AND bool_or(fiscal_year = 0) "
        "AS usable FROM opdc_kpi_figures WHERE fiscal_year IN (:year, 0) "
        "AND public_only = :public_only GROUP BY organization_id"),
        {"year": fiscal_year, "fp": fingerprint, "public_only": public_only})
    return {row.organization_id: (row.row, bool(row.usable)) for row in found}
