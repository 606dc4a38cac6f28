"""Harvest check records: what the last harvest check of each scope (one
organization, or the whole catalog) and viewer (anonymous, or a user) saw,
so the next check reports datasets gone since then and starts its
incremental window where a harvester would.

Revision ID: b9e2d4c60901
Revises: a1c3e5f70003
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "b9e2d4c60901"
down_revision = "a1c3e5f70003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_harvest_check",
        sa.Column("scope", sa.UnicodeText, primary_key=True),
        sa.Column("viewer", sa.UnicodeText, primary_key=True),
        sa.Column("started", sa.DateTime, nullable=False),
        sa.Column("seen", postgresql.JSONB, nullable=False),
        sa.Column("summary", postgresql.JSONB, nullable=False),
    )


def downgrade():
    op.drop_table("opdc_kpi_harvest_check")
