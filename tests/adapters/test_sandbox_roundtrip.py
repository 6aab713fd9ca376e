"""Sandbox round trip: each ATS/API kind rendered by the sandbox renderers, crawled back
through the parser's own follow-ups (pages, details, splits) and mapped.

The postings are built here (the market is another engineer's); what is checked is that
every offer is reached and that the fields the format carries come back as published.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from aggregator.sandbox.model import BoardPosting, BoardSpec
from aggregator.sandbox.render import RENDERERS, entry_path
from aggregator.sandbox.render.base import BoardView, Request
from aggregator.schema import Posting
from normalizers.mappings import get_mapping
from normalizers.mappings.base import SourceContext
from spiders.parsers import get_parser
from spiders.parsers.base import FollowUp, RawRecord

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=UTC)
ROOT = "http://127.0.0.1:8765"
KINDS = (
    "greenhouse",
    "lever",
    "workable",
    "smartrecruiters",
    "recruitee",
    "ashby",
    "personio",
    "workday",
    "adzuna",
    "francetravail",
)
PLACES = [
    ("Lyon", "69003", "Auvergne-Rhône-Alpes", 45.7597, 4.8422),
    ("Nantes", "44000", "Pays de la Loire", 47.2184, -1.5536),
    ("Bordeaux", "33000", "Nouvelle-Aquitaine", 44.8378, -0.5792),
]
CONTRACTS = ["permanent", "fixed_term", "permanent"]


def _posting(board: str, index: int) -> BoardPosting:
    city, postal, region, lat, lon = PLACES[index % len(PLACES)]
    posted = NOW - timedelta(days=index % 20, hours=3)
    return BoardPosting(
        board=board,
        source_offer_id=str(41000 + index),
        vacancy_id=f"v{index}",
        title=f"Technicien de maintenance industrielle n°{index}",
        company="Maison Lumen",
        description_html=(
            "<p>Maison Lumen recrute un technicien de maintenance pour son site de production. "
            "Vous assurez la maintenance préventive et curative des équipements.</p>"
        ),
        location_text=f"{city} ({postal[:2]})",
        city=city,
        postal_code=postal,
        region=region,
        country="FR",
        latitude=lat,
        longitude=lon,
        contract_type=CONTRACTS[index % len(CONTRACTS)],
        working_time="full_time",
        remote=None,
        salary_min=32000.0,
        salary_max=38000.0,
        salary_currency="EUR",
        salary_period="year",
        salary_text="32 000 € - 38 000 € brut annuel",
        posted_at=posted,
        updated_at=posted,
        valid_through=None,
        language="fr",
    )


def _spec(kind: str, count: int) -> BoardSpec:
    return BoardSpec(
        key=f"sb-{kind}",
        name="Maison Lumen",
        kind=kind,
        token="lumen",
        language="fr",
        country="FR",
        page_size=7,
    )


def _request(view: BoardView, follow: FollowUp) -> Request:
    parts = urlsplit(follow.url)
    path = parts.path.removeprefix(urlsplit(view.base_url).path)
    headers = {k.lower(): v for k, v in follow.headers.items()}
    if view.spec.kind == "francetravail":
        from aggregator.sandbox.render.francetravail import access_token

        headers["authorization"] = f"Bearer {access_token(view)}"
    return Request(follow.method, path, parse_qs(parts.query), follow.body or b"", headers)


def crawl(
    view: BoardView, limit: int = 600, visited: list[str] | None = None
) -> Iterator[tuple[RawRecord, int]]:
    """Every record reached from the board's entry by following the parser's follow-ups."""
    kind = view.spec.kind
    renderer, parser = RENDERERS[kind], get_parser(kind)
    start = FollowUp(view.base_url + entry_path(view.spec), "page")
    if kind == "workday":
        start.method = "POST"
    if kind == "adzuna":
        from aggregator.sandbox.render.adzuna import DEFAULT_APP_ID, DEFAULT_APP_KEY

        start.url += f"&app_id={DEFAULT_APP_ID}&app_key={DEFAULT_APP_KEY}"
    queue, seen = [start], 0
    while queue:
        follow = queue.pop(0)
        seen += 1
        if visited is not None:
            visited.append(follow.url)
        assert seen <= limit, "follow-ups do not end"
        reply = renderer.handle(view, _request(view, follow))
        assert reply.status < 300, (follow.url, reply.status, reply.body[:200])
        result = parser.parse(reply.body, url=follow.url, headers=reply.headers)
        assert result.errors == []
        yield from ((record, seen) for record in result.records)
        queue.extend(result.follow)


def _mapped(kind: str, count: int) -> tuple[list[BoardPosting], dict[str, Posting]]:
    spec = _spec(kind, count)
    truth = [_posting(spec.key, i) for i in range(count)]
    view = BoardView(spec, truth, NOW, base_url=f"{ROOT}/b/{spec.key}")
    ctx = SourceContext(
        source=spec.key,
        kind=kind,
        country="FR",
        language="fr",
        timezone="Europe/Paris",
        currency="EUR",
        now=NOW,
        options={"company": spec.name},
    )
    records: dict[str, RawRecord] = {}
    for record, _ in crawl(view):
        records[record.source_offer_id] = record  # a detail replaces its listing record
    mapping = get_mapping(kind)
    postings = [mapping.map_record(record, ctx) for record in records.values()]
    by_title = {p.title: p for p in postings if p is not None}
    return truth, by_title


@pytest.fixture(scope="module", params=KINDS)
def roundtrip(request: pytest.FixtureRequest) -> tuple[str, list[BoardPosting], dict[str, Posting]]:
    kind: str = request.param
    truth, postings = _mapped(kind, 17)
    return kind, truth, postings


def test_every_offer_is_reached(roundtrip: Any) -> None:
    _, truth, postings = roundtrip
    assert set(postings) == {p.title for p in truth}


@pytest.mark.parametrize("field", ["company", "country", "url"])
def test_core_fields_come_back(roundtrip: Any, field: str) -> None:
    _, truth, postings = roundtrip
    for expected in truth:
        got = postings[expected.title]
        if field == "url":
            assert got.url.startswith("http")
        else:
            assert getattr(got, field) == getattr(expected, field), got.source_offer_id


def test_posting_dates_come_back_within_a_day(roundtrip: Any) -> None:
    _, truth, postings = roundtrip
    for expected in truth:
        got = postings[expected.title].posted_at
        assert got is not None and abs(got - expected.posted_at) <= timedelta(days=1)


@pytest.mark.parametrize("field", ["salary_min", "salary_max", "salary_currency", "salary_period"])
def test_salaries_come_back(roundtrip: Any, field: str) -> None:
    """Structured where the format has a salary field, else from the ad's pay sentence."""
    _, truth, postings = roundtrip
    for expected in truth:
        got = getattr(postings[expected.title], field)
        assert (got.value if hasattr(got, "value") else got) == getattr(expected, field)


def test_cities_come_back(roundtrip: Any) -> None:
    _, truth, postings = roundtrip
    assert [postings[p.title].city for p in truth] == [p.city for p in truth]


def test_france_travail_over_the_cap_is_split_and_complete() -> None:
    """3,400 offers, 3,200 in one département and some abroad: date windows reach them all."""
    spec = _spec("francetravail", 3400)
    truth = [
        dataclasses.replace(
            _posting(spec.key, i),
            postal_code="69003" if i < 3200 else ("44000" if i < 3350 else None),
            posted_at=NOW - timedelta(hours=i * 3),
        )
        for i in range(3400)
    ]
    view = BoardView(spec, truth, NOW, base_url=f"{ROOT}/b/{spec.key}")
    visited: list[str] = []
    reached = {record.source_offer_id for record, _ in crawl(view, limit=2000, visited=visited)}
    assert len(reached) == 3400
    queries = [parse_qs(urlsplit(url).query) for url in visited]
    assert any("minCreationDate" in q for q in queries)
    assert not any("departement" in q for q in queries)
