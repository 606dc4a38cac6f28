"""Assessors managed by sysadmins: a user assesses some parts of the KPI
(basic/standard, advanced), for every organization or for some.

Revision ID: c4d8e1f20002
Revises: c4d8e1f20001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c4d8e1f20002"
down_revision = "c4d8e1f20001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_assessor",
        sa.Column("user_id", sa.UnicodeText, primary_key=True),
        sa.Column("parts", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("organizations", postgresql.ARRAY(sa.UnicodeText), nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("creator_user_id", sa.UnicodeText, nullable=False),
    )


def downgrade():
    op.drop_table("opdc_kpi_assessor")
