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
    postings = conn.scalar(select(func.count()).select_from(chosen.postings.subquery()))
    if (offers, postings) != (written.offers, written.postings):
        raise RuntimeError(
            f"inconsistent snapshot: wrote {written.offers} offers / {written.postings} "
            f"postings, the transaction counts {offers} / {postings}"
        )


def _os_error(out: Path, exc: OSError) -> UserError:
    reason = _HINTS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = exc.filename or out
    return UserError(f"cannot write {out}: {reason} ({where})")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _write(
    store: Store,
    temp: Path,
    fmt: str,
    single_file: bool,
    filters: SnapshotFilters,
    as_of: datetime | None,
    progress: bool | None,
    batch_size: int,
    on_batch: Callable[[int], None] | None,
) -> Written:
    started = datetime.now(UTC)
    if as_of is not None and as_of > started:
        raise UserError(f"--as-of {iso(as_of)} is in the future")
    described = filters.describe()  # resolves the place: an unknown one fails before any I/O
    with store.engine.connect() as conn, conn.begin():
        _consistent_read(conn)
        chosen = selection(filters, conn.dialect.name, as_of)
        total = conn.scalar(chosen.count) or 0
        with offers_progress(total, enabled=progress) as bar:

            def advance(count: int) -> None:
                bar(count)
                if on_batch is not None:
                    on_batch(count)

            if single_file:
                written = write_single(conn, temp, fmt, chosen, advance, batch_size)
            else:
                description = Description(as_of or started, as_of, described)
                written = write_folder(conn, temp, fmt, chosen, description, advance, batch_size)
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
    if (out.exists() or out.is_symlink()) and not overwrite:
        raise UserError(f"{out} exists: pass --overwrite to replace it")
    if not out.parent.is_dir():
        raise UserError(f"folder {out.parent} does not exist")
    single_file = out.suffix == f".{fmt}"
    temp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    try:
        written = _write(
            store,
            temp,
            fmt,
            single_file,
            filters or SnapshotFilters(),
            as_of,
            progress,
            batch_size,
            on_batch,
        )
        if out.exists() or out.is_symlink():
            out.rename(old)
        temp.rename(out)
        _remove(old)
    except OSError as exc:
        raise _os_error(out, exc) from None
    finally:
        for leftover in (temp, old):
            if leftover.exists() or leftover.is_symlink():
                if leftover == old and not (out.exists() or out.is_symlink()):
                    leftover.rename(out)  # put the previous snapshot back
                else:
                    _remove(leftover)
    return ExportResult(out, written.offers, written.postings)
