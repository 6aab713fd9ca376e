"""One table written as Parquet, CSV or JSON Lines, a batch of rows at a time.

Rows are tuples in the order of the writer's columns, as the snapshot queries return them
(text, floats, None; date-times already ISO 8601 text; on SQLite, text may come as UTF-8 bytes,
see :func:`aggregator.snapshots.stream.raw_text`); a ``postings`` column holds a list of dicts.
Parquet and CSV go through Arrow (typed columns, a C++ CSV writer); JSON Lines through orjson.
Each writer holds no more than the batch it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import orjson
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from aggregator.snapshots.arrow import as_text

FORMATS = ("parquet", "csv", "jsonl")
ARROW_FORMATS = frozenset({"parquet", "csv"})
PARQUET_COMPRESSION = "zstd"
_CSV = pcsv.WriteOptions(eol="\r\n", quoting_header="none")


class TableWriter(Protocol):
    """Appends rows to one file; ``close`` finishes it."""

    def write(self, rows: Sequence[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


def _array(values: Sequence[Any], data_type: pa.DataType) -> pa.Array:
    """An Arrow array of ``data_type`` from Python values (text given as str or UTF-8 bytes)."""
    if pa.types.is_string(data_type):
        sample = next((v for v in values if v is not None), None)
        if isinstance(sample, bytes):
            return pa.array(values, type=pa.binary()).cast(data_type)  # validates UTF-8
    return pa.array(values, type=data_type)


def record_batch(rows: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Rows as a batch of ``schema``: built with date-times as text, then cast."""
    arrays = [
        _array(values, as_text(field.type)).cast(field.type)
        for values, field in zip(zip(*rows, strict=True), schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class ParquetTable:
    """Parquet with compression: one row group per batch, typed by the Arrow schema."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression=PARQUET_COMPRESSION)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._writer.write_batch(record_batch(rows, self._schema))

    def close(self) -> None:
        self._writer.close()


class CsvTable:
    """UTF-8 CSV, RFC 4180: a header, CRLF line ends, every text quoted, nulls empty.

    Date-times are written as the ISO 8601 text the queries give; a nested ``postings`` list
    becomes a JSON text cell. Quoting every text keeps an empty text (``""``) apart from null.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._nested = schema.get_field_index("postings")
        fields = [f.with_type(pa.string()) if f.name == "postings" else f for f in schema]
        self._schema = pa.schema([f.with_type(as_text(f.type)) for f in fields])
        self._writer = pcsv.CSVWriter(str(path), self._schema, write_options=_CSV)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        at = self._nested
        if at >= 0:
            rows = [(*r[:at], orjson.dumps(r[at]).decode(), *r[at + 1 :]) for r in rows]
        self._writer.write_batch(record_batch(rows, self._schema))

    def close(self) -> None:
        self._writer.close()


class JsonlTable:
    """One JSON object per line, keys in column order."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._handle = path.open("wb")
        self._columns = tuple(columns)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        columns = self._columns
        self._handle.write(
            b"".join(orjson.dumps(dict(zip(columns, row, strict=True))) + b"\n" for row in rows)
        )

    def close(self) -> None:
        self._handle.close()


def open_table(fmt: str, path: Path, schema: pa.Schema) -> TableWriter:
    """A writer of ``fmt`` for a table with ``schema`` (its names are the columns)."""
    if fmt == "parquet":
        return ParquetTable(path, schema)
    if fmt == "csv":
        return CsvTable(path, schema)
    if fmt == "jsonl":
        return JsonlTable(path, schema.names)
    raise ValueError(f"unknown format {fmt!r}")
