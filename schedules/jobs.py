"""APScheduler jobs derived from the catalogue: one per enabled source, id ``crawl:<key>``.

Jobs hold only the source key: the job store pickles a reference to :func:`crawl_job` and its
arguments, so nothing else (no database URL, which may carry a password) is ever written to it.
The running scheduler installs its :class:`Runtime` in this module, and the job looks the
source up in the *current* catalogue when it fires.

:func:`reconcile` makes the stored jobs match the catalogue; ids derived from keys make it
idempotent, so restarts never duplicate jobs. A job that fell due while the scheduler was
down, or whose last run was interrupted, is moved to "now" (plus jitter) once: that is how
missed runs coalesce into one run.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from aggregator.catalogue import Catalogue, CatalogueError, SourceEntry
from schedules.due import MAX_JITTER, jitter_for, next_due, trigger_for, usual_gap
from schedules.supervisor import Supervisor

logger = logging.getLogger("aggregator.schedules")
PREFIX = "crawl:"


@dataclass(slots=True)
class Runtime:
    """What jobs of this process need: the supervisor and the catalogue as last loaded."""

    supervisor: Supervisor
    catalogue: Catalogue


_runtime: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    """Make ``runtime`` the one jobs of this process use (None: uninstall)."""
    global _runtime
    _runtime = runtime


def crawl_job(source: str) -> None:
    """The scheduled job: crawl one source through the process's supervisor."""
    runtime = _runtime
    if runtime is None:
        raise RuntimeError("no scheduler runtime installed in this process")
    try:
        entry = runtime.catalogue.get(source)
    except CatalogueError:
        logger.warning("job for %s fired but the source left the catalogue", source)
        return
    runtime.supervisor.run(entry)


def job_id(key: str) -> str:
    return f"{PREFIX}{key}"


def _label(entry: SourceEntry, jitter: int) -> str:
    """The job's name; it also fingerprints the schedule, so a change is noticed."""
    return f"crawl {entry.key} every {entry.schedule!r} (jitter {jitter}s)"


@dataclass(slots=True)
class Reconciled:
    """What :func:`reconcile` changed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    due_now: list[str] = field(default_factory=list)


def reconcile(
    scheduler: BaseScheduler,
    catalogue: Catalogue,
    *,
    last_started: dict[str, datetime],
    now: datetime,
    jitter_cap: timedelta = MAX_JITTER,
) -> Reconciled:
    """Add, update and remove ``crawl:*`` jobs so they match the catalogue's enabled sources."""
    done = Reconciled()
    wanted = {job_id(e.key): e for e in catalogue.enabled()}
    existing: dict[str, Job] = {
        job.id: job for job in scheduler.get_jobs() if job.id.startswith(PREFIX)
    }
    for jid in sorted(set(existing) - set(wanted)):
        scheduler.remove_job(jid)
        done.removed.append(jid)
    for jid, entry in wanted.items():
        jitter = jitter_for(entry, jitter_cap)
        due = next_due(entry, last_started.get(entry.key), now)
        when = due if due > now else now + timedelta(seconds=random.uniform(0, jitter))
        grace = max(int(usual_gap(entry, now).total_seconds()), 30)
        job = existing.get(jid)
        if job is None:
            scheduler.add_job(
                crawl_job,
                trigger_for(entry, jitter),
                args=[entry.key],
                id=jid,
                name=_label(entry, jitter),
                next_run_time=when,
                misfire_grace_time=grace,
                coalesce=True,
                max_instances=1,
            )
            done.added.append(jid)
        elif job.name != _label(entry, jitter):
            scheduler.modify_job(
                jid,
                trigger=trigger_for(entry, jitter),
                name=_label(entry, jitter),
                next_run_time=when,
                misfire_grace_time=grace,
            )
            done.changed.append(jid)
        else:
            stored = job.next_run_time
            if stored is not None and (due <= now or stored <= now):
                scheduler.modify_job(jid, next_run_time=when)
            elif stored is not None:
                when = stored
            done.kept.append(jid)
        if when <= now + timedelta(seconds=jitter):
            done.due_now.append(jid)
    return done
