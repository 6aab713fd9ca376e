"""Offer ids in each board's own style, derived from a copy's unique key (no counters).

Every copy is identified by ``(birth tick, event, member, copy)``; packing that tuple into one
integer gives ids that are unique per board, stable whatever order copies are generated in,
and roughly increasing with time like real sequential ids.
"""

from __future__ import annotations

import hashlib
import uuid

TICK_OFFSET = 1000  # ticks may be negative (the backlog before tick 0)
MAX_EVENTS = 4096  # birth events per tick
MAX_MEMBERS = 8  # vacancies per event (hard-negative batches)
MAX_COPIES = 12  # copies per vacancy, reposts included

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NUMERIC_BASE = {
    "greenhouse": 4_000_000_000,
    "smartrecruiters": 743_999_000_000_000,
    "recruitee": 1_000_000_000,
    "personio": 1_000_000,
    "remoteok": 100_000_000,
    "remotive": 1_500_000_000,
    "jobicy": 100_000,
    "himalayas": 2_000_000_000,
    "arbeitnow": 500_000_000,
    "adzuna": 3_000_000_000,
    "feed": 10_000,
    "jsonld": 20_000,
    "jsonapi": 30_000,
}


def copy_number(tick: int, event: int, member: int, copy: int) -> int:
    """The copy key packed into one non-negative integer."""
    if not (0 <= event < MAX_EVENTS and 0 <= member < MAX_MEMBERS and 0 <= copy < MAX_COPIES):
        raise ValueError(f"copy key out of range: {(tick, event, member, copy)}")
    local = (event * MAX_MEMBERS + member) * MAX_COPIES + copy
    return (tick + TICK_OFFSET) * MAX_EVENTS * MAX_MEMBERS * MAX_COPIES + local


def _digest(seed: int, board: str, number: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{board}:{number}".encode(), digest_size=16).digest()


def _france_travail(number: int) -> str:
    """Like "180HSFM": three digits that move with the day, four letters."""
    per_tick = MAX_EVENTS * MAX_MEMBERS * MAX_COPIES
    day, local = divmod(number, per_tick)
    letters = ""
    for _ in range(4):
        local, rem = divmod(local, 26)
        letters = _LETTERS[rem] + letters
    return f"{day % 1000:03d}{letters}"


def offer_id(kind: str, board: str, token: str, seed: int, number: int) -> str:
    """The id ``board`` (of ``kind``) gives the copy numbered ``number``."""
    if kind in ("lever", "ashby"):
        return str(uuid.UUID(bytes=_digest(seed, board, number), version=4))
    if kind == "workable":
        return _digest(seed, board, number).hex()[:10].upper()
    if kind == "workday":
        return f"JR{number % 10_000_000_000:010d}"
    if kind == "francetravail":
        return _france_travail(number)
    if kind == "xmlfeed":
        prefix = "".join(ch for ch in token.upper() if ch.isalpha())[:3] or "REF"
        return f"{prefix}-{number}"
    return str(_NUMERIC_BASE.get(kind, 0) + number)
