"""Lenient reading of ``<script type="application/ld+json">`` blocks, as found in the wild.

Real pages break strict JSON in known ways: raw control characters inside strings
(``json.loads(strict=False)``), a trailing ``;`` or other text after the value
(``raw_decode`` stops at the end of the first value), leading HTML or JS comments and
CDATA wrappers. The JobPosting itself may sit in ``@graph``, in a top-level list, under
another node (``mainEntity``) or carry ``@type`` as a list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?\s*application/ld\+json[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_LEADING_NOISE = re.compile(
    r"^(?:\s+|<!--[^{\[]*?-->|<!--|-->|//[^\n]*(?:\n|$)|/\*.*?\*/|<!\[CDATA\[|\]\]>)+",
    re.DOTALL,
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_DECODER = json.JSONDecoder(strict=False)
_JOB_TYPES = {"jobposting", "schema:jobposting"}


def _decode_page(body: bytes, headers: Mapping[str, str] | None) -> str:
    """The page text, in the charset the headers or a ``<meta charset>`` declare (else UTF-8)."""
    declared = None
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            found = _CHARSET.search(value)
            declared = found.group(1) if found else None
    if declared is None:
        found = _CHARSET.search(body[:4096].decode("ascii", errors="ignore"))
        declared = found.group(1) if found else "utf-8"
    try:
        return body.decode(declared, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def parse_block(text: str) -> Any:
    """One script block's JSON value, tolerating comments, wrappers and trailing junk."""
    cleaned = _LEADING_NOISE.sub("", text)
    value, _end = _DECODER.raw_decode(cleaned)
    return value


def read_blocks(
    body: bytes, headers: Mapping[str, str] | None, kind: str
) -> tuple[list[Any], list[str]]:
    """Every readable ld+json value of a page, and one error message per unreadable block."""
    values: list[Any] = []
    errors: list[str] = []
    for index, match in enumerate(_SCRIPT.finditer(_decode_page(body, headers))):
        if not match.group(1).strip():
            continue
        try:
            values.append(parse_block(match.group(1)))
        except ValueError as exc:
            errors.append(f"{kind}: ld+json block {index}: not JSON ({exc})")
    return values, errors


def _is_job(node: Mapping[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(
        isinstance(name, str) and name.rsplit("/", 1)[-1].lower() in _JOB_TYPES for name in names
    )


def job_postings(values: list[Any]) -> Iterator[dict[str, Any]]:
    """Every JobPosting node, wherever it nests (lists, ``@graph``, ``mainEntity``...)."""
    stack: list[Any] = list(reversed(values))
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if _is_job(node):
                yield node
                continue
            stack.extend(reversed([v for v in node.values() if isinstance(v, dict | list)]))
