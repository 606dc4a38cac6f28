"""The record of the last harvest check per scope and viewer (table
``opdc_kpi_harvest_check``): what the harvester received then, the baseline
of the next check's "gone" list and incremental window."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

record_table = sa.Table(
    "opdc_kpi_harvest_check",
    tk.BaseModel.metadata,
    sa.Column("scope", sa.UnicodeText, primary_key=True),
    sa.Column("viewer", sa.UnicodeText, primary_key=True),
    sa.Column("started", sa.DateTime, nullable=False),
    sa.Column("seen", postgresql.JSONB, nullable=False),
    sa.Column("summary", postgresql.JSONB, nullable=False),
    extend_existing=True,
)


def last_record(scope: str, viewer: str) -> Optional[dict[str, Any]]:
    row = model.Session.execute(
        sa.select(record_table).where(record_table.c.scope == scope,
                                      record_table.c.viewer == viewer)).first()
    return dict(row._mapping) if row else None


def save_record(scope: str, viewer: str, started: dt.datetime, seen: dict[str, Any],
                summary: dict[str, Any]) -> None:
    """Replace the record of this scope and viewer (committed)."""
    values = {"scope": scope, "viewer": viewer, "started": started, "seen": seen,
              "summary": summary}
    statement = postgresql.insert(record_table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[record_table.c.scope, record_table.c.viewer],
        set_={k: statement.excluded[k] for k in ("started", "seen", "summary")})
    model.Session.execute(statement)
    model.Session.commit()
