"""Create the PostgreSQL search table used by the opdc_kpi_pgsearch plugin.

Revision ID: a1c3e5f70001
Revises:
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1c3e5f70001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "opdc_kpi_search",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("title_sort", sa.UnicodeText),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("dataset_type", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("metadata_created", sa.DateTime),
        sa.Column("metadata_modified", sa.DateTime),
        sa.Column("metadata_modified_text", sa.UnicodeText),
        sa.Column("permission_labels", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("fields", postgresql.JSONB, nullable=False),
        sa.Column("doc", postgresql.JSONB, nullable=False),
        sa.Column("title_text", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("tag_text", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("search_text", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("data_dict", sa.UnicodeText, nullable=False),
        sa.Column("validated_data_dict", sa.UnicodeText, nullable=False),
    )
    op.create_index("opdc_kpi_search_name_idx", "opdc_kpi_search", ["name"])
    op.create_index("opdc_kpi_search_owner_org_idx", "opdc_kpi_search", ["owner_org"])
    op.create_index(
        "opdc_kpi_search_modified_idx", "opdc_kpi_search", ["metadata_modified"]
    )
    op.create_index("opdc_kpi_search_created_idx", "opdc_kpi_search", ["metadata_created"])
    op.create_index("opdc_kpi_search_title_sort_idx", "opdc_kpi_search", ["title_sort"])
    op.execute(
        "CREATE INDEX opdc_kpi_search_fields_idx ON opdc_kpi_search "
        "USING gin (fields jsonb_path_ops)"
    )
    op.execute(
        "CREATE INDEX opdc_kpi_search_labels_idx ON opdc_kpi_search "
        "USING gin (permission_labels)"
    )
    op.execute(
        "CREATE INDEX opdc_kpi_search_text_trgm_idx ON opdc_kpi_search "
        "USING gin (search_text gin_trgm_ops)"
    )


def downgrade():
    op.drop_table("opdc_kpi_search")
