"""RSS / Atom feeds: We Work Remotely titles, Atom paging, encoding-override bozo."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import split_company_title
from normalizers.mappings.feed import map_record
from spiders.parsers.base import NotOfThisKind
from spiders.parsers.feed import parse

KIND = "feed"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


@pytest.mark.parametrize(
    ("raw", "company", "title"),
    [
        ("Acme: Senior Dev", "Acme", "Senior Dev"),
        ("Fivetran : Technical Writer", "Fivetran", "Technical Writer"),
        ("Acme: Lead: Platform", "Acme", "Lead: Platform"),
        ("Growth Marketer", None, "Growth Marketer"),
        ("Ratio 3:1 Analyst", None, "Ratio 3:1 Analyst"),
        (": Orphan", None, ": Orphan"),
    ],
)
def test_split_company_title(raw: str, company: str | None, title: str) -> None:
    assert split_company_title(raw) == (company, title)


def test_company_element_wins_over_title_split() -> None:
    body = (
        b'<rss version="2.0" xmlns:job="https://example.org/ns/job"><channel><title>t</title>'
        b"<item><title>Stage : Assistant RH</title><link>https://ex.org/j/1</link>"
        b"<job:company>Maison Lumen</job:company><job:salary>1 200 EUR par mois</job:salary>"
        b"<job:postalCode>69003</job:postalCode></item></channel></rss>"
    )
    record = parse(body, url="https://ex.org/feed.rss").records[0]
    posting = map_record(record, SourceContext(source="t", kind=KIND, currency="EUR"))
    assert posting is not None
    assert (posting.company, posting.title) == ("Maison Lumen", "Stage : Assistant RH")
    assert posting.salary_raw == "1 200 EUR par mois"
    assert posting.postal_code == "69003"


def test_title_split_can_be_turned_off() -> None:
    body = (
        b'<rss version="2.0"><channel><item><title>Stage : Assistant RH</title>'
        b"<guid>g1</guid><link>https://ex.org/j/1</link></item></channel></rss>"
    )
    record = parse(body, url="https://ex.org/feed.rss").records[0]
    ctx = SourceContext(source="t", kind=KIND, options={"title_company_split": False})
    posting = map_record(record, ctx)
    assert posting is not None
    assert (posting.company, posting.title) == (None, "Stage : Assistant RH")


def test_entry_without_guid_or_link_is_an_item_error() -> None:
    body = (
        b'<rss version="2.0"><channel><item><title>No id</title></item><item>'
        b"<title>Ok</title><guid>x-1</guid></item></channel></rss>"
    )
    result = parse(body, url="https://ex.org/feed.rss")
    assert [r.source_offer_id for r in result.records] == ["x-1"]
    assert result.errors == ["feed: item 0: no guid and no link"]


def test_malformed_feed_keeps_entries_and_reports() -> None:
    body = (
        b'<rss version="2.0"><channel><item><title>A & B</title><guid>a</guid>'
        b"</item></channel></rss>"
    )
    result = parse(body, url="https://ex.org/feed.rss")
    assert [r.source_offer_id for r in result.records] == ["a"]
    assert len(result.errors) == 1 and "malformed" in result.errors[0]


@pytest.mark.parametrize(
    "body", [b'{"jobs": []}', b"<html><head><title>502 Bad Gateway</title></head></html>", b"  "]
)
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://ex.org/feed.rss")
