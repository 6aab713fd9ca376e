"""Bulk reads on the driver's cursor: ``IN`` lists of thousands of plain values, no row objects.

The dedupe index reads hundreds of thousands of small rows (ints and short strings) per batch;
SQLAlchemy's result machinery costs several microseconds a row, the DBAPI cursor a fraction
of one. Only for columns whose driver values need no conversion (no dates, no enums).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection

CHUNK = 900  # under SQLite's oldest variable limit (999), few round trips on PostgreSQL


def fetch_in(
    conn: Connection, sql: str, values: Sequence[Any], *, chunk: int = CHUNK
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` whose ``{in}`` is replaced by each chunk of ``values`` as parameters."""
    if not values:
        return
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(values), chunk):
            part = list(values[start : start + chunk])
            cursor.execute(sql.format(**{"in": ",".join([mark] * len(part))}), part)
            yield from cursor.fetchall()
    finally:
        cursor.close()


def driver_value_reader(conn: Connection, column: ColumnElement[Any]) -> Callable[[Any], Any]:
    """What SQLAlchemy does to ``column``'s driver values on this connection, for the few
    columns of a bulk read that need it (a date is text on SQLite); identity if nothing."""
    dialect = conn.dialect
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    return process if process is not None else _same


def _same(value: Any) -> Any:
    return value


def execute_many(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``sql`` (``{p}`` marks each positional parameter) once per row, on the driver's cursor."""
    if not rows:
        return
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql.format(p=mark), rows)
    finally:
        cursor.close()
