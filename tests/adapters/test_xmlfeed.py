"""Flat XML feeds: Indeed <source><job> with CDATA, Remotive partner <jobs><job>, safety."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from normalizers.mappings.base import SourceContext
from normalizers.mappings.xmlfeed import map_record
from spiders.parsers.base import NotOfThisKind
from spiders.parsers.xmlfeed import parse

KIND = "xmlfeed"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_renamed_fields_via_options() -> None:
    body = (
        b"<jobs><job><id>7</id><name>Chauffeur PL</name><employer>Transports Roux</employer>"
        b"<link>https://ex.org/7</link><dateSinceOnline>2024-12-01T00:00:00</dateSinceOnline>"
        b"</job></jobs>"
    )
    record = parse(body, url="https://ex.org/jobs.xml").records[0]
    ctx = SourceContext(
        source="t",
        kind=KIND,
        options={"fields": {"title": "name", "posted_at": ["dateSinceOnline"]}},
        now=None,
    )
    posting = map_record(record, ctx)
    assert posting is not None
    assert (posting.source_offer_id, posting.title, posting.company) == (
        "7",
        "Chauffeur PL",
        "Transports Roux",
    )
    assert (
        posting.posted_at is not None
        and posting.posted_at.isoformat() == "2024-12-01T00:00:00+00:00"
    )


def test_custom_item_tag_and_id_field() -> None:
    body = (
        b"<listing><entry><ref>R1</ref><title>A</title></entry><entry><title>B"
        b"</title></entry></listing>"
    )
    result = parse(body, url="u", options={"item_tag": "entry", "id_fields": ["ref"]})
    assert [r.source_offer_id for r in result.records] == ["R1"]
    assert result.errors == ["xmlfeed: item 1: none of ['ref']"]


def test_repeated_and_nested_elements() -> None:
    body = (
        b"<source><job><referencenumber>9</referencenumber><category>A"
        b"</category><category>B</category><indeed-apply-data><apiToken>t"
        b"</apiToken></indeed-apply-data></job></source>"
    )
    data = parse(body, url="u").records[0].data
    assert data["category"] == ["A", "B"]
    assert data["indeed-apply-data"] == {"apiToken": "t"}


@pytest.mark.parametrize(
    "body",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;">]><source><job><title>&lol2;</title></job>'
            b"</source>"
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x ['
            b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]><source><job><title>&xxe;'
            b"</title></job></source>"
        ),
    ],
)
def test_entity_declarations_are_refused(body: bytes) -> None:
    with pytest.raises(NotOfThisKind, match="entity"):
        parse(body, url="u")


@pytest.mark.parametrize(
    "body",
    [
        b'{"jobs": []}',
        b"<html><body>Not found</body></html>",
        b'<rss version="2.0"><channel></channel></rss>',
        b"<source><job>",
        b"",
    ],
)
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://ex.org/jobs.xml")
