"""Sandbox round trip for the job-board, feed and generic kinds: render each wire format from
known postings with the sandbox renderers, crawl it back through the kind's parser (following
its pages, sitemaps and detail pages), map the records, and compare with what was rendered.
Catches drift between the emulated boards and the adapters that read them.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from normalizers.problems import ProblemLog
from spiders.parsers import get_parser

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:8765/b/board"
PLACES = [
    ("75015 Paris", "Paris", "75015", "Île-de-France", "FR", "remote"),
    ("Lyon 3e", "Lyon", "69003", "Auvergne-Rhône-Alpes", "FR", "hybrid"),
    ("Montpellier (34)", "Montpellier", "34000", "Occitanie", "FR", "onsite"),
]
SALARY = ("salary_min", "salary_max", "salary_currency", "salary_period")
PLACE = ("city", "postal_code", "region", "country")


@dataclass(frozen=True)
class Board:
    kind: str
    options: dict[str, str]
    fields: tuple[str, ...]  # the fields this format carries and the mapping must read back


JSONLD_FIELDS = ("company", *PLACE, "working_time", *SALARY, "valid_through", "language")
BOARDS = {
    "remoteok": Board("remoteok", {}, ("company", *PLACE, "salary_min", "salary_max")),
    "remotive": Board("remotive", {}, ("company", *PLACE, *SALARY, "language")),
    "jobicy": Board("jobicy", {}, ("company", *PLACE, *SALARY)),
    "himalayas": Board("himalayas", {}, ("company", "country", *SALARY, "valid_through")),
    "arbeitnow": Board("arbeitnow", {}, ("company", *PLACE, "contract_type", "working_time")),
    "feed-wwr": Board("feed", {"style": "wwr"}, (*PLACE, "valid_through", "language")),
    "feed-rss": Board(
        "feed",
        {"style": "rss"},
        ("company", *PLACE, "contract_type", "working_time", "remote", *SALARY, "valid_through"),
    ),
    "feed-atom": Board(
        "feed",
        {"style": "atom"},
        ("company", *PLACE, "contract_type", "working_time", "remote", *SALARY, "valid_through"),
    ),
    "xmlfeed": Board("xmlfeed", {}, ("company", *PLACE, "contract_type", *SALARY, "valid_through")),
    "jsonld-mixed": Board("jsonld", {"jsonld": "mixed"}, JSONLD_FIELDS),
    "jsonld-graph": Board("jsonld", {"jsonld": "graph"}, JSONLD_FIELDS),
    "jsonld-list": Board("jsonld", {"jsonld": "list"}, JSONLD_FIELDS),
    "jsonld-multi": Board("jsonld", {"jsonld": "multi"}, JSONLD_FIELDS),
    "jsonld-control": Board("jsonld", {"jsonld": "control"}, JSONLD_FIELDS),
    "jsonapi": Board(
        "jsonapi",
        {},
        ("company", *PLACE, "contract_type", "working_time", "remote", *SALARY, "valid_through"),
    ),
}


def board_postings(key: str, count: int) -> list[BoardPosting]:
    """Varied postings: three places and remote modes, three contracts, a salary each."""
    postings = []
    for i in range(count):
        label, city, postal, region, country, remote = PLACES[i % len(PLACES)]
        postings.append(
            BoardPosting(
                board=key,
                source_offer_id=str(4100 + i),
                vacancy_id=f"v{i}",
                title=f"Technicien de maintenance n°{i} (H/F)",
                company="Maison Lumen",
                description_html=f"<p>Maintenance préventive et curative, poste n°{i}.</p>",
                location_text=label,
                city=city,
                postal_code=postal,
                region=region,
                country=country,
                latitude=None,
                longitude=None,
                contract_type=("permanent", "fixed_term", "apprenticeship")[i % 3],
                working_time="full_time",
                remote=remote,
                salary_min=32000.0 + 1000 * i,
                salary_max=38000.0 + 1000 * i,
                salary_currency="EUR",
                salary_period="year",
                salary_text=f"{32 + i} 000 - {38 + i} 000 € brut annuel",
                posted_at=NOW - timedelta(days=i + 1, hours=3),
                updated_at=NOW - timedelta(days=i),
                valid_through=NOW + timedelta(days=30 - i),
                language="fr",
            )
        )
    return postings


def _request(url: str) -> Request:
    parts = urlsplit(url)
    path = parts.path.removeprefix(urlsplit(BASE).path)
    return Request(method="GET", path=path or "/", query=parse_qs(parts.query))


def crawl(label: str, count: int = 7) -> tuple[list[Posting], list[BoardPosting], int]:
    """Everything a spider would collect from the rendered board, mapped; and the request count."""
    board = BOARDS[label]
    spec = BoardSpec("board", "Board", board.kind, "maisonlumen", "fr", "FR", 3, board.options)
    truth = board_postings(spec.key, count)
    view = BoardView(spec=spec, postings=truth, now=NOW, base_url=BASE)
    parser, mapping = get_parser(board.kind), get_mapping(board.kind)
    ctx = SourceContext(
        source="sandbox-board",
        kind=board.kind,
        country="FR",
        language="fr",
        currency="EUR",
        base_url=BASE,
        now=NOW,
        problems=ProblemLog(),
    )
    queue, seen, postings = [BASE + entry_path(spec)], set(), []
    while queue:
        url = queue.pop(0)
        assert url not in seen, f"loop on {url}"
        seen.add(url)
        reply = RENDERERS[board.kind].handle(view, _request(url))
        assert reply.status == 200, (url, reply.status)
        result = parser.parse(reply.body, url=url, headers={"content-type": reply.content_type})
        assert result.errors == []
        queue.extend(follow.url for follow in result.follow)
        for record in result.records:
            posting = mapping.map_record(record, ctx)
            assert posting is not None, (record.source_offer_id, ctx.problems.samples())
            postings.append(posting)
    return postings, truth, len(seen)


@pytest.mark.parametrize("label", sorted(BOARDS))
def test_every_rendered_offer_comes_back_once(label: str) -> None:
    postings, truth, _ = crawl(label)
    assert len(postings) == len(truth)
    assert len({p.source_offer_id for p in postings}) == len(truth)


@pytest.mark.parametrize("label", ["arbeitnow", "jsonapi", "jsonld-mixed"])
def test_paged_and_sitemap_boards_need_several_requests(label: str) -> None:
    _, truth, requests = crawl(label)
    assert requests > 1
    if label.startswith("jsonld"):
        assert requests == len(truth) + 1  # the sitemap, then one page per offer


@pytest.mark.parametrize("label", sorted(BOARDS))
def test_fields_survive_the_round_trip(label: str) -> None:
    postings, truth, _ = crawl(label)
    by_title = {t.title: t for t in truth}
    for posting in postings:
        expected = by_title.get(posting.title)
        assert expected is not None, f"title {posting.title!r} not rendered"
        assert "Maintenance préventive" in posting.description
        assert posting.posted_at is not None
        assert abs(posting.posted_at - expected.posted_at) < timedelta(seconds=1)
        actual: dict[str, Any] = posting.to_record()
        for field in BOARDS[label].fields:
            want: Any = getattr(expected, field)
            if isinstance(want, datetime):
                assert actual[field] is not None, field
                got = datetime.fromisoformat(actual[field])
                assert abs(got - want) < timedelta(days=1), field  # some formats give a date
            else:
                assert actual[field] == want, (field, posting.source_offer_id)
