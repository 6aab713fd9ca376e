"""Host-level endpoints of the sandbox: ``/robots.txt`` and the ``/_admin/...`` control API.

``POST /_admin/tick`` advances the market, ``GET /_admin/state`` shows seed, scale, epoch, tick
and faults, ``GET /_admin/truth`` streams ground truth as JSON lines, ``GET /_admin/boards`` lists
the boards, ``POST /_admin/faults`` switches faults on and ``DELETE /_admin/faults[/{board}]``
clears them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aggregator.sandbox.faults import FaultError, Outcome, make_fault
from aggregator.sandbox.render import entry_path
from aggregator.sandbox.render.base import json_bytes

if TYPE_CHECKING:
    from aggregator.sandbox.app import SandboxApp

JSON_TYPE = "application/json"


def _json(status: int, value: Any) -> Outcome:
    return Outcome(status=status, body=json_bytes(value), headers={"Content-Type": JSON_TYPE})


def boards_listing(app: SandboxApp) -> list[dict[str, str]]:
    """One row per board: what a client needs to find it."""
    return [
        {
            "key": s.key,
            "name": s.name,
            "kind": s.kind,
            "path": entry_path(s),
            "language": s.language,
            "country": s.country,
            "url": f"{app.base_url}/b/{s.key}{entry_path(s)}",
        }
        for s in app.boards.values()
    ]


def state(app: SandboxApp) -> dict[str, Any]:
    """Seed, scale, market clock (its epoch is tick 0) and active faults."""
    return {
        "seed": app.seed,
        "scale": app.scale,
        "epoch": (app.market.now - timedelta(days=app.market.tick)).isoformat(),
        "tick": app.market.tick,
        "now": app.market.now.isoformat(),
        "faults": app.faults.snapshot(),
    }


def _set_faults(app: SandboxApp, body: bytes) -> Outcome:
    try:
        payload = json.loads(body or b"null")
        entries = payload if isinstance(payload, list) else [payload]
        parsed = []
        for entry in entries:
            if not isinstance(entry, dict) or "board" not in entry or "kinds" not in entry:
                raise FaultError(
                    'expected {"board": KEY, "kinds": [KIND, ...]} (or a list of them)'
                )
            if entry["board"] not in app.boards:
                return _json(404, {"error": f"unknown board {entry['board']!r}"})
            options = {k: v for k, v in entry.items() if k not in ("board", "kinds")}
            parsed.append((entry["board"], make_fault(entry["kinds"], **options)))
    except (ValueError, FaultError) as error:
        return _json(400, {"error": str(error)})
    for board, fault in parsed:
        app.faults.set(board, fault)
    return _json(200, {"faults": app.faults.snapshot()})


def route(
    app: SandboxApp, method: str, path: str, query: dict[str, list[str]], body: bytes
) -> Outcome:
    """Answer a request outside ``/b/``."""
    if path == "/robots.txt" and method in ("GET", "HEAD"):
        return Outcome(
            200, app.faults.robots_txt().encode(), {"Content-Type": "text/plain; charset=utf-8"}
        )
    if path in ("/", "/_admin/boards") and method in ("GET", "HEAD"):
        return _json(200, boards_listing(app))
    if path == "/_admin/state" and method == "GET":
        return _json(200, state(app))
    if path == "/_admin/tick" and method == "POST":
        try:
            ticks = int(
                query.get("ticks", ["1"])[0] if not body else json.loads(body).get("ticks", 1)
            )
        except (ValueError, AttributeError):
            return _json(400, {"error": "ticks must be an integer"})
        if ticks < 0:
            return _json(400, {"error": "ticks must be >= 0"})
        return _json(200, {"tick": app.advance(ticks), "now": app.market.now.isoformat()})
    if path == "/_admin/truth" and method == "GET":
        rows = [
            json_bytes(
                {"board": r.board, "source_offer_id": r.source_offer_id, "vacancy_id": r.vacancy_id}
            )
            for r in app.market.truth()
        ]
        return Outcome(
            200,
            b"\n".join(rows) + (b"\n" if rows else b""),
            {"Content-Type": "application/x-ndjson"},
        )
    if path == "/_admin/faults":
        if method == "GET":
            return _json(200, {"faults": app.faults.snapshot()})
        if method == "POST":
            return _set_faults(app, body)
        if method == "DELETE":
            app.faults.clear()
            return _json(200, {"faults": {}})
    if path.startswith("/_admin/faults/") and method == "DELETE":
        board = path.rsplit("/", 1)[-1]
        cleared = app.faults.clear(board)
        return _json(200 if cleared else 404, {"cleared": cleared, "faults": app.faults.snapshot()})
    return _json(404, {"error": "not found"})
