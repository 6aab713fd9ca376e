"""fetch state and listing markers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fetch_state",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("raw_payload_id", sa.Integer(), nullable=True),
        sa.Column("fetched_at", aggregator.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["raw_payload_id"],
            ["raw_payloads.id"],
            name=op.f("fk_fetch_state_raw_payload_id_raw_payloads"),
        ),
        sa.ForeignKeyConstraint(
            ["source"], ["sources.key"], name=op.f("fk_fetch_state_source_sources")
        ),
        sa.PrimaryKeyConstraint("source", "url", name=op.f("pk_fetch_state")),
    )
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listing_marker", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_column("listing_marker")

    op.drop_table("fetch_state")
