"""Assessors named by sysadmins (table ``opdc_kpi_assessor``)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

assessor_table = sa.Table(
    "opdc_kpi_assessor",
    tk.BaseModel.metadata,
    sa.Column("user_id", sa.UnicodeText, primary_key=True),
    sa.Column("parts", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("organizations", postgresql.ARRAY(sa.UnicodeText), nullable=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("creator_user_id", sa.UnicodeText, nullable=False),
    extend_existing=True,
)


def row_of(user_id: str) -> Optional[Any]:
    """The user's row, or None (also before the table is migrated)."""
    try:
        return model.Session.execute(
            sa.select(assessor_table).where(assessor_table.c.user_id == user_id)).first()
    except sa.exc.ProgrammingError:  # the table is not migrated yet
        model.Session.rollback()
        return None


def all_rows() -> list[Any]:
    return list(model.Session.execute(sa.select(assessor_table)).all())


def replace(user_id: str, parts: list[str], org_ids: Optional[list[str]],
            creator_id: str) -> None:
    """The user's one row, written anew (committed)."""
    table = assessor_table
    model.Session.execute(table.delete().where(table.c.user_id == user_id))
    model.Session.execute(table.insert().values(
        user_id=user_id, parts=parts, organizations=org_ids, created=dt.datetime.utcnow(),
        creator_user_id=creator_id))
    model.repo.commit()


def delete(user_id: str) -> None:
    model.Session.execute(assessor_table.delete().where(assessor_table.c.user_id == user_id))
    model.repo.commit()
