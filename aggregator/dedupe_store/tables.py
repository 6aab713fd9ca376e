"""The dedupe index tables: cluster members, block keys per cluster, a clock, a few settings.

Core tables on their own metadata (like the history and operations tables): only this package
reads or writes them, migration ``0006`` creates them. They hold *derived* state: which
cluster each posting is in, which members are representatives, and the block keys
representatives registered. Everything else a comparison needs (fields, close dates) is read
live from ``postings``, so closing or reopening a posting needs no bookkeeping here.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from aggregator.store.models import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

dedupe_members = Table(
    "dedupe_members",
    metadata,
    # a foreign key to postings.id (ON DELETE CASCADE) in the migration; not declared here
    # because ``postings`` lives on the models' metadata
    Column("posting_id", Integer, primary_key=True, autoincrement=False),
    Column("cluster_id", String(40), nullable=False),  # the offer id (no FK: offers come after)
    Column("seq", BigInteger, nullable=False),  # join order (dedupe clock)
    Column("rep_seq", BigInteger),  # when it became a representative; null: plain member
    Column("rule", String(64), nullable=False),  # "new" for a founder, else the match rule
    Column("score", Float),
    Column("matched", String(600)),  # key of the representative it matched
    Column("content_hash", String(32)),  # of the posting when ``keys`` was computed
    Column("cached_keys", Text),  # comparison keys of a representative (JSON, see codec)
    Column("blocks", LargeBinary),  # packed block hashes a representative registered
    Index("ix_dedupe_members_cluster_id_seq", "cluster_id", "seq"),
)

dedupe_blocks = Table(
    "dedupe_blocks",
    metadata,
    Column("block", BigInteger, primary_key=True, autoincrement=False),  # 64-bit key hash
    Column("cluster_id", String(40), primary_key=True),
    Column("refs", Integer, nullable=False),  # representatives of the cluster holding the block
    Column("seq", BigInteger, nullable=False),  # last registration (per-block recency, cap)
)

dedupe_clusters = Table(
    "dedupe_clusters",
    metadata,
    Column("cluster_id", String(40), primary_key=True),
    Column("recency", BigInteger, nullable=False),  # clock of its last block registration
    # past rejoining: only its board ids' block rows are left (migration 0010)
    Column("evicted", Boolean, nullable=False, server_default=false()),
)

dedupe_state = Table(
    "dedupe_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(64), nullable=False),  # "clock", "keys_version"
)
