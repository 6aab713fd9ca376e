"""``aggregator serve`` starts uvicorn with two workers and answers over real HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from aggregator.api.app import DB_ENV
from tests.api.conftest import fill


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_over_http(tmp_path: Path) -> None:
    """One backend is enough here: both are covered in-process by the other tests."""
    api_db = f"sqlite:///{tmp_path / 'store.db'}"
    fill(api_db)
    port = _free_port()
    code = (
        "import sys; from aggregator.commands.serve import serve; "
        "serve.main(sys.argv[1:], prog_name='aggregator serve')"
    )
    command = [sys.executable, "-c", code, "--db", api_db, "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={"PATH": "/usr/bin"}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if server.poll() is not None:
                pytest.fail(server.stdout.read().decode() if server.stdout else "server exited")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        body = httpx.get(f"{base}/offers", params={"q": "développeurs python"}, timeout=5).json()
        assert body["total"] == {"value": 6, "relation": "eq"}
        assert httpx.get(f"{base}/offers/nope", timeout=5).status_code == 404
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert DB_ENV  # the URL reaches the workers through this variable


def test_serve_refuses_a_missing_store(tmp_path: object) -> None:
    from click.testing import CliRunner

    from aggregator.commands.serve import serve
    from aggregator.errors import DatabaseUnavailable

    result = CliRunner().invoke(serve, ["--db", f"sqlite:///{tmp_path}/none.db"])
    assert isinstance(result.exception, DatabaseUnavailable)
    assert "aggregator db upgrade" in str(result.exception)
