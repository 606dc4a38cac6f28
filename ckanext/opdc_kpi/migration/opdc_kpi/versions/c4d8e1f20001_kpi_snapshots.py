"""KPI snapshots: an organization's report for a fiscal year frozen at the
assessment deadline (with its Template 1 declaration as it was), who froze
it and when. Every freeze is a new row: history is kept, the newest counts.

Revision ID: c4d8e1f20001
Revises: b9e2d4c60901
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c4d8e1f20001"
down_revision = "b9e2d4c60901"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_snapshot",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("organization_id", sa.UnicodeText, nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("creator_user_id", sa.UnicodeText, nullable=False),
        sa.Column("report", postgresql.JSONB, nullable=False),
        sa.Column("declaration", postgresql.JSONB, nullable=False),
    )
    op.create_index("opdc_kpi_snapshot_org_year", "opdc_kpi_snapshot",
                    ["organization_id", "fiscal_year", "created"])


def downgrade():
    op.drop_index("opdc_kpi_snapshot_org_year", table_name="opdc_kpi_snapshot")
    op.drop_table("opdc_kpi_snapshot")
