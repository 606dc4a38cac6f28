"""Per-dataset contributions to the stored KPI figures
(``opdc_kpi_contributions``: what each active dataset brings to its
organization's figures of any year and view), their sums per organization
(``opdc_kpi_sums``, kept by adding the difference a change makes) and the
changes not yet applied (``opdc_kpi_figures_dirty``: a dataset, or "" for
the whole organization), so one dataset's change rewrites one contribution
and a few sums, whatever the organization's size.

Revision ID: e1f2a3b40002
Revises: e1f2a3b40001
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "e1f2a3b40002"
down_revision = "e1f2a3b40001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_contributions",
        sa.Column("organization_id", sa.UnicodeText, primary_key=True),
        sa.Column("dataset_id", sa.UnicodeText, primary_key=True),
        sa.Column("years", postgresql.ARRAY(sa.Integer), nullable=False),
        sa.Column("focus_area", sa.UnicodeText, nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("mission", sa.Boolean, nullable=False),
        sa.Column("public_category", sa.Boolean, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("openness_points", sa.SmallInteger, nullable=False),
        sa.Column("use_evidence", sa.Boolean, nullable=False),
    )
    op.create_table(
        "opdc_kpi_sums",
        sa.Column("organization_id", sa.UnicodeText, primary_key=True),
        sa.Column("every", sa.Boolean, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("focus_area", sa.UnicodeText, primary_key=True),
        sa.Column("private", sa.Boolean, primary_key=True),
        sa.Column("public_category", sa.Boolean, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("complete", sa.Integer, nullable=False),
        sa.Column("mission", sa.Integer, nullable=False),
        sa.Column("evidence", sa.Integer, nullable=False),
        sa.Column("published", sa.Integer, nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
    )
    op.create_table(
        "opdc_kpi_figures_dirty",
        sa.Column("organization_id", sa.UnicodeText, primary_key=True),
        sa.Column("dataset_id", sa.UnicodeText, primary_key=True),
    )
    # figures stored before contributions existed: each organization is
    # recomputed whole (contributions included) on its next change or read
    op.execute("INSERT INTO opdc_kpi_figures_dirty (organization_id, dataset_id) "
               "SELECT DISTINCT organization_id, '' FROM opdc_kpi_figures")
    op.execute("UPDATE opdc_kpi_figures SET stale = true")


def downgrade():
    op.drop_table("opdc_kpi_figures_dirty")
    op.drop_table("opdc_kpi_sums")
    op.drop_table("opdc_kpi_contributions")
