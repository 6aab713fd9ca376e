"""Errors a user can act on: the CLI prints them as one line, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """An expected failure with a message meant for the person at the terminal."""

    exit_code = 2


class DatabaseUnavailable(UserError):
    """The store cannot be opened or reached (bad URL, server down, permissions)."""
