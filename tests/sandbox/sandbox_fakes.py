"""A small deterministic stand-in market: one board per kind, hand-made varied postings.

The server tests use it to check each wire format on known values; the real market is
exercised separately (``test_server_market.py``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from aggregator.sandbox.model import BoardPosting, BoardSpec, TruthRow

EPOCH = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

KIND_OPTIONS: dict[str, dict[str, str]] = {
    "workday": {"site": "Careers"},
    "adzuna": {"country": "fr"},
    "feed": {"style": "wwr"},
    "jsonld": {"jsonld": "mixed"},
}
KINDS = (
    "greenhouse", "lever", "workable", "smartrecruiters", "recruitee", "ashby", "personio",
    "workday", "remoteok", "remotive", "jobicy", "himalayas", "arbeitnow", "francetravail",
    "adzuna", "feed", "xmlfeed", "jsonld", "jsonapi",
)  # fmt: skip


def make_boards() -> list[BoardSpec]:
    """One board per kind plus an Atom and a partner RSS feed board."""
    boards = [
        BoardSpec(
            key=f"t-{kind}",
            name=f"Test {kind.title()}",
            kind=kind,
            token=f"tok{kind}",
            language="fr",
            country="FR",
            page_size=4,
            options=KIND_OPTIONS.get(kind, {}),
        )
        for kind in KINDS
    ]
    boards.append(
        BoardSpec("t-atom", "Test Atom", "feed", "tokatom", "en", "GB", 4, {"style": "atom"})
    )
    boards.append(BoardSpec("t-rss", "Test RSS", "feed", "tokrss", "de", "DE", 4, {"style": "rss"}))
    return boards


_PLACES = [
    ("Paris 15e", "Paris", "75015", "Île-de-France", 48.8412, 2.3003),
    ("69003 Lyon", "Lyon", "69003", "Auvergne-Rhône-Alpes", 45.7597, 4.8422),
    ("Montpellier (34)", "Montpellier", "34000", "Occitanie", 43.6108, 3.8767),
    ("Ajaccio", "Ajaccio", "20000", "Corse", 41.9192, 8.7386),
    ("Télétravail", None, None, None, None, None),
]
_CONTRACTS = ["permanent", "fixed_term", "temporary", "apprenticeship", "freelance", "internship"]


def make_postings(board: str, count: int, tick: int) -> list[BoardPosting]:
    """``count`` postings for a board, newest first; ids are digits so numeric formats work."""
    out = []
    for i in range(count):
        label, city, pc, region, lat, lon = _PLACES[i % len(_PLACES)]
        posted = EPOCH + timedelta(days=tick) - timedelta(days=i * 3, hours=i)
        salary = i % 3 != 2
        out.append(
            BoardPosting(
                board=board,
                source_offer_id=str(1000 + i),
                vacancy_id=f"v{i:04d}",
                title=f"Développeur·se Python & Data n°{i} (H/F)",
                company="Maison Lumen & Fils SAS",
                description_html=(
                    f"<p>Rejoignez l&#39;équipe &amp; nos « projets » n°{i}.</p>"
                    "<ul><li>Python</li><li>SQL</li></ul>"
                ),
                location_text=label,
                city=city,
                postal_code=pc,
                region=region,
                country="FR",
                latitude=lat,
                longitude=lon,
                contract_type=_CONTRACTS[i % len(_CONTRACTS)],
                working_time="part_time" if i % 4 == 3 else "full_time",
                remote="remote" if city is None else ("hybrid" if i % 2 else "onsite"),
                salary_min=38000.0 + i if salary else None,
                salary_max=45000.0 + i if salary else None,
                salary_currency="EUR" if salary else None,
                salary_period="year" if salary else None,
                salary_text=f"{38 + i} - 45 k€ brut annuel" if salary else None,
                posted_at=posted,
                updated_at=posted + timedelta(hours=5),
                valid_through=posted + timedelta(days=60),
                language="fr",
            )
        )
    return out


class FakeMarket:
    """Same surface as the real Market: tick, now, advance, postings, truth, board."""

    def __init__(self, boards: list[BoardSpec], count: int = 10) -> None:
        self.boards = {b.key: b for b in boards}
        self.count = count
        self.tick = 0

    @property
    def now(self) -> datetime:
        return EPOCH + timedelta(days=self.tick)

    def advance(self, ticks: int = 1) -> None:
        self.tick += ticks

    def board(self, key: str) -> BoardSpec:
        return self.boards[key]

    def postings(self, board: str) -> list[BoardPosting]:
        # After a tick one posting closes and its title is edited on another.
        items = make_postings(board, self.count, self.tick)[self.tick :]
        if self.tick and items:
            items[0] = replace(items[0], title=items[0].title + " - urgent", updated_at=self.now)
        return items

    def truth(self) -> list[TruthRow]:
        return [
            TruthRow(p.board, p.source_offer_id, p.vacancy_id)
            for key in self.boards
            for p in self.postings(key)
        ]


def fetch(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request with the standard library: status, headers (lower-case), body."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()
