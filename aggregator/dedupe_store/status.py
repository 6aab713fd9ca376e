"""What the dedupe index holds, and whether it needs a rebuild."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from aggregator.dedupe_store.codec import keys_version
from aggregator.dedupe_store.rows import postings
from aggregator.dedupe_store.tables import dedupe_members, dedupe_state
from aggregator.store.models import OfferRow


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """Counts of the index, postings it does not hold, and the keys version it was built with."""

    postings: int
    members: int
    clusters: int
    representatives: int
    offers: int
    built_with: str | None
    current: str

    @property
    def needs_rebuild(self) -> bool:
        """Postings outside the index, or keys computed by other dedupe code."""
        stale = self.built_with is not None and self.built_with != self.current
        return self.members < self.postings or stale


def index_status(conn: Connection) -> IndexStatus:
    """Read the counts (one pass over the member table)."""
    m = dedupe_members.c
    members, clusters, reps = conn.execute(
        select(func.count(), func.count(m.cluster_id.distinct()), func.count(m.rep_seq))
    ).one()
    built = conn.scalar(select(dedupe_state.c.value).where(dedupe_state.c.name == "keys_version"))
    return IndexStatus(
        postings=conn.scalar(select(func.count()).select_from(postings)) or 0,
        members=members,
        clusters=clusters,
        representatives=reps,
        offers=conn.scalar(select(func.count()).select_from(OfferRow.__table__)) or 0,
        built_with=built,
        current=keys_version(),
    )
