"""Frozen KPI results (table ``opdc_kpi_snapshot``): every freeze is kept,
the newest counts."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

snapshot_table = sa.Table(
    "opdc_kpi_snapshot",
    tk.BaseModel.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("organization_id", sa.UnicodeText, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("creator_user_id", sa.UnicodeText, nullable=False),
    sa.Column("report", postgresql.JSONB, nullable=False),
    sa.Column("declaration", postgresql.JSONB, nullable=False),
    extend_existing=True,
)
def latest(organization_id: str, fiscal_year: int) -> dict[str, Any] | None:
    """The newest snapshot of an organization's year, or None."""
    row = model.Session.execute(
        sa.select(snapshot_table)
        .where(snapshot_table.c.organization_id == organization_id,
               snapshot_table.c.fiscal_year == fiscal_year)
        .order_by(snapshot_table.c.created.desc()).limit(1)).first()
    return _dictize(row) if row else None


def _dictize(row: Any) -> dict[str, Any]:
    user = model.User.get(row.creator_user_id)
    return {"id": row.id, "organization_id": row.organization_id,
            "fiscal_year": row.fiscal_year, "created": row.created.isoformat(),
            "creator": user.name if user else None, "report": row.report,
            "declaration": row.declaration}


def insert(row: dict[str, Any]) -> None:
    """Add one snapshot row (the caller commits)."""
    model.Session.execute(snapshot_table.insert().values(**row))
