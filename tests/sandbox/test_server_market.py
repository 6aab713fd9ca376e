"""The server over the real market: every board of BOARDS is crawled to its last page.

Each kind is paged the way its real API pages (offsets, skip/limit, next links, ranges, sitemaps),
and the ids found must be exactly the market's open postings for that board.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import feedparser
import pytest
from sandbox_fakes import fetch

from aggregator.sandbox.boards import BOARDS
from aggregator.sandbox.market import Market
from aggregator.sandbox.model import BoardSpec
from aggregator.sandbox.render import entry_path
from aggregator.sandbox.render.adzuna import credentials as adzuna_credentials
from aggregator.sandbox.render.base import BoardView
from aggregator.sandbox.render.francetravail import credentials as ft_credentials
from aggregator.sandbox.server import SandboxServer

SCALE = 0.15
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Market(seed=5, scale=SCALE), seed=5, scale=SCALE) as running:
        yield running


def _json(url: str, **kw: Any) -> Any:
    status, _, body = fetch(url, **kw)
    assert status == 200, (url, status, body[:200])
    return json.loads(body)


def _offset_pages(url: str, step: int, items: str, total: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    offset = 0
    while True:
        sep = "&" if "?" in url else "?"
        data = _json(f"{url}{sep}limit={step}&offset={offset}")
        assert isinstance(data, dict)
        found += data[items]
        offset += step
        if offset >= data[total]:
            return found


def _next_links(
    url: str | None, items: str, follow: Callable[[Any], str | None]
) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    while url:
        data = _json(url)
        assert isinstance(data, dict)
        found += data[items]
        url = follow(data)
    return found


def crawl(server: SandboxServer, spec: BoardSpec) -> list[str]:
    """Every offer id a client can reach on the board, paging like the real client does."""
    root = server.board_url(spec.key)
    entry = root + entry_path(spec)
    kind = spec.kind
    if kind == "greenhouse":
        return [str(j["id"]) for j in _json(entry)["jobs"]]
    if kind == "lever":
        ids, skip = [], 0
        while True:
            page = _json(f"{entry}&skip={skip}&limit={spec.page_size}")
            assert isinstance(page, list)
            ids += [p["id"] for p in page]
            if len(page) < spec.page_size:
                return ids
            skip += spec.page_size
    if kind == "workable":
        return [j["shortcode"] for j in _json(entry)["jobs"]]
    if kind == "smartrecruiters":
        url = entry.split("?")[0]
        return [str(c["id"]) for c in _offset_pages(url, 100, "content", "totalFound")]
    if kind == "recruitee":
        return [str(o["id"]) for o in _json(entry)["offers"]]
    if kind == "ashby":
        return [j["id"] for j in _json(entry)["jobs"]]
    if kind == "personio":
        return [p.findtext("id") or "" for p in ET.fromstring(fetch(entry)[2]).findall("position")]
    if kind == "workday":
        ids, offset = [], 0
        while True:
            body = json.dumps(
                {"appliedFacets": {}, "limit": 20, "offset": offset, "searchText": ""}
            )
            data = _json(entry, method="POST", body=body.encode())
            assert isinstance(data, dict)
            ids += [j["bulletFields"][0] for j in data["jobPostings"]]
            offset += 20
            if offset >= data["total"]:
                return ids
    if kind == "remoteok":
        return [j["id"] for j in _json(entry)[1:]]
    if kind == "remotive":
        return [str(j["id"]) for j in _json(entry)["jobs"]]
    if kind == "jobicy":
        return [str(j["id"]) for j in _json(entry)["jobs"]]
    if kind == "himalayas":
        url = entry.split("?")[0]
        return [str(j["guid"]) for j in _offset_pages(url, 20, "jobs", "totalCount")]
    if kind == "arbeitnow":
        return [str(j["slug"]) for j in _next_links(entry, "data", lambda d: d["links"]["next"])]
    if kind == "jsonapi":
        return [str(j["id"]) for j in _next_links(entry, "data", lambda d: d["next"])]
    if kind == "francetravail":
        return _crawl_france_travail(server, spec)
    if kind == "adzuna":
        app_id, app_key = adzuna_credentials(BoardView(spec, [], server.app.market.now, root))
        ids, number = [], 1
        while True:
            url = entry.replace("/search/1?", f"/search/{number}?")
            data = _json(f"{url}&app_id={app_id}&app_key={app_key}")
            assert isinstance(data, dict)
            ids += [r["id"] for r in data["results"]]
            if number * 50 >= data["count"]:
                return ids
            number += 1
    if kind == "feed":
        parsed = feedparser.parse(fetch(entry)[2])
        assert not parsed.bozo, (spec.key, parsed.get("bozo_exception"))
        return [e.get("guid") or e.get("id") or e.link for e in parsed.entries]
    if kind == "xmlfeed":
        return [
            j.findtext("referencenumber") or "" for j in ET.fromstring(fetch(entry)[2]).iter("job")
        ]
    if kind == "jsonld":
        urls = ET.fromstring(fetch(entry)[2]).findall("s:url/s:loc", SITEMAP)
        return [(u.text or "").rsplit("/", 1)[-1] for u in urls]
    raise AssertionError(f"no crawler for {kind}")


def _crawl_france_travail(server: SandboxServer, spec: BoardSpec) -> list[str]:
    root = server.board_url(spec.key)
    client_id, secret = ft_credentials(BoardView(spec, [], server.app.market.now, root))
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    token_url = root + "/connexion/oauth2/access_token?realm=/partenaire"
    token = _json(token_url, method="POST", body=urlencode(form).encode())
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    ids: list[str] = []
    start = 0
    while True:
        url = f"{root}/partenaire/offresdemploi/v2/offres/search?range={start}-{start + 149}"
        status, headers, body = fetch(url, headers=auth)
        if status == 204:
            return ids
        assert status in (200, 206)
        ids += [o["id"] for o in json.loads(body)["resultats"]]
        total = int(headers["content-range"].rsplit("/", 1)[1])
        start += 150
        if start >= total:
            return ids


def _matches(found: list[str], expected: set[str]) -> set[str]:
    """Ids found, resolving the kinds that embed the id in a slug, URL or URN."""
    resolved = set()
    for item in found:
        if item in expected:
            resolved.add(item)
            continue
        tail = re.split(r"[-:/]", item)[-1]
        resolved.add(tail if tail in expected else item)
    return resolved


@pytest.mark.parametrize("spec", BOARDS, ids=[b.key for b in BOARDS])
def test_every_board_is_crawled_to_its_last_page(server: SandboxServer, spec: BoardSpec) -> None:
    expected = {p.source_offer_id for p in server.app.market.postings(spec.key)}
    found = crawl(server, spec)
    if spec.kind == "jobicy":  # the real API caps ``count`` at 50
        assert len(found) == min(50, len(expected)) and _matches(found, expected) <= expected
        return
    assert len(found) == len(expected)
    assert _matches(found, expected) == expected


def test_truth_endpoint_matches_the_market(server: SandboxServer) -> None:
    rows = [json.loads(line) for line in fetch(server.url + "/_admin/truth")[2].splitlines()]
    market = server.app.market
    assert len(rows) == sum(len(market.postings(b.key)) for b in BOARDS)
    keys = {(r["board"], r["source_offer_id"]) for r in rows}
    assert all((b.key, p.source_offer_id) in keys for b in BOARDS for p in market.postings(b.key))


def test_jsonld_pages_of_the_market_are_valid(server: SandboxServer) -> None:
    for spec in (b for b in BOARDS if b.kind == "jsonld"):
        urls = ET.fromstring(fetch(server.board_url(spec.key) + "/sitemap.xml")[2])
        for loc in urls.findall("s:url/s:loc", SITEMAP)[:3]:
            page = fetch(loc.text or "")[2].decode()
            blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
            text = json.dumps([json.loads(b, strict=False) for b in blocks])
            assert '"@type": "JobPosting"' in text and '"datePosted"' in text, spec.key


def test_same_seed_same_bytes_across_servers() -> None:
    picks = [b for b in BOARDS if b.kind in ("greenhouse", "xmlfeed", "jsonapi", "feed")][:6]
    bodies: list[list[bytes]] = []
    port = 0
    for _ in range(2):
        with SandboxServer(Market(seed=9, scale=0.05), port=port) as running:
            port = running.port
            fetch(running.url + "/_admin/tick?ticks=2", "POST")
            bodies.append([fetch(running.board_url(b.key) + entry_path(b))[2] for b in picks])
    assert bodies[0] == bodies[1] and all(bodies[0])
