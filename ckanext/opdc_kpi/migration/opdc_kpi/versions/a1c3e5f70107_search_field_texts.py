"""Search table: the text of each text field Solr searches on its own.

CKAN's Solr schema has ``notes``, ``res_name``, ``res_description`` and
``urls`` as text fields of their own (``urls``: the dataset's ``url`` and its
resources' URLs), so ``notes:water`` looks in the notes only. The PostgreSQL
search matched them in the whole text (``search_text``) and found more.
``field_text`` (jsonb, field → its values' normalised text, only the fields
that have text) holds them; ``search/sql.py`` narrows through the text's
trigram index (notes and resource names and descriptions are part of it) and
decides on the field's own text.

Existing rows get ``{}``: rebuild the search index (``ckan search-index
rebuild``) after upgrading, or ``notes:``, ``res_name:``,
``res_description:`` and ``urls:`` find nothing until each dataset is
written again.

Revision ID: a1c3e5f70107
Revises: f2b3c4d50001
Create Date: 2026-12-06
"""
from alembic import op

revision = "a1c3e5f70107"
down_revision = "f2b3c4d50001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE opdc_kpi_search ADD COLUMN field_text jsonb NOT NULL DEFAULT '{}'")


def downgrade():
    op.execute("ALTER TABLE opdc_kpi_search DROP COLUMN field_text")
