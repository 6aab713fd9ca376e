"""The operations tables: the scheduler's lease and the per-source health snapshot.

They are SQLAlchemy Core tables on their own metadata (same naming convention as the store)
because only this package reads or writes them; migration ``0004`` creates them, together with
APScheduler's job table so that ``aggregator db upgrade`` owns the whole schema.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, LargeBinary, MetaData, String, Table, Text

from aggregator.store.models import NAMING_CONVENTION
from aggregator.store.types import UtcDateTime

JOBS_TABLE = "apscheduler_jobs"
LEASE_NAME = "scheduler"

metadata = MetaData(naming_convention=NAMING_CONVENTION)

scheduler_lease = Table(
    "scheduler_lease",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("acquired_at", UtcDateTime(), nullable=False),
    Column("heartbeat_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

source_health = Table(
    "source_health",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("reason", Text),
    Column("last_run_id", Integer),
    Column("last_success_at", UtcDateTime()),
    Column("last_failure_at", UtcDateTime()),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("cooldown_until", UtcDateTime()),
    Column("recent_yield", JSON),  # [{run, items, new, closed}, ...] newest first
    Column("parse_error_rate", Float),
    Column("fill", JSON),  # {field: fraction} of the last successful run
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Mirror of APScheduler 3.x's SQLAlchemyJobStore table, so migrations create it up front.
apscheduler_jobs = Table(
    JOBS_TABLE,
    metadata,
    Column("id", String(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
