"""Sandbox throughput: requests/s over loopback from a separate process, as one JSON line.

Starts ``python -m aggregator.sandbox.cli --port 0`` (or targets ``--url``), warms every board's
listing once, then sends a bounded number of keep-alive GET requests from a few client threads.

    .venv/bin/python benchmarks/bench_sandbox.py --requests 5000 --clients 4 --scale 0.1
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit


def _targets(base: str) -> list[str]:
    """Every board's listing path, except kinds that need a POST body or credentials."""
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=60)
    conn.request("GET", "/_admin/boards")
    rows = json.loads(conn.getresponse().read())
    conn.close()
    skip = {"workday", "francetravail", "adzuna"}
    paths = []
    for row in rows:
        if row["kind"] not in skip:
            parts = urlsplit(row["url"])
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _client(netloc: str, paths: list[str], count: int, errors: list[int]) -> None:
    conn = http.client.HTTPConnection(netloc, timeout=60)
    for i in range(count):
        conn.request("GET", paths[i % len(paths)])
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            errors.append(response.status)


def run(base: str, requests: int, clients: int) -> dict[str, object]:
    """Warm the cache, then time ``requests`` GETs spread over ``clients`` connections."""
    netloc = urlsplit(base).netloc
    paths = _targets(base)
    warm: list[int] = []
    _client(netloc, paths, len(paths), warm)
    errors: list[int] = []
    per_client = max(1, requests // clients)
    threads = [
        threading.Thread(target=_client, args=(netloc, paths[i:] + paths[:i], per_client, errors))
        for i in range(clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    done = per_client * clients
    return {
        "bench": "sandbox",
        "requests": done,
        "clients": clients,
        "boards": len(paths),
        "seconds": round(seconds, 3),
        "requests_per_s": round(done / seconds, 1),
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="an already running sandbox (else one is started)")
    args = parser.parse_args()
    server = None
    base = args.url
    if base is None:
        command = [sys.executable, "-m", "aggregator.sandbox.cli", "--port", "0"]
        command += ["--scale", str(args.scale), "--seed", str(args.seed)]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        base = server.stdout.readline().strip().rsplit(" ", 1)[-1]
    try:
        print(json.dumps(run(base, args.requests, args.clients)))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
