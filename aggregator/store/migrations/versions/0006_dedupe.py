"""dedupe index: cluster members, block keys per cluster, cluster recency, dedupe state

The tables hold derived state (see :mod:`aggregator.dedupe_store.tables`): they start empty.
A store that already holds postings is indexed by running ``aggregator dedupe --rebuild``
once after this upgrade; until then new postings can only match each other.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dedupe_members",
        sa.Column("posting_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("rep_seq", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("matched", sa.String(length=600), nullable=True),
        sa.Column("content_hash", sa.String(length=32), nullable=True),
        sa.Column("cached_keys", sa.Text(), nullable=True),
        sa.Column("blocks", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["postings.id"],
            name=op.f("fk_dedupe_members_posting_id_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_dedupe_members")),
    )
    op.create_index("ix_dedupe_members_cluster_id_seq", "dedupe_members", ["cluster_id", "seq"])
    op.create_table(
        "dedupe_blocks",
        sa.Column("block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("refs", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("block", "cluster_id", name=op.f("pk_dedupe_blocks")),
    )
    op.create_table(
        "dedupe_clusters",
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("recency", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cluster_id", name=op.f("pk_dedupe_clusters")),
    )
    op.create_table(
        "dedupe_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dedupe_state")),
    )


def downgrade() -> None:
    op.drop_table("dedupe_state")
    op.drop_table("dedupe_clusters")
    op.drop_table("dedupe_blocks")
    op.drop_index("ix_dedupe_members_cluster_id_seq", table_name="dedupe_members")
    op.drop_table("dedupe_members")
