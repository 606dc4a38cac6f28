"""The focus-area tag vocabulary ``opdc_focus_areas`` and its ten tags (the
focus area codes, in the seed's order). Idempotent: a site where an earlier
version of the extension made them on first use keeps its rows and gets the
missing ones. Dataset validation only looks them up.

Revision ID: d5e6f7a80001
Revises: c4d8e1f20003
Create Date: 2026-12-03
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "d5e6f7a80001"
down_revision = "c4d8e1f20003"
branch_labels = None
depends_on = None

VOCABULARY = "opdc_focus_areas"
# frozen here: a migration does not follow later code
CODES = ("economy", "agriculture", "tourism", "income-employment", "welfare-equality",
         "health", "education", "environment", "public-administration", "security")


def upgrade():
    create(op.get_bind())


def create(bind):
    """The vocabulary and its missing tags on this connection (also what the
    test fixtures call after CKAN's reset empties every table but keeps the
    record of applied migrations)."""
    vocab_id = bind.execute(sa.text("SELECT id FROM vocabulary WHERE name = :name"),
                            {"name": VOCABULARY}).scalar()
    if vocab_id is None:
        vocab_id = str(uuid.uuid4())
        bind.execute(sa.text("INSERT INTO vocabulary (id, name) VALUES (:id, :name)"),
                     {"id": vocab_id, "name": VOCABULARY})
    present = {row[0] for row in bind.execute(
        sa.text("SELECT name FROM tag WHERE vocabulary_id = :vocab"), {"vocab": vocab_id})}
    for code in CODES:
        if code not in present:
            bind.execute(sa.text(
                "INSERT INTO tag (id, name, vocabulary_id) VALUES (:id, :name, :vocab)"),
                {"id": str(uuid.uuid4()), "name": code, "vocab": vocab_id})


def downgrade():
    # datasets keep their focus-area tags only while the vocabulary exists:
    # leave rows that datasets still use
    bind = op.get_bind()
    bind.execute(sa.text(
        "DELETE FROM tag t USING vocabulary v WHERE t.vocabulary_id = v.id AND v.name = :name "
        "AND NOT EXISTS (SELECT 1 FROM package_tag pt WHERE pt.tag_id = t.id)"),
        {"name": VOCABULARY})
    bind.execute(sa.text(
        "DELETE FROM vocabulary v WHERE v.name = :name "
        "AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.vocabulary_id = v.id)"),
        {"name": VOCABULARY})
