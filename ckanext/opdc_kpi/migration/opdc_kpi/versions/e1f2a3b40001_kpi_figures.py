"""Stored KPI figures (``opdc_kpi_figures``): each organization's
``opdc_kpi_score_list`` row per fiscal year and view, kept current on every
change (fiscal year 0 holds the row of every year outside the
organization's baskets), with the fingerprint of the settings and rules they
were computed with and a stale flag (recomputed on the next read).

Revision ID: e1f2a3b40001
Revises: d5e6f7a80001
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "e1f2a3b40001"
down_revision = "d5e6f7a80001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_figures",
        sa.Column("organization_id", sa.UnicodeText, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("public_only", sa.Boolean, primary_key=True),
        sa.Column("fingerprint", sa.UnicodeText, nullable=False),
        sa.Column("stale", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("row", postgresql.JSONB, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_index("opdc_kpi_figures_year_view", "opdc_kpi_figures",
                    ["fiscal_year", "public_only"])


def downgrade():
    op.drop_index("opdc_kpi_figures_year_view", table_name="opdc_kpi_figures")
    op.drop_table("opdc_kpi_figures")
