"""Structured logs: one JSON object per line when stderr is not a terminal.

Every line written while a crawl context is bound (:func:`crawl_context`) carries the source
key and the run id, so ``jq 'select(.source == "lever-acme")'`` follows one source across the
scheduler and its crawl children. On a terminal the same records print as short human lines.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

_SOURCE: contextvars.ContextVar[str | None] = contextvars.ContextVar("source", default=None)
_RUN_ID: contextvars.ContextVar[int | None] = contextvars.ContextVar("run_id", default=None)

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


@contextmanager
def crawl_context(source: str | None = None, run_id: int | None = None) -> Iterator[None]:
    """Bind a source key (and run id) to every log line of the current thread or task."""
    source_token = _SOURCE.set(source) if source is not None else None
    run_token = _RUN_ID.set(run_id) if run_id is not None else None
    try:
        yield
    finally:
        if run_token is not None:
            _RUN_ID.reset(run_token)
        if source_token is not None:
            _SOURCE.reset(source_token)


def bind_run_id(run_id: int) -> None:
    """Attach the run id once it is known (the run row is opened after the context starts)."""
    _RUN_ID.set(run_id)


_RUNS_BY_SOURCE: dict[str, int] = {}


def bind_source_run(source: str, run_id: int) -> None:
    """Within one crawl process many sources run at once: remember each one's run id."""
    _RUNS_BY_SOURCE[source] = run_id


class ContextFilter(logging.Filter):
    """Copy the source key and run id onto each record (unless given explicitly).

    They come from the bound context, or, for Scrapy's records, from the spider the record
    names (one spider crawls one source) and that source's run id.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "source", None) is None:
            spider = getattr(record, "spider", None) or getattr(
                getattr(record, "crawler", None), "spider", None
            )
            record.source = getattr(spider, "name", None) or _SOURCE.get()
        if getattr(record, "run_id", None) is None:
            source = getattr(record, "source", None)
            record.run_id = (_RUNS_BY_SOURCE.get(source) if source else None) or _RUN_ID.get()
        record.__dict__.pop("spider", None)
        record.__dict__.pop("crawler", None)
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "source", "run_id", ...extra}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "source": getattr(record, "source", None),
            "run_id": getattr(record, "run_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in payload:
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class HumanFormatter(logging.Formatter):
    """``12:00:01 info  [lever-acme#42] message`` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        source = getattr(record, "source", None)
        run_id = getattr(record, "run_id", None)
        tag = f" [{source}{f'#{run_id}' if run_id else ''}]" if source else ""
        line = f"{when} {record.levelname.lower():<7}{tag} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(
    level: int | str = logging.INFO,
    *,
    stream: IO[str] | None = None,
    json_lines: bool | None = None,
) -> logging.Handler:
    """Install one handler on the root logger: JSON lines unless ``stream`` is a terminal."""
    stream = stream if stream is not None else sys.stderr
    if json_lines is None:
        json_lines = not (hasattr(stream, "isatty") and stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if json_lines else HumanFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_aggregator", False)]:
        root.removeHandler(old)
    handler._aggregator = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler


_RELAYED_DROP = frozenset({"ts", "level", "logger", "msg", "exc"})


def relay_line(line: str, logger: logging.Logger) -> None:
    """Re-emit one line of a crawl child's output through our handler.

    A JSON line (the child used :class:`JsonFormatter`) keeps its level, logger, source, run id
    and extra fields; any other line (a traceback, a library's print) becomes an ``info``
    record under the current crawl context. Either way the scheduler's output stays one format.
    """
    text = line.rstrip("\r\n")
    if not text:
        return
    record: dict[str, Any] | None = None
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        record = parsed if isinstance(parsed, dict) else None
    if record is None:
        logger.info(text, extra={"stream": "child"})
        return
    level = logging.getLevelName(str(record.get("level", "info")).upper())
    target = logging.getLogger(str(record.get("logger") or logger.name))
    extra = {k: v for k, v in record.items() if k not in _RELAYED_DROP and k not in _STANDARD}
    message = str(record.get("msg", ""))
    if record.get("exc"):
        message += "\n" + str(record["exc"])
    target.log(level if isinstance(level, int) else logging.INFO, message, extra=extra)
