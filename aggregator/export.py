"""``aggregator export``: consolidated offers with their postings, streamed to files.

``--out`` ending in the format's extension writes one file of offers (each with its
``postings`` list); any other path writes a snapshot folder (offers, postings, manifest).
Everything is read in one transaction and written under a temporary name, then renamed.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import orjson
from sqlalchemy import Connection, select

from aggregator.errors import UserError
from aggregator.schema import OFFER_FIELDS, SCHEMA_VERSION
from aggregator.store.database import Store
from aggregator.store.models import OfferPosting, OfferRow, PostingRow

FORMATS = ("jsonl", "csv")
REF_FIELDS = ("source", "source_offer_id", "url", "posted_at")
OFFER_COLUMNS = tuple(f for f in OFFER_FIELDS if f != "postings")


def iso(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the way the schema writes date-times."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _jsonable(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _offer_rows(conn: Connection) -> Iterator[Any]:
    table = OfferRow.__table__
    query = select(*(table.c[c] for c in OFFER_COLUMNS)).order_by(table.c.offer_id)
    yield from conn.execution_options(yield_per=2000).execute(query)


def _posting_refs(conn: Connection) -> Iterator[Any]:
    posting, link = PostingRow.__table__, OfferPosting.__table__
    query = (
        select(link.c.offer_id, *(posting.c[c] for c in REF_FIELDS))
        .join(posting, posting.c.id == link.c.posting_id)
        .order_by(link.c.offer_id, posting.c.source, posting.c.source_offer_id)
    )
    yield from conn.execution_options(yield_per=2000).execute(query)


def iter_offers(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every consolidated offer as a JSON-ready dict, with its ``postings`` list."""
    refs = _posting_refs(conn)
    pending = next(refs, None)
    for row in _offer_rows(conn):
        record = {c: _jsonable(row._mapping[c]) for c in OFFER_COLUMNS}
        postings = []
        while pending is not None and pending.offer_id < row.offer_id:
            pending = next(refs, None)
        while pending is not None and pending.offer_id == row.offer_id:
            postings.append({f: _jsonable(pending._mapping[f]) for f in REF_FIELDS})
            pending = next(refs, None)
        record["postings"] = postings
        yield record


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    return value


def _row_writer(fmt: str, out: TextIO, columns: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """A function writing one record as a JSON line or a CSV row (header written first)."""
    if fmt == "jsonl":
        return lambda record: out.write(orjson.dumps(record).decode() + "\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    return lambda record: writer.writerow([_csv_cell(record[c]) for c in columns])


def _write_offers(conn: Connection, path: Path, fmt: str) -> int:
    """One file: every offer with its nested ``postings`` list."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        write = _row_writer(fmt, handle, OFFER_FIELDS)
        count = 0
        for record in iter_offers(conn):
            write(record)
            count += 1
    return count


def _snapshot_transaction(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_offers(store: Store, out: Path, fmt: str, *, overwrite: bool = False) -> int:
    """Export every consolidated offer; returns how many were written."""
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if out.exists() and not overwrite:
        raise UserError(f"{out} exists: pass --overwrite to replace it")
    single_file = out.suffix == f".{fmt}"
    temp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        if not out.parent.exists():
            raise UserError(f"folder {out.parent} does not exist")
        with store.engine.connect() as conn, conn.begin():
            _snapshot_transaction(conn)
            if single_file:
                count = _write_offers(conn, temp, fmt)
            else:
                count = _write_snapshot(conn, temp, fmt)
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        temp.rename(out)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if temp.exists():
            shutil.rmtree(temp) if temp.is_dir() else temp.unlink()
    return count


def _write_snapshot(conn: Connection, folder: Path, fmt: str) -> int:
    """A snapshot folder: offers (without the nested list), postings (provenance), manifest."""
    folder.mkdir()
    offers_path = folder / f"offers.{fmt}"
    postings_path = folder / f"postings.{fmt}"
    with (
        offers_path.open("w", encoding="utf-8", newline="") as offers_out,
        postings_path.open("w", encoding="utf-8", newline="") as postings_out,
    ):
        offer_count = posting_count = 0
        offer_writer = _row_writer(fmt, offers_out, OFFER_COLUMNS)
        posting_writer = _row_writer(fmt, postings_out, ("offer_id", *REF_FIELDS))
        for record in iter_offers(conn):
            postings = record.pop("postings")
            offer_writer(record)
            offer_count += 1
            for ref in postings:
                posting_writer({"offer_id": record["offer_id"], **ref})
                posting_count += 1
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "created_at": iso(datetime.now(UTC)),
        "format": fmt,
        "counts": {"offers": offer_count, "postings": posting_count},
        "files": {p.name: {"sha256": _sha256(p)} for p in (offers_path, postings_path)},
    }
    (folder / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return offer_count
