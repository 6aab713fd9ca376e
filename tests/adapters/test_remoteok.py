"""RemoteOK: the real 2024-12-04 response (legal notice first, 98 jobs)."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params, mapped, parsed

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.remoteok import parse

KIND = "remoteok"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_legal_notice_is_not_an_offer() -> None:
    result = parsed(KIND, "api_2024-12-04")
    assert all("legal" not in record.data for record in result.records)
    assert result.records[0].source_offer_id == "1059249"


def test_anti_spam_boilerplate_is_cut_from_every_description() -> None:
    postings, _ = mapped(KIND, "api_2024-12-04")
    assert postings
    assert not [p for p in postings.values() if "Please mention the word" in p["description"]]


def test_zero_salary_means_unknown_in_the_whole_recording() -> None:
    postings, _ = mapped(KIND, "api_2024-12-04")
    assert not [p for p in postings.values() if p["salary_min"] == 0 or p["salary_max"] == 0]


def test_empty_job_is_dropped_with_a_problem() -> None:
    postings, problems = mapped(KIND, "api_2024-12-04")
    assert "1057180" not in postings  # the recording's job with an empty position
    assert len(postings) == 97
    assert problems.counts()[("test-remoteok", "title")] == 1


def test_every_posting_is_remote() -> None:
    postings, _ = mapped(KIND, "api_2024-12-04")
    assert {p["remote"] for p in postings.values()} == {"remote"}


def test_bad_items_are_skipped_and_counted() -> None:
    body = b'[{"legal": "x"}, {"id": "1", "position": "A"}, "junk", {"position": "no id"}]'
    result = parse(body, url="https://remoteok.com/api")
    assert [r.source_offer_id for r in result.records] == ["1"]
    assert result.errors == ["remoteok: item 2: not an object", "remoteok: item 3: no id"]


@pytest.mark.parametrize(
    "body",
    [b'{"jobs": []}', b"<html><body>Cloudflare</body></html>", b"", b"not json at all"],
)
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://remoteok.com/api")
