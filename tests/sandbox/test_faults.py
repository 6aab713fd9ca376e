"""Faults switched on per board happen on that board only, and clear as asked."""

from __future__ import annotations

import http.client
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
from sandbox_fakes import FakeMarket, fetch, make_boards

from aggregator.sandbox.faults import KINDS, FaultError, make_fault, parse_fault_arg
from aggregator.sandbox.server import SandboxServer

GH = "/v1/boards/tokgreenhouse/jobs?content=true"
LEVER = "/v0/postings/toklever?mode=json"


@pytest.fixture()
def server() -> Iterator[SandboxServer]:
    boards = make_boards()
    with SandboxServer(FakeMarket(boards, 8), boards=boards) as running:
        yield running


def switch(server: SandboxServer, board: str, kinds: list[str], **options: Any) -> dict[str, Any]:
    body = json.dumps({"board": board, "kinds": kinds, **options}).encode()
    status, _, reply = fetch(server.url + "/_admin/faults", "POST", body)
    assert status == 200, reply
    return dict(json.loads(reply))


def healthy(server: SandboxServer) -> bool:
    status, _, body = fetch(server.board_url("t-lever") + LEVER)
    return status == 200 and len(json.loads(body)) == 8


@pytest.mark.parametrize("kind,status", [("http_500", 500), ("http_503", 503), ("http_429", 429)])
def test_error_statuses_hit_only_their_board(server: SandboxServer, kind: str, status: int) -> None:
    switch(server, "t-greenhouse", [kind], retry_after=7)
    got, headers, _ = fetch(server.board_url("t-greenhouse") + GH)
    assert got == status
    if status in (429, 503):
        assert headers["retry-after"] == "7"
    assert healthy(server)
    assert fetch(server.url + "/_admin/faults/t-greenhouse", "DELETE")[0] == 200
    assert fetch(server.board_url("t-greenhouse") + GH)[0] == 200


def test_fault_for_the_first_n_requests_only(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["http_503"], count=2)
    statuses = [fetch(server.board_url("t-greenhouse") + GH)[0] for _ in range(4)]
    assert statuses == [503, 503, 200, 200]
    assert json.loads(fetch(server.url + "/_admin/state")[2])["faults"] == {}


def test_timeout_never_answers_in_time(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["timeout"], hang=5)
    with pytest.raises((socket.timeout, TimeoutError)):
        fetch(server.board_url("t-greenhouse") + GH, timeout=0.3)
    assert healthy(server)


def test_slow_still_answers(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["slow"], delay=0.05)
    status, _, body = fetch(server.board_url("t-greenhouse") + GH)
    assert status == 200 and len(json.loads(body)["jobs"]) == 8


def test_truncated_body_breaks_the_declared_length(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["truncated"])
    with pytest.raises(http.client.IncompleteRead):
        fetch(server.board_url("t-greenhouse") + GH)
    assert healthy(server)


def test_malformed_json_and_xml(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["malformed"])
    switch(server, "t-personio", ["malformed"])
    _status, _, body = fetch(server.board_url("t-greenhouse") + GH)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    with pytest.raises(ET.ParseError):
        ET.fromstring(fetch(server.board_url("t-personio") + "/xml")[2])
    assert healthy(server)


def test_wrong_declared_encoding_and_mojibake(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["encoding"])
    switch(server, "t-rss", ["encoding"])
    _, headers, body = fetch(server.board_url("t-greenhouse") + GH)
    assert "ISO-8859-1" in headers["content-type"]
    assert "DÃ©veloppeur" in json.loads(body)["jobs"][0]["title"]
    _status, headers, body = fetch(server.board_url("t-rss") + "/feed.rss")
    assert b'encoding="ISO-8859-1"' in body[:60]
    parsed = feedparser.parse(body)
    assert "Ã" in parsed.entries[0].title


def test_robots_txt_disallows_the_board(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["robots"])
    robots = RobotFileParser()
    robots.parse(fetch(server.url + "/robots.txt")[2].decode().splitlines())
    assert not robots.can_fetch("aggregator", server.board_url("t-greenhouse") + GH)
    assert robots.can_fetch("aggregator", server.board_url("t-lever") + LEVER)
    fetch(server.url + "/_admin/faults", "DELETE")
    robots = RobotFileParser()
    robots.parse(fetch(server.url + "/robots.txt")[2].decode().splitlines())
    assert robots.can_fetch("aggregator", server.board_url("t-greenhouse") + GH)


def test_endless_pagination(server: SandboxServer) -> None:
    switch(server, "t-jsonapi", ["loop"])
    switch(server, "t-smartrecruiters", ["loop"])
    url = server.board_url("t-jsonapi") + "/api/jobs?page=1"
    for _ in range(12):
        data = json.loads(fetch(url)[2])
        assert data["data"] and data["next"]
        url = data["next"]
    path = "/v1/companies/toksmartrecruiters/postings?limit=4&offset=400"
    data = json.loads(fetch(server.board_url("t-smartrecruiters") + path)[2])
    assert data["content"] and data["totalFound"] > 404
    assert healthy(server)


def test_empty_list_and_changed_layout(server: SandboxServer) -> None:
    switch(server, "t-greenhouse", ["empty"])
    switch(server, "t-remoteok", ["layout"])
    data = json.loads(fetch(server.board_url("t-greenhouse") + GH)[2])
    assert data == {"jobs": [], "meta": {"total": 0}}
    jobs = json.loads(fetch(server.board_url("t-remoteok") + "/api")[2])[1:]
    assert jobs and all("position" not in j and "title" in j for j in jobs)
    assert healthy(server)


def test_faults_from_the_start_and_admin_errors() -> None:
    boards = make_boards()
    assert parse_fault_arg("t-lever=http_500,slow")[1].kinds == {"http_500", "slow"}
    board, fault = parse_fault_arg("t-lever=http_500")
    with SandboxServer(FakeMarket(boards), boards=boards, faults={board: fault}) as running:
        assert fetch(running.board_url("t-lever") + LEVER)[0] == 500
        state = json.loads(fetch(running.url + "/_admin/state")[2])
        assert state["faults"]["t-lever"]["kinds"] == ["http_500"]
        bad = json.dumps({"board": "t-lever", "kinds": ["explode"]}).encode()
        assert fetch(running.url + "/_admin/faults", "POST", bad)[0] == 400
        unknown = json.dumps({"board": "nope", "kinds": ["http_500"]}).encode()
        assert fetch(running.url + "/_admin/faults", "POST", unknown)[0] == 404
        assert fetch(running.url + "/_admin/faults/t-greenhouse", "DELETE")[0] == 404


def test_fault_parsing() -> None:
    assert set(KINDS) >= {"http_500", "timeout", "truncated", "robots", "loop", "layout"}
    with pytest.raises(FaultError):
        parse_fault_arg("no-equals-sign")
    with pytest.raises(FaultError):
        make_fault("http_500,bogus")
    assert make_fault(["slow"], delay="0.5", count=3).describe()["count"] == 3
