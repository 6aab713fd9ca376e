"""Why postings were merged: the queries behind ``aggregator explain``.

An offer's postings are compared with the representatives of their cluster the way the
engine compared them (:func:`dedupe.scoring.explain`); a pair of postings is compared directly
and placed in context (same offer or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from aggregator.dedupe_store.rows import RECORD_COLUMNS, postings, split_key, to_record
from aggregator.dedupe_store.tables import dedupe_members
from aggregator.errors import UserError
from aggregator.store.models import OfferPosting, OfferRow
from dedupe.explanation import MatchExplanation
from dedupe.records import DedupeRecord
from dedupe.scoring import explain

_links, _offers = OfferPosting.__table__, OfferRow.__table__
members = dedupe_members.c
_COLUMNS = [postings.c[name] for name in RECORD_COLUMNS]


@dataclass(frozen=True, slots=True)
class MemberReport:
    """One posting of an offer: how it is linked, and its comparison with the representatives."""

    record: DedupeRecord
    rule: str
    score: float | None
    representative: bool
    decisive: MatchExplanation | None  # vs the representative it matched (None: founder)
    others: tuple[MatchExplanation, ...]  # vs the other representatives


@dataclass(frozen=True, slots=True)
class OfferReport:
    """An offer and the reasons behind each of its postings."""

    offer_id: str
    status: str
    title: str
    members: tuple[MemberReport, ...]


def _member_rows(conn: Connection, offer_id: str) -> list[Any]:
    query = (
        select(*_COLUMNS, _links.c.rule, _links.c.score, members.rep_seq, members.matched)
        .join(_links, _links.c.posting_id == postings.c.id)
        .outerjoin(dedupe_members, members.posting_id == postings.c.id)
        .where(_links.c.offer_id == offer_id)
    )
    return [row._mapping for row in conn.execute(query)]


def explain_offer(conn: Connection, offer_id: str) -> OfferReport:
    """The postings of an offer and why each one is in it."""
    offer = conn.execute(
        select(_offers.c.status, _offers.c.title).where(_offers.c.offer_id == offer_id)
    ).first()
    if offer is None:
        raise UserError(f"unknown offer id {offer_id!r}")
    rows = _member_rows(conn, offer_id)
    records = {row["id"]: to_record(row) for row in rows}
    rows.sort(key=lambda r: (r["rule"] != "founder", r["rep_seq"] is None, r["rep_seq"] or 0))
    reps = [records[r["id"]] for r in rows if r["rep_seq"] is not None]
    out = []
    for row in rows:
        record = records[row["id"]]
        others = tuple(explain(record, rep) for rep in reps if rep.key != record.key)
        decisive = None
        if row["rule"] != "founder":
            matched = [e for e in others if row["matched"] in (e.left, e.right)]
            decisive = matched[0] if matched else max(others, key=lambda e: e.total, default=None)
            others = tuple(e for e in others if e is not decisive)
        out.append(
            MemberReport(
                record=record,
                rule=row["rule"],
                score=row["score"],
                representative=row["rep_seq"] is not None,
                decisive=decisive,
                others=others,
            )
        )
    return OfferReport(offer_id, offer.status, offer.title, tuple(out))


@dataclass(frozen=True, slots=True)
class PairReport:
    """Two postings compared, with the offers they are in now."""

    explanation: MatchExplanation
    offers: tuple[str | None, str | None]

    @property
    def merged(self) -> bool:
        return self.offers[0] is not None and self.offers[0] == self.offers[1]


def _posting(conn: Connection, key: str) -> tuple[DedupeRecord, str | None]:
    try:
        source, offer_id = split_key(key)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    row = conn.execute(
        select(*_COLUMNS, _links.c.offer_id.label("linked_offer"))
        .outerjoin(_links, _links.c.posting_id == postings.c.id)
        .where(postings.c.source == source, postings.c.source_offer_id == offer_id)
    ).first()
    if row is None:
        raise UserError(f"unknown posting {key!r} (expected SOURCE:ID of a stored posting)")
    return to_record(row._mapping), row.linked_offer


def explain_pair(conn: Connection, left: str, right: str) -> PairReport:
    """Compare two stored postings (``SOURCE:ID``) the way the engine would."""
    a, offer_a = _posting(conn, left)
    b, offer_b = _posting(conn, right)
    if a.key == b.key:
        raise UserError("give two different postings")
    return PairReport(explain(a, b), (offer_a, offer_b))
