"""The kind registries: every kind has a parser and a mapping with the agreed functions."""

from __future__ import annotations

import inspect

import pytest

from normalizers.mappings import get_mapping
from spiders.parsers import KINDS, get_parser

MINE = (
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


def test_nineteen_distinct_kinds() -> None:
    assert len(KINDS) == len(set(KINDS)) == 19


@pytest.mark.parametrize("kind", MINE)
def test_parser_and_mapping_have_the_agreed_signatures(kind: str) -> None:
    parse = get_parser(kind).parse
    assert list(inspect.signature(parse).parameters)[:3] == ["body", "url", "headers"]
    map_record = get_mapping(kind).map_record
    assert list(inspect.signature(map_record).parameters) == ["record", "ctx"]


def test_unknown_kind_is_a_key_error_naming_the_kinds() -> None:
    with pytest.raises(KeyError, match="greenhouse"):
        get_parser("linkedin")
    with pytest.raises(KeyError):
        get_mapping("../etc")
