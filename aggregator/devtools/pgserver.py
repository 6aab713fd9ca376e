"""A throwaway PostgreSQL server on 127.0.0.1, started from the Debian binaries.

Tests and benchmarks run the real PostgreSQL, never a stand-in. PostgreSQL refuses to run
as root, so when we are root the cluster belongs to the ``postgres`` system user (created by
Debian's package) and its commands run through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, newest version first; None if absent."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _version(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway cluster; :meth:`stop` removes it."""

    bindir: Path
    root: Path
    port: int
    user: str = "aggregator"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def _dsn(self, name: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={name}"

    def drop_database(self, name: str) -> None:
        """Remove a database (benchmarks drop each copy they measured)."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def dump(self, name: str, path: Path) -> None:
        """Write a database to ``path`` (``pg_dump``'s custom format), to restore it later."""
        subprocess.run(
            [str(self.bindir / "pg_dump"), "-Fc", "-f", str(path), self._dsn(name)],
            check=True,
            capture_output=True,
            text=True,
        )

    def restore(self, name: str, path: Path) -> None:
        """Fill an empty database from a :meth:`dump` and gather its planner statistics."""
        import psycopg

        subprocess.run(
            [str(self.bindir / "pg_restore"), "--no-owner", "-d", self._dsn(name), str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        with psycopg.connect(self._dsn(name), autocommit=True) as conn:
            conn.execute("ANALYZE")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-D", str(self.root / "data"), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(
    bindir: Path | None = None, *, durable: bool = False, settings: dict[str, str] | None = None
) -> PostgresServer:
    """Create and start a cluster with trust authentication on a free loopback port.

    ``durable=False`` (tests) turns fsync off; benchmarks pass ``durable=True``. ``settings``:
    more server settings (``shared_buffers``...).
    """
    bindir = bindir or find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="aggregator-pg-"))
    server = PostgresServer(bindir=bindir, root=root, port=_free_port())
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    server._run(
        "initdb",
        "-D",
        str(data),
        "-U",
        server.user,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    server_settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(server.port),
        "unix_socket_directories": str(root),
    }
    if not durable:
        server_settings.update(fsync="off", full_page_writes="off", synchronous_commit="off")
    server_settings.update(settings or {})
    options = " ".join(f"-c {name}={value}" for name, value in server_settings.items())
    server._run("pg_ctl", "start", "-D", str(data), "-w", "-l", str(root / "log"), "-o", options)
    return server
