"""The scheduler lease on SQLite and PostgreSQL: one holder, expiry, takeover, release."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.store.database import Store
from schedules.lease import Lease, LeaseHeld

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_one_holder_at_a_time_until_the_lease_expires(store: Store) -> None:
    first = Lease(store.engine, ttl=timedelta(seconds=30))
    second = Lease(store.engine, ttl=timedelta(seconds=30))
    assert first.try_acquire(T0)
    assert first.try_acquire(T0 + timedelta(seconds=1))  # re-taking our own lease is fine
    assert not second.try_acquire(T0 + timedelta(seconds=10))
    with pytest.raises(LeaseHeld, match=r"another scheduler owns this store: pid \d+ on "):
        second.acquire(T0 + timedelta(seconds=10))
    assert first.renew(T0 + timedelta(seconds=20))
    assert not second.try_acquire(T0 + timedelta(seconds=45))  # renewed until 50 s
    assert second.try_acquire(T0 + timedelta(seconds=51))  # first stopped renewing
    assert not first.renew(T0 + timedelta(seconds=52))  # and learns it lost the store
    holder = second.current()
    assert holder is not None and holder.holder == second.holder


def test_release_frees_the_store_at_once_and_only_for_its_holder(store: Store) -> None:
    first = Lease(store.engine)
    second = Lease(store.engine)
    first.acquire(T0)
    second.release()  # not the holder: no effect
    assert not second.try_acquire(T0)
    first.release()
    assert first.current() is None
    assert second.try_acquire(T0)


def test_racing_schedulers_get_exactly_one_lease(store: Store) -> None:
    leases = [Lease(store.engine) for _ in range(6)]
    won: list[bool] = []
    barrier = threading.Barrier(len(leases))

    def take(lease: Lease) -> None:
        barrier.wait()
        won.append(lease.try_acquire(T0))

    threads = [threading.Thread(target=take, args=(lease,)) for lease in leases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 5 + [True]
