"""Helpers the job-board, feed and generic mappings share (on top of :mod:`.common`).

Small format facts only: "Company: Role" titles, list fields, flag emojis. (Expiry dates need
no helper: :func:`~normalizers.mappings.common.build_posting` reads ``valid_through`` with
:func:`~normalizers.fields.dates.parse_expiry`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalizers.fields.contract import parse_contract_type
from normalizers.fields.working_time import parse_working_time
from normalizers.mappings.common import text_of

_COMPANY_SEPARATOR = re.compile(r"\s*:\s+")
_FLAGS = re.compile("[\U0001f1e6-\U0001f1ff]")


def split_company_title(raw: str | None) -> tuple[str | None, str | None]:
    """We Work Remotely style ``"Company: Role"`` (also ``"Company : Role"``) -> company, role.

    Split on the first separator only (roles contain colons too); no separator -> no company.
    """
    if raw is None:
        return None, None
    parts = _COMPANY_SEPARATOR.split(raw.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0].strip(), parts[1].strip()
    return None, raw.strip() or None


def joined(values: object, separator: str = ", ") -> str | None:
    """A list of strings (``jobType``, ``locationRestrictions``) as one text; a string as is."""
    if isinstance(values, str):
        return text_of(values)
    if isinstance(values, Iterable) and not isinstance(values, dict | bytes):
        texts = [text for value in values if (text := text_of(value))]
        return separator.join(texts) or None
    return text_of(values)


def texts(values: object) -> list[str]:
    """A string or a list of strings (``employmentType``, ``job_types``) as a list of texts."""
    if isinstance(values, list | tuple):
        return [text for value in values if (text := text_of(value))]
    single = text_of(values)
    return [single] if single else []


def without_flags(text: str | None) -> str | None:
    """Country lists written with flag emojis ("🇩🇪 Germany, 🇩🇰 Denmark") without the flags."""
    if text is None:
        return None
    return " ".join(_FLAGS.sub("", text).split()) or None


def contract_hints(*texts: str | None) -> list[str]:
    """The texts that name a contract type.

    Boards mix contract and working time in one field (``jobType: full-time``,
    ``employmentType: Contractor``): passing such a field to both normalizers would record a
    "not recognised" problem for every offer, so each normalizer only gets what it reads.
    """
    return [text for text in texts if text and parse_contract_type(text) is not None]


def working_time_hints(*texts: str | None) -> list[str]:
    """The texts that name a working time (see :func:`contract_hints`)."""
    return [text for text in texts if text and parse_working_time(text) is not None]
