"""Assessors' confirmations and overrides per (organization, fiscal year,
dataset or organization, criterion), with the value, a note, who and when.
Nothing is replaced: a newer record supersedes, a deleted one is only marked.

Revision ID: c4d8e1f20003
Revises: c4d8e1f20002
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c4d8e1f20003"
down_revision = "c4d8e1f20002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_confirmation",
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
    )
    op.create_index("opdc_kpi_confirmation_org_year", "opdc_kpi_confirmation",
                    ["organization_id", "fiscal_year"])


def downgrade():
    op.drop_index("opdc_kpi_confirmation_org_year", table_name="opdc_kpi_confirmation")
    op.drop_table("opdc_kpi_confirmation")
