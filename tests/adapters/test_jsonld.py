"""schema.org JobPosting career sites: sitemaps, and JSON-LD as real pages write it."""

from __future__ import annotations

import gzip

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.jsonld import parse
from spiders.parsers.ldjson import parse_block

KIND = "jsonld"
PAGE = "https://careers.example.org/jobs/1"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def _page(*blocks: str) -> bytes:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<!DOCTYPE html><html><head>{scripts}</head><body></body></html>".encode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1};', {"a": 1}),
        ('<!-- generated -->\n{"a": 1}', {"a": 1}),
        ('<!--\n{"a": 1}\n-->', {"a": 1}),
        ('// comment line\n/* block */ {"a": 1}', {"a": 1}),
        ('//<![CDATA[\n[{"a": 1}]\n//]]>', [{"a": 1}]),
        ('{"a": "line one\nline\ttwo"}', {"a": "line one\nline\ttwo"}),
    ],
)
def test_lenient_block_reading(text: str, expected: object) -> None:
    assert parse_block(text) == expected


def test_several_postings_without_identifier_get_distinct_ids() -> None:
    one = '{"@type": "JobPosting", "title": "A"}'
    result = parse(_page(f"[{one}, {one}]"), url=PAGE)
    assert [r.source_offer_id for r in result.records] == [PAGE, f"{PAGE}#2"]


def test_posting_nested_under_main_entity_and_full_type_url() -> None:
    block = (
        '{"@type": "WebPage", '
        '"mainEntity": {"@type": "http://schema.org/JobPosting", "title": "A", '
        '"identifier": [{"value": 77}]}}'
    )
    result = parse(_page(block), url=PAGE)
    assert [r.source_offer_id for r in result.records] == ["77"]


def test_unreadable_block_is_an_error_not_a_failure() -> None:
    result = parse(_page("{not json", '{"@type": "JobPosting", "title": "A"}'), url=PAGE)
    assert len(result.records) == 1
    assert len(result.errors) == 1 and "block 0" in result.errors[0]


def test_gzipped_sitemap() -> None:
    xml = (
        b'<?xml version="1.0"?>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<loc>https://ex.org/jobs/9</loc></url></urlset>"
    )
    result = parse(gzip.compress(xml), url="https://ex.org/sitemap.xml.gz")
    assert [(f.url, f.purpose) for f in result.follow] == [("https://ex.org/jobs/9", "detail")]


def test_sitemap_without_pattern_follows_every_url() -> None:
    xml = (
        b"<urlset><url><loc>https://ex.org/</loc></url><url>"
        b"<loc>https://ex.org/jobs/1</loc></url></urlset>"
    )
    assert len(parse(xml, url="https://ex.org/sitemap.xml").follow) == 2


@pytest.mark.parametrize(
    "body",
    [
        b'{"@type": "JobPosting"}',
        b"plain text",
        b'<rss version="2.0"><channel></channel></rss>',
        b"\x1f\x8b\x08\x00broken",
    ],
)
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=PAGE)
