"""The market's epoch: it only dates the market, and a live epoch keeps the boards live.

A sandbox crawled into a store is read against the wall clock (offers past their
``valid_through`` are closed), so its dates must follow the wall clock: these tests hold for
any ``now``, however far from the fixed :data:`EPOCH`, using the market's pure functions only.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from aggregator.sandbox.market import EPOCH, LIVE_TICKS, Market, live_epoch
from aggregator.sandbox.model import BoardPosting

# Wall clocks far from EPOCH: just before 08:00 UTC, just before midnight, in another zone.
FAR = (
    datetime(2027, 3, 28, 7, 59, tzinfo=UTC),
    datetime(2029, 7, 1, 23, 59, tzinfo=UTC),
    datetime(2041, 1, 15, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
)


def listed(market: Market) -> dict[tuple[str, str], BoardPosting]:
    return {
        (p.board, p.source_offer_id): p
        for spec in market.boards()
        for p in market.postings(spec.key)
    }


def shifted(posting: BoardPosting, by: timedelta) -> BoardPosting:
    valid = posting.valid_through
    return dataclasses.replace(
        posting,
        posted_at=posting.posted_at + by,
        updated_at=posting.updated_at + by,
        valid_through=None if valid is None else valid + by,
    )


def test_live_epoch_puts_the_last_tick_on_the_last_0800_utc() -> None:
    assert live_epoch(datetime(2031, 6, 15, 3, 0, tzinfo=UTC)) == datetime(
        2031, 6, 12, 8, 0, tzinfo=UTC
    )
    assert live_epoch(datetime(2031, 6, 15, 8, 0, tzinfo=UTC)) == datetime(
        2031, 6, 13, 8, 0, tzinfo=UTC
    )
    paris_summer = timezone(timedelta(hours=2))  # 09:30 there is 07:30 UTC
    assert live_epoch(datetime(2031, 6, 15, 9, 30, tzinfo=paris_summer)) == datetime(
        2031, 6, 12, 8, 0, tzinfo=UTC
    )
    assert live_epoch(datetime(2031, 6, 15, 20, 0, tzinfo=UTC), ticks=0) == datetime(
        2031, 6, 15, 8, 0, tzinfo=UTC
    )
    before = live_epoch()
    assert before <= live_epoch() <= before + timedelta(days=1)  # the wall clock by default
    naive = datetime(2031, 6, 15, 3, 0, tzinfo=UTC).replace(tzinfo=None)  # whose 03:00?
    with pytest.raises(ValueError):
        live_epoch(naive)
    with pytest.raises(ValueError):
        Market(1, 0.01, epoch=naive)


def test_the_epoch_only_dates_the_market() -> None:
    """Same seed and scale, another epoch: the same copies, words and truth, dates shifted."""
    by = timedelta(days=1234, hours=5)
    fixed, moved = Market(5, 0.05), Market(5, 0.05, epoch=EPOCH + by)
    for market in (fixed, moved):
        market.advance(2)
    assert moved.now == fixed.now + by
    assert moved.truth() == fixed.truth()
    before, after = listed(fixed), listed(moved)
    assert after.keys() == before.keys() and len(after) > 100
    assert all(after[k] == shifted(before[k], by) for k in before)


@pytest.mark.parametrize("now", FAR, ids=lambda d: d.isoformat())
def test_a_live_market_is_live_whenever_it_runs(now: datetime) -> None:
    """Ticks 0 to LIVE_TICKS (as far as tests move a crawled sandbox) stay in the past of
    ``now``, few offers arrive already expired, and offers that vanish from one tick to the
    next had not expired (what ``tests/crawl/test_faults.py`` needs of a faulted board)."""
    market = Market(1, 0.05, epoch=live_epoch(now))
    before: dict[tuple[str, str], BoardPosting] = {}
    for tick in range(LIVE_TICKS + 1):
        if tick:
            market.advance()
        assert market.now <= now < market.now + timedelta(days=LIVE_TICKS - tick + 1)
        postings = listed(market)
        assert all(p.posted_at <= p.updated_at <= now for p in postings.values())
        expired = [p for p in postings.values() if p.valid_through and p.valid_through < now]
        assert len(expired) <= 0.05 * len(postings), (tick, len(expired), len(postings))
        vanished = [p for k, p in before.items() if k not in postings]
        alive = [p for p in vanished if p.valid_through is None or p.valid_through >= now]
        assert alive or not before, tick
        before = postings
    announced = [p for p in listed(Market(1, 0.05)).values() if p.valid_through]
    stale = [p for p in announced if p.valid_through and p.valid_through < now]
    assert len(stale) > 0.9 * len(announced)  # what the fixed epoch would have served
