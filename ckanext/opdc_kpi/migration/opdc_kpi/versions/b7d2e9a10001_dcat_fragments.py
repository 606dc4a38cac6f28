"""Each public dataset's serialization in the DCAT formats, kept so a catalog
page (``/catalog.ttl``) is put together instead of made again
(``ckanext/opdc_kpi/dcat/fragments.py``). A row is good while its key (a
hash of what the profiles read) matches; a purged dataset takes its rows.

Revision ID: b7d2e9a10001
Revises: a1c3e5f70108
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "b7d2e9a10001"
down_revision = "a1c3e5f70108"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opdc_kpi_dcat_fragment",
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rdf_format", sa.UnicodeText, nullable=False),
        sa.Column("key", sa.UnicodeText, nullable=False),
        sa.Column("ref", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        sa.PrimaryKeyConstraint("package_id", "rdf_format"),
    )


def downgrade():
    op.drop_table("opdc_kpi_dcat_fragment")
