"""dedupe expiry: clusters past rejoining leave the block index

A cluster every posting of which closed more than ``new_vacancy_days`` before the newest
posting deduped can no longer be joined (see :mod:`dedupe.expiry`); its block rows, but the
board ids', are deleted so the index holds the clusters that can still be joined.

- ``dedupe_clusters.evicted``: the cluster left the blocks (its block rows come back when a
  posting of it reopens).
- ``ix_postings_closed_at``: each dedupe batch finds the clusters whose postings closed in the
  time its newest postings moved past, one index range instead of a scan of every posting.

Nothing to fill: a store upgraded from 0009 evicts at its next batch.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dedupe_clusters") as batch:
        batch.add_column(
            sa.Column("evicted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_postings_closed_at", "postings", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_postings_closed_at", table_name="postings")
    with op.batch_alter_table("dedupe_clusters") as batch:
        batch.drop_column("evicted")
