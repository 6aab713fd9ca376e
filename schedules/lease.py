"""Single owner of a store: a lease row taken atomically, renewed by heartbeat, released at exit.

Taking the lease is one conditional ``UPDATE`` (free, expired, or already ours) or, when the row
does not exist yet, one ``INSERT`` that the primary key lets only one process win: both are
atomic on SQLite and PostgreSQL, so two schedulers can never both believe they own the store.
A holder that dies stops renewing and its lease expires after ``ttl``; a standby (or the next
start) then takes over.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from aggregator.errors import UserError
from schedules.tables import LEASE_NAME, scheduler_lease


class LeaseHeld(UserError):
    """Another live scheduler owns this store."""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lease, as recorded in the row."""

    holder: str
    host: str
    pid: int
    heartbeat_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        return (
            f"pid {self.pid} on {self.host} (holder {self.holder}, last heartbeat "
            f"{self.heartbeat_at:%Y-%m-%d %H:%M:%S}Z, expires {self.expires_at:%H:%M:%S}Z)"
        )


class Lease:
    """The scheduler lease of one store, held by this process once :meth:`acquire` succeeds."""

    def __init__(self, engine: Engine, *, ttl: timedelta = timedelta(seconds=60)) -> None:
        self.engine = engine
        self.ttl = ttl
        self.holder = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.pid = os.getpid()

    def _values(self, now: datetime) -> dict[str, object]:
        return {
            "holder": self.holder,
            "host": self.host,
            "pid": self.pid,
            "heartbeat_at": now,
            "expires_at": now + self.ttl,
        }

    def try_acquire(self, now: datetime | None = None) -> bool:
        """Take the lease if it is free, expired or ours; True when this process now holds it."""
        now = now or datetime.now(UTC)
        table = scheduler_lease
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(
                    table.c.name == LEASE_NAME,
                    or_(table.c.expires_at < now, table.c.holder == self.holder),
                )
                .values(acquired_at=now, **self._values(now))
            ).rowcount
        if taken == 1:
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(table).values(name=LEASE_NAME, acquired_at=now, **self._values(now))
                )
        except IntegrityError:
            return False
        return True

    def acquire(self, now: datetime | None = None) -> None:
        """Take the lease or raise :class:`LeaseHeld` naming the current owner."""
        if self.try_acquire(now):
            return
        current = self.current()
        who = current.describe() if current else "another process"
        raise LeaseHeld(
            f"another scheduler owns this store: {who}; stop it first, or start this one "
            "with --standby to take over when it stops"
        )

    def renew(self, now: datetime | None = None) -> bool:
        """Push the expiry forward; False when the lease was lost (expired and taken over)."""
        now = now or datetime.now(UTC)
        table = scheduler_lease
        with self.engine.begin() as conn:
            renewed = conn.execute(
                update(table)
                .where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
                .values(heartbeat_at=now, expires_at=now + self.ttl)
            ).rowcount
        return renewed == 1

    def release(self) -> None:
        """Give the lease up (a clean stop), so the next scheduler starts at once."""
        table = scheduler_lease
        with self.engine.begin() as conn:
            conn.execute(
                delete(table).where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
            )

    def current(self) -> Holder | None:
        """The row as it stands (whoever holds it, expired or not)."""
        table = scheduler_lease
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    table.c.holder,
                    table.c.host,
                    table.c.pid,
                    table.c.heartbeat_at,
                    table.c.expires_at,
                ).where(table.c.name == LEASE_NAME)
            ).first()
        return Holder(*row) if row else None
