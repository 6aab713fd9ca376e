"""Clusters as the engine sees them, and the storage boundary it reads and writes them through.

A cluster is one vacancy. It is compared only through its representatives (its founder and a
few members from other boards), never through any member, so clusters cannot chain: a record
joins only if it matches a representative and no representative objects hard (a veto, or
the same board's ad of another site: see :mod:`dedupe.engine`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from dedupe.keys import Keys
from dedupe.records import DedupeRecord


def cluster_id_for(founder_key: str) -> str:
    """Stable cluster id: derived from the founding record's key, never reassigned."""
    return "off_" + hashlib.sha256(founder_key.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Representative:
    """A record a cluster is compared through, with its precomputed keys."""

    record: DedupeRecord
    keys: Keys


@dataclass(frozen=True, slots=True)
class ClusterView:
    """What the engine needs of a candidate cluster to decide whether a record joins it."""

    cluster_id: str
    representatives: tuple[Representative, ...]  # founder first, then in join order
    closed_at: datetime | None  # last close of its members; None while any member is open
    sources: frozenset[str]  # boards of its representatives


class CandidateSource(Protocol):
    """Storage of clusters and their block keys; in memory here, SQL tables in production.

    The engine decides (which cluster, which representatives); the source only stores and
    retrieves. Block keys are stored per representative so they can be dropped with it.
    """

    def candidate_clusters(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Ids of the clusters sharing the most blocks, best first, at most ``limit``."""
        ...

    def views(self, cluster_ids: Sequence[str]) -> list[ClusterView]:
        """Representatives and close date of clusters, in the order of ``cluster_ids``."""
        ...

    def cluster_of(self, record_key: str) -> str | None:
        """Cluster holding a record, None when the record is unknown."""
        ...

    def add_member(
        self, cluster_id: str, member: Representative, blocks: Sequence[str] | None
    ) -> None:
        """Add a record to a cluster (creating it); ``blocks`` given makes it a representative."""
        ...

    def update_member(self, member: Representative, blocks: Sequence[str] | None) -> None:
        """Replace a known record's data (e.g. its close date), keeping its cluster."""
        ...

    def remove_member(self, record_key: str) -> tuple[str, bool] | None:
        """Drop a record; returns its cluster and whether it was a representative."""
        ...

    def promotable(self, cluster_id: str) -> Representative | None:
        """The earliest-joined member of a cluster that is not a representative."""
        ...

    def promote(self, cluster_id: str, record_key: str, blocks: Sequence[str]) -> None:
        """Make a member a representative, registering its blocks."""
        ...

    def expire(self, horizon: datetime | None, days: float) -> None:
        """No record published before ``horizon`` is assigned any more: clusters closed more
        than ``days`` before it leave the blocks (see :mod:`dedupe.expiry`; None: an undated
        record, the horizon stays)."""
        ...

    def clusters(self) -> dict[str, list[str]]:
        """Every cluster id with its record keys in join order."""
        ...
