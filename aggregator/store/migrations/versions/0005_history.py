"""offer history: versions of offers and of their links to postings, for as-of snapshots

Two append-only tables of intervals ``[valid_from, valid_to)`` (see
:mod:`aggregator.snapshots.tables`). Existing offers are seeded from their lifecycle columns
with their current content: an offer is taken as open from ``first_seen_at`` (to ``closed_at``
when closed) and closed from ``closed_at``; a link from its posting's ``first_seen_at``. History
before this migration is therefore as good as those columns; from now on it is exact.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import aggregator.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = aggregator.store.types.UtcDateTime

FIELDS = (
    "url",
    "apply_url",
    "title",
    "company",
    "description",
    "description_html",
    "location_raw",
    "city",
    "postal_code",
    "region",
    "country",
    "latitude",
    "longitude",
    "remote",
    "contract_type",
    "working_time",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_raw",
    "posted_at",
    "valid_through",
    "language",
    "source",
    "source_offer_id",
    "status",
    "first_seen_at",
    "last_seen_at",
    "closed_at",
)
MEMBER_POSTING_FIELDS = ("source", "source_offer_id", "url", "posted_at", "first_seen_at")


def _offer_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("apply_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=True),
        sa.Column("location_raw", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("remote", sa.String(length=16), nullable=True),
        sa.Column("contract_type", sa.String(length=32), nullable=True),
        sa.Column("working_time", sa.String(length=16), nullable=True),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_currency", sa.String(length=3), nullable=True),
        sa.Column("salary_period", sa.String(length=8), nullable=True),
        sa.Column("salary_raw", sa.Text(), nullable=True),
        sa.Column("posted_at", _UTC(timezone=True), nullable=True),
        sa.Column("valid_through", _UTC(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_offer_id", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("first_seen_at", _UTC(timezone=True), nullable=False),
        sa.Column("last_seen_at", _UTC(timezone=True), nullable=False),
        sa.Column("closed_at", _UTC(timezone=True), nullable=True),
    ]


def _seed() -> None:
    fields = ", ".join(FIELDS)
    as_open = ", ".join({"status": "'open'", "closed_at": "NULL"}.get(f, f"o.{f}") for f in FIELDS)
    head = f"INSERT INTO offer_versions (offer_id, valid_from, valid_to, {fields})"
    op.execute(
        f"{head} SELECT o.offer_id, o.first_seen_at, o.closed_at, {as_open} FROM offers o "
        "WHERE o.closed_at IS NULL OR o.closed_at > o.first_seen_at"
    )
    op.execute(
        f"{head} SELECT o.offer_id, o.closed_at, NULL, {', '.join('o.' + f for f in FIELDS)} "
        "FROM offers o WHERE o.closed_at IS NOT NULL"
    )
    member = ", ".join(f"p.{f}" for f in MEMBER_POSTING_FIELDS)
    head = (
        "INSERT INTO offer_memberships (offer_id, posting_id, valid_from, valid_to, "
        f"{', '.join(MEMBER_POSTING_FIELDS)}, closed_at, rule, score)"
    )
    body = "FROM offer_postings l JOIN postings p ON p.id = l.posting_id"
    op.execute(
        f"{head} SELECT l.offer_id, l.posting_id, p.first_seen_at, p.closed_at, {member}, "
        f"NULL, l.rule, l.score {body} "
        "WHERE p.closed_at IS NULL OR p.closed_at > p.first_seen_at"
    )
    op.execute(
        f"{head} SELECT l.offer_id, l.posting_id, p.closed_at, NULL, {member}, "
        f"p.closed_at, l.rule, l.score {body} WHERE p.closed_at IS NOT NULL"
    )


def upgrade() -> None:
    op.create_table(
        "offer_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("offer_id", sa.String(length=40), nullable=False),
        sa.Column("valid_from", _UTC(timezone=True), nullable=False),
        sa.Column("valid_to", _UTC(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(length=32), nullable=True),
        *_offer_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_versions")),
    )
    op.create_index(
        "ix_offer_versions_offer_id_valid_from", "offer_versions", ["offer_id", "valid_from"]
    )
    op.create_index("ix_offer_versions_valid_to", "offer_versions", ["valid_to"])
    op.create_table(
        "offer_memberships",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("offer_id", sa.String(length=40), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", _UTC(timezone=True), nullable=False),
        sa.Column("valid_to", _UTC(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_offer_id", sa.String(length=512), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("posted_at", _UTC(timezone=True), nullable=True),
        sa.Column("first_seen_at", _UTC(timezone=True), nullable=False),
        sa.Column("closed_at", _UTC(timezone=True), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_memberships")),
    )
    op.create_index(
        "ix_offer_memberships_offer_id_valid_from",
        "offer_memberships",
        ["offer_id", "valid_from"],
    )
    op.create_index("ix_offer_memberships_valid_to", "offer_memberships", ["valid_to"])
    _seed()


def downgrade() -> None:
    op.drop_index("ix_offer_memberships_valid_to", table_name="offer_memberships")
    op.drop_index("ix_offer_memberships_offer_id_valid_from", table_name="offer_memberships")
    op.drop_table("offer_memberships")
    op.drop_index("ix_offer_versions_valid_to", table_name="offer_versions")
    op.drop_index("ix_offer_versions_offer_id_valid_from", table_name="offer_versions")
    op.drop_table("offer_versions")
