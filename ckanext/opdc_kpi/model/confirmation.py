"""The assessors' confirmations and overrides (table ``opdc_kpi_confirmation``,
Alembic migration ``c4d8e1f20003``) and the reads the score and the record
actions share."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

confirmation_table = sa.Table(
    "opdc_kpi_confirmation",
    tk.BaseModel.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("organization_id", sa.UnicodeText, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=True),
    sa.Column("criterion", sa.UnicodeText, nullable=False),
    sa.Column("action", sa.UnicodeText, nullable=False),
    sa.Column("value", postgresql.JSONB, nullable=True),
    sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("deleted", sa.DateTime, nullable=True),
    sa.Column("deleted_by", sa.UnicodeText, nullable=True),
    extend_existing=True,
)


def iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def rows_where(where: Any, session: Any = None) -> list[Any]:
    """Records with their users' and datasets' names, oldest first (read in
    ``session``, default CKAN's)."""
    t = confirmation_table
    users = sa.table("user", sa.column("id"), sa.column("name"))
    deleters = users.alias("deleter")
    packages = sa.table("package", sa.column("id"), sa.column("name"), sa.column("title"))
    query = (
        sa.select(t, users.c.name.label("user_name"), deleters.c.name.label("deleter_name"),
                  packages.c.name.label("package_name"), packages.c.title.label("package_title"))
        .select_from(t.outerjoin(users, users.c.id == t.c.user_id)
                     .outerjoin(deleters, deleters.c.id == t.c.deleted_by)
                     .outerjoin(packages, packages.c.id == t.c.package_id))
        .where(where).order_by(t.c.created, t.c.id))
    return list((session or model.Session).execute(query))


def engine_record(row: Any) -> dict[str, Any]:
    return {"id": row.id, "dataset": row.package_id, "criterion": row.criterion,
            "action": row.action, "value": row.value, "note": row.note,
            "user": row.user_name or row.user_id, "created": iso(row.created),
            "deleted": iso(row.deleted)}


def records(org_ids: Iterable[str], fiscal_year: int) -> dict[str, list[dict[str, Any]]]:
    """``{organization id: [record]}`` for the scoring core (deleted ones
    included: the core picks what counts), in one query."""
    ids = list(org_ids)
    if not ids:
        return {}
    t = confirmation_table
    try:
        rows = rows_where(sa.and_(t.c.organization_id.in_(ids), t.c.fiscal_year == fiscal_year))
    except sa.exc.ProgrammingError:  # the table is not migrated yet
        model.Session.rollback()
        return {}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row.organization_id].append(engine_record(row))
    return dict(out)


def records_by_year(org_ids: Iterable[str], session: Any
                    ) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """``{organization id: {fiscal year: [record]}}`` of every year, in one
    query in ``session`` (the stored figures' recompute)."""
    ids = list(org_ids)
    if not ids:
        return {}
    out: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows_where(confirmation_table.c.organization_id.in_(ids), session):
        out[row.organization_id][row.fiscal_year].append(engine_record(row))
    return {org: dict(years) for org, years in out.items()}


def years(session: Any) -> list[int]:
    """The fiscal years with any record."""
    try:
        return [year for (year,) in session.execute(
            sa.select(confirmation_table.c.fiscal_year).distinct())]
    except sa.exc.ProgrammingError:  # the table is not migrated yet
        session.rollback()
        return []
