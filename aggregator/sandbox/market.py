"""The sandbox market: a deterministic job market behind the ~70 emulated boards, with ground truth.

``Market(seed, scale)`` holds every vacancy whose copies can still be listed; ``advance`` moves
the clock one day per tick, bringing births (generated per tick, see :mod:`generator`) and
letting closures, edits and reposts decided at each vacancy's birth take effect. Nothing reads
the wall clock or the global random generator: same seed, scale, epoch and tick, same bytes.

The epoch (the date of tick 0) only places the market in time: every date a board serves is
the epoch plus a number of ticks (and hours), and nothing else depends on it, so two markets
of one seed and scale list the same vacancies and copies with the same words, their dates
shifted by the difference of their epochs. The default is the fixed :data:`EPOCH`, for
byte-exact tests and fixtures. A market crawled into a store must take :func:`live_epoch`
instead: the store closes postings whose ``valid_through`` is before the *wall clock*, so a
market stuck at a fixed date serves more and more expired offers as real days pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import orjson

from aggregator.sandbox.boards import BOARDS
from aggregator.sandbox.generator import born_on
from aggregator.sandbox.model import BoardPosting, BoardSpec, TruthRow
from aggregator.sandbox.records import Copy, Vacancy
from aggregator.sandbox.variants import materialize, revision

EPOCH = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
"""Tick 0 of a market by default (a Monday morning): fixed, so that tests and fixtures are
byte-exact; see :func:`live_epoch` for a market crawled into a store."""

LIVE_TICKS = 2
"""Ticks a live market can advance before its clock passes the wall clock: the most any test
advances a sandbox it crawls into a store (``tests/crawl``, ``tests/dedupe_store``)."""

HORIZON = 100  # a vacancy lives at most 90 ticks and its copies linger at most 7 more


def live_epoch(now: datetime | None = None, ticks: int = LIVE_TICKS) -> datetime:
    """The epoch of a market that looks live at ``now`` (default: the wall clock).

    Tick ``ticks`` of that market is the last 08:00 UTC at or before ``now``, so its ticks
    0 to ``ticks`` all lie in the past of ``now``, the latest less than a day before it: the
    board serves no date from the future (parsers drop publication dates more than a day
    ahead) and, at the latest tick, an expiry date is past for the store exactly when it is
    past for the market (up to the hours of the day). Its backlog (vacancies born up to
    :data:`HORIZON` ticks before tick 0) makes it look like a board that has been live for
    months. Compute it once per run and pass it on (``aggregator sandbox --epoch``): a process
    computing its own could land on another day.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if ticks < 0:
        raise ValueError("ticks must be >= 0")
    now = now.astimezone(UTC)
    morning = now.replace(hour=EPOCH.hour, minute=EPOCH.minute, second=0, microsecond=0)
    if morning > now:
        morning -= timedelta(days=1)
    return morning - timedelta(days=ticks)


class Market:
    """Vacancies and their copies on every board, moving one day per tick."""

    def __init__(self, seed: int = 1, scale: float = 1.0, epoch: datetime = EPOCH) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        if epoch.tzinfo is None:
            raise ValueError("epoch must be timezone-aware")
        self.seed = seed
        self.scale = scale
        self.epoch = epoch.astimezone(UTC)
        self.tick = 0
        self._born: dict[int, list[Vacancy]] = {}
        self._specs = {b.key: b for b in BOARDS}
        self._cache: dict[tuple[str, int, int], BoardPosting] = {}
        self._open: dict[str, list[tuple[Vacancy, Copy]]] | None = None
        for t in range(-HORIZON, 1):
            self._born[t] = born_on(seed, scale, t, alive_from=0)

    @property
    def now(self) -> datetime:
        """The market clock: the epoch plus one day per tick."""
        return self.epoch + timedelta(days=self.tick)

    def advance(self, ticks: int = 1) -> None:
        """Move time on by ``ticks`` days: new vacancies, closures, edits and reposts happen."""
        if ticks < 0:
            raise ValueError("time only moves forward")
        for _ in range(ticks):
            self.tick += 1
            self._born[self.tick] = born_on(self.seed, self.scale, self.tick)
            self._born.pop(self.tick - HORIZON - 1, None)
        if ticks:
            self._open = None

    def board(self, key: str) -> BoardSpec:
        """The spec of board ``key``."""
        return self._specs[key]

    def boards(self) -> tuple[BoardSpec, ...]:
        """Every board of the market."""
        return BOARDS

    def _listed(self) -> dict[str, list[tuple[Vacancy, Copy]]]:
        if self._open is None:
            found: dict[str, list[tuple[Vacancy, Copy]]] = {b.key: [] for b in BOARDS}
            for t in sorted(self._born):
                for v in self._born[t]:
                    for c in v.copies:
                        if c.start <= self.tick < c.end:
                            found[c.board].append((v, c))
            self._open = found
            listed = {(c.board, c.number) for pairs in found.values() for _, c in pairs}
            self._cache = {k: p for k, p in self._cache.items() if k[:2] in listed}
        return self._open

    def vacancies(self) -> list[Vacancy]:
        """Every vacancy with at least one copy listed now (ground truth, with its batch)."""
        seen: dict[str, Vacancy] = {}
        for pairs in self._listed().values():
            for v, _ in pairs:
                seen.setdefault(v.vacancy_id, v)
        return sorted(seen.values(), key=lambda v: v.vacancy_id)

    def postings(self, board: str) -> list[BoardPosting]:
        """The board's copies listed now, newest first (ties by id), as the board words them."""
        if board not in self._specs:
            raise KeyError(board)
        out = []
        for v, c in self._listed()[board]:
            key = (c.board, c.number, revision(v, c, self.tick))
            posting = self._cache.get(key)
            if posting is None:
                posting = materialize(v, c, self.tick, self.epoch, self.seed)
                self._cache[key] = posting
            out.append(posting)
        out.sort(key=lambda p: (p.posted_at, p.source_offer_id), reverse=True)
        return out

    def truth(self) -> list[TruthRow]:
        """Every copy listed now: board, offer id and the vacancy behind it."""
        rows = [
            TruthRow(c.board, c.offer_id, v.vacancy_id)
            for pairs in self._listed().values()
            for v, c in pairs
        ]
        rows.sort(key=lambda r: (r.board, r.source_offer_id))
        return rows

    def truth_jsonl(self) -> Iterator[str]:
        """Ground truth as JSON lines, with the hard-negative batch of each vacancy."""
        for key, pairs in sorted(self._listed().items()):
            for v, c in sorted(pairs, key=lambda p: p[1].offer_id):
                row = {
                    "board": key,
                    "source_offer_id": c.offer_id,
                    "vacancy_id": v.vacancy_id,
                    "batch": v.batch,
                    "batch_kind": v.batch_kind,
                    "republished_from": v.republished_from,
                    "tick": self.tick,
                }
                yield orjson.dumps(row).decode()
