"""The sandbox server: admin API, conditional GET, caching across ticks, determinism, loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sandbox_fakes import FakeMarket, fetch, make_boards

from aggregator.sandbox.server import LoopbackOnlyError, SandboxServer

GH = "/v1/boards/tokgreenhouse/jobs?content=true"


@pytest.fixture()
def server() -> Iterator[SandboxServer]:
    boards = make_boards()
    with SandboxServer(FakeMarket(boards, 8), boards=boards, seed=7, scale=0.5) as running:
        yield running


def test_admin_state_boards_and_truth(server: SandboxServer) -> None:
    status, _, body = fetch(server.url + "/_admin/state")
    state = json.loads(body)
    assert status == 200 and state["seed"] == 7 and state["scale"] == 0.5 and state["tick"] == 0
    assert state["faults"] == {}
    boards = json.loads(fetch(server.url + "/_admin/boards")[2])
    assert {"key", "name", "kind", "path", "language", "country"} <= set(boards[0])
    status, headers, body = fetch(server.url + "/_admin/truth")
    rows = [json.loads(line) for line in body.decode().splitlines()]
    assert headers["content-type"] == "application/x-ndjson"
    assert len(rows) == 8 * len(boards) and set(rows[0]) == {
        "board",
        "source_offer_id",
        "vacancy_id",
    }


def test_tick_moves_the_market_and_invalidates_the_cache(server: SandboxServer) -> None:
    before = json.loads(fetch(server.board_url("t-greenhouse") + GH)[2])
    status, _, body = fetch(server.url + "/_admin/tick", "POST", b"")
    assert status == 200 and json.loads(body)["tick"] == 1
    after = json.loads(fetch(server.board_url("t-greenhouse") + GH)[2])
    assert len(after["jobs"]) == len(before["jobs"]) - 1
    assert after["jobs"][0]["title"].endswith("urgent")
    status, _, body = fetch(server.url + "/_admin/tick?ticks=3", "POST")
    assert json.loads(body)["tick"] == 4
    assert json.loads(fetch(server.url + "/_admin/state")[2])["tick"] == 4


def test_conditional_get_answers_304_until_the_board_changes(server: SandboxServer) -> None:
    url = server.board_url("t-greenhouse") + GH
    status, headers, body = fetch(url)
    etag, modified = headers["etag"], headers["last-modified"]
    assert status == 200 and body
    status, _, body = fetch(url, headers={"If-None-Match": etag})
    assert status == 304 and body == b""
    status, _, _ = fetch(url, headers={"If-Modified-Since": modified})
    assert status == 304
    assert fetch(url, headers={"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    fetch(server.url + "/_admin/tick", "POST")
    status, headers, _ = fetch(url, headers={"If-None-Match": etag})
    assert status == 200 and headers["etag"] != etag
    sitemap = server.board_url("t-jsonld") + "/sitemap.xml"
    tag = fetch(sitemap)[1]["etag"]
    assert fetch(sitemap, headers={"If-None-Match": tag})[0] == 304
    feed = server.board_url("t-feed") + "/feed.rss"
    assert fetch(feed, headers={"If-Modified-Since": fetch(feed)[1]["last-modified"]})[0] == 304


def test_head_unknown_board_and_unknown_path(server: SandboxServer) -> None:
    status, headers, body = fetch(server.board_url("t-greenhouse") + GH, "HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    assert fetch(server.url + "/b/nope/api")[0] == 404
    assert fetch(server.board_url("t-remoteok") + "/not-here")[0] == 404
    assert fetch(server.url + "/_admin/nothing")[0] == 404


def test_same_market_same_bytes() -> None:
    boards = make_boards()
    bodies: list[list[bytes]] = []
    port = 0
    for _ in range(2):
        with SandboxServer(FakeMarket(boards, 6), boards=boards, port=port) as running:
            port = running.port  # links to the sandbox carry the port: keep it
            fetch(running.url + "/_admin/tick", "POST")
            bodies.append(
                [
                    fetch(running.board_url(b.key) + "/feed.atom")[2]
                    for b in boards
                    if b.kind == "feed"
                ]
            )
            bodies[-1].append(fetch(running.board_url("t-greenhouse") + GH)[2])
    assert bodies[0] == bodies[1]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(LoopbackOnlyError):
        SandboxServer(FakeMarket(make_boards()), boards=make_boards(), host=host)


def test_ipv6_loopback_and_clean_restart_on_same_port() -> None:
    boards = make_boards()
    first = SandboxServer(FakeMarket(boards), boards=boards).start()
    port = first.port
    assert fetch(first.url + "/_admin/state")[0] == 200
    first.stop()
    with SandboxServer(FakeMarket(boards), boards=boards, port=port) as again:
        assert fetch(again.url + "/_admin/state")[0] == 200
