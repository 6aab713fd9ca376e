"""``aggregator export``: consolidated offers with their postings, streamed to files.

``--out`` ending in the format's extension writes one file of offers (each with its
``postings`` list); any other path writes a snapshot folder (offers, postings, manifest, see
``docs/snapshots.md``). Everything is read in one transaction (a crawl running at the same
time is invisible) and written under a hidden temporary name, renamed into place at the end.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, func, select

from aggregator.errors import UserError
from aggregator.snapshots.files import Description, Written, write_folder, write_single
from aggregator.snapshots.filters import SnapshotFilters
from aggregator.snapshots.progress import offers_progress
from aggregator.snapshots.queries import Selection, selection
from aggregator.snapshots.stream import BATCH_SIZE
from aggregator.snapshots.times import iso
from aggregator.snapshots.writers import FORMATS
from aggregator.store.database import Store

__all__ = ["FORMATS", "ExportResult", "export_offers", "iso"]

_HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.EFBIG: "the file is too large for this file system",
}


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    offers: int
    postings: int


def _consistent_read(conn: Connection) -> None:
    """Make every query of the export see one snapshot of the store."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    elif conn.dialect.name == "sqlite":
        # pysqlite opens no transaction before a SELECT: without this, each query would read
        # its own state of the file (WAL keeps writers from blocking this reader)
        conn.exec_driver_sql("BEGIN")


def _check(conn: Connection, chosen: Selection, written: Written) -> None:
    """The files must hold what the same snapshot counts (a broken read would show here)."""
    offers = conn.scalar(chosen.count)
    unordered = chosen.postings.order_by(None).subquery()
    postings = conn.scalar(select(func.count()).select_from(unordered))
    if (offers, postings) != (written.offers, written.postings):
        raise RuntimeError(
            f"inconsistent snapshot: wrote {written.offers} offers / {written.postings} "
            f"postings, the transaction counts {offers} / {postings}"
        )


def _os_error(out: Path, exc: OSError) -> UserError:
    reason = _HINTS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = exc.filename or out
    return UserError(f"cannot write {out}: {reason} ({where})")


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif _exists(path):
        path.unlink()


def _replace(temp: Path, out: Path) -> None:
    """Rename ``temp`` to ``out``; a previous ``out`` is moved aside, then deleted (or put back
    if the rename fails), so a reader sees the old snapshot or the new one, never a mix."""
    aside = out.with_name(f".{out.name}.old-{os.getpid()}")
    replacing = _exists(out)
    if replacing:
        out.rename(aside)
    try:
        temp.rename(out)
    except OSError:
        if replacing:
            aside.rename(out)
        raise
    if replacing:
        _remove(aside)


@dataclass(frozen=True, slots=True)
class _Job:
    fmt: str
    single_file: bool
    filters: SnapshotFilters
    as_of: datetime | None
    progress: bool | None
    batch_size: int
    on_batch: Callable[[int], None] | None


def _write(store: Store, temp: Path, job: _Job) -> Written:
    started = datetime.now(UTC)
    if job.as_of is not None and job.as_of > started:
        raise UserError(f"--as-of {iso(job.as_of)} is in the future")
    described = job.filters.describe()  # resolves the place: an unknown one fails before I/O
    with store.engine.connect() as conn, conn.begin():
        _consistent_read(conn)
        chosen = selection(job.filters, conn.dialect.name, job.as_of)
        total = conn.scalar(chosen.count) or 0
        with offers_progress(total, enabled=job.progress) as bar:

            def advance(count: int) -> None:
                bar(count)
                if job.on_batch is not None:
                    job.on_batch(count)

            if job.single_file:
                written = write_single(conn, temp, job.fmt, chosen, advance, job.batch_size)
            else:
                about = Description(job.as_of or started, job.as_of, described)
                written = write_folder(conn, temp, job.fmt, chosen, about, advance, job.batch_size)
        _check(conn, chosen, written)
    return written


def export_offers(
    store: Store,
    out: Path,
    fmt: str,
    *,
    overwrite: bool = False,
    filters: SnapshotFilters | None = None,
    as_of: datetime | None = None,
    progress: bool | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> ExportResult:
    """Export the offers ``filters`` select (default: open ones), now or as of ``as_of``.

    ``progress`` None draws a bar only when stderr is a terminal; ``on_batch(n)`` is called
    after each batch of ``n`` offers (a scheduler's log, say). An existing ``out`` is replaced
    only with ``overwrite``; disk and permission errors become one-line UserErrors.
    """
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if _exists(out) and not overwrite:
        raise UserError(f"{out} exists: pass --overwrite to replace it")
    if not out.parent.is_dir():
        raise UserError(f"folder {out.parent} does not exist")
    job = _Job(
        fmt=fmt,
        single_file=out.suffix == f".{fmt}",
        filters=filters or SnapshotFilters(),
        as_of=as_of,
        progress=progress,
        batch_size=batch_size,
        on_batch=on_batch,
    )
    temp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        written = _write(store, temp, job)
        _replace(temp, out)
    except OSError as exc:
        raise _os_error(out, exc) from None
    finally:
        _remove(temp)
    return ExportResult(out, written.offers, written.postings)
