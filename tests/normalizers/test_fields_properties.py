"""Property tests: the field normalizers never raise and keep their output contracts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.schema import ContractType, Remote, WorkingTime
from normalizers.fields.contract import parse_contract_type
from normalizers.fields.language import LANGUAGES, detect_language
from normalizers.fields.remote import parse_remote
from normalizers.fields.text import clean_description, clean_inline
from normalizers.fields.working_time import parse_working_time

WORDS = [
    "CDI", "CDD", "pas de", "stage", "Stage -", "télétravail", "100%", "remote", "hybride",
    "Teilzeit", "Vollzeit", "35H", "24h/semaine", "kein", "Homeoffice", "full-time", "ou",
    "oder", "intérim", "FULL_TIME", "CONTRACTOR", "<p>", "</p>", "&amp;", "&lt;p&gt;", "Ã©",
    "\n", "  ", ",", "/", "(", ")", ":", "non", "possible", "sur site", "alternance",
]  # fmt: skip
phrases = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=12).map(" ".join)
texts = st.one_of(st.none(), st.text(max_size=300), phrases)
flags = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["TELECOMMUTE", "on-site", "true"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=4))
def test_contract_and_working_time_never_raise(values: list[str | None]) -> None:
    assert parse_contract_type(*values) in (None, *ContractType)
    assert parse_working_time(*values) in (None, *WorkingTime)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=3), flags)
def test_remote_never_raises(values: list[str | None], flag: bool | str | None) -> None:
    assert parse_remote(*values, flag=flag) in (None, *Remote)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=3))
def test_structured_first_text_decides(values: list[str | None]) -> None:
    assert parse_contract_type("CDI", *values) is ContractType.PERMANENT
    assert parse_working_time("Temps partiel", *values) is WorkingTime.PART_TIME
    assert parse_remote(*values, flag="TELECOMMUTE") is Remote.REMOTE


@settings(max_examples=300, deadline=None)
@given(texts)
def test_clean_description_contract(value: str | None) -> None:
    text, safe = clean_description(value)
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert "\x00" not in text
    if safe is not None:
        lowered = safe.lower()
        assert "<script" not in lowered and "style=" not in lowered and "javascript:" not in lowered
        assert text


@settings(max_examples=300, deadline=None)
@given(texts)
def test_clean_inline_contract(value: str | None) -> None:
    cleaned = clean_inline(value)
    if cleaned is not None:
        assert cleaned == cleaned.strip() and cleaned
        assert "  " not in cleaned and "\n" not in cleaned
        assert clean_inline(cleaned) == cleaned or "&" in cleaned or "<" in cleaned


@settings(max_examples=100, deadline=None)
@given(texts)
def test_detect_language_contract(value: str | None) -> None:
    assert detect_language(value) in (None, *LANGUAGES)
