"""Where the store lives: ``--db``, then ``AGGREGATOR_DATABASE_URL``, then the embedded default."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_ENV = "AGGREGATOR_DATABASE_URL"
HOME_ENV = "AGGREGATOR_HOME"
DEFAULT_DB_FILENAME = "aggregator.db"


def data_home() -> Path:
    """Folder for the embedded store and other local state: ``$AGGREGATOR_HOME`` or ``./var``."""
    return Path(os.environ.get(HOME_ENV) or "var")


def default_database_url() -> str:
    """The embedded default: a SQLite file in :func:`data_home`."""
    return f"sqlite:///{data_home() / DEFAULT_DB_FILENAME}"


def database_url(cli_value: str | None = None) -> str:
    """Resolve the database URL the way every command does."""
    return cli_value or os.environ.get(DATABASE_ENV) or default_database_url()
