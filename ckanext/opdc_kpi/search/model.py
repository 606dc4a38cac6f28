"""The search table. Created by the plugin's Alembic migrations; declared on
CKAN's metadata so that CKAN's own test fixtures (``clean_db``) empty it."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.plugins.toolkit as tk

search_table = sa.Table(
    "opdc_kpi_search",
    tk.BaseModel.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("title_sort", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("dataset_type", sa.UnicodeText),
    sa.Column("state", sa.UnicodeText),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("metadata_created", sa.DateTime),
    sa.Column("metadata_modified", sa.DateTime),
    sa.Column("metadata_modified_text", sa.UnicodeText),
    sa.Column("permission_labels", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("fields", postgresql.JSONB, nullable=False),
    sa.Column("doc", postgresql.JSONB, nullable=False),
    sa.Column("title_text", sa.UnicodeText, nullable=False),
    sa.Column("tag_text", sa.UnicodeText, nullable=False),
    sa.Column("search_text", sa.UnicodeText, nullable=False),
    # field -> normalised text of Solr's own text fields (index.FIELD_TEXTS)
    sa.Column("field_text", postgresql.JSONB, nullable=False, server_default="{}"),
    sa.Column("data_dict", sa.UnicodeText, nullable=False),
    sa.Column("validated_data_dict", sa.UnicodeText, nullable=False),
    # field<US>value of the facet fields (fields.FACET_FIELDS, vocab_*)
    sa.Column("facets", postgresql.ARRAY(sa.UnicodeText), nullable=False,
              server_default="{}"),
    extend_existing=True,
)
