"""Personio XML feed: ``GET https://{account}.jobs.personio.de/xml[?language=en]``.

``<workzag-jobs><position>...</position>...</workzag-jobs>``, no pagination. Each position
becomes a plain dict of its elements (text values; ``jobDescriptions`` as a list of
``{name, value}``; ``additionalOffices`` as a list of office names). The public page is
``https://{host}/job/{id}`` (next to the feed's ``/xml``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error

KIND = "personio"
ROOT = "workzag-jobs"


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _child_text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return "" if found is None else _text(found)


def position_dict(position: ET.Element) -> dict[str, Any]:
    """The position's elements as a dict; repeated or nested elements become lists."""
    data: dict[str, Any] = {}
    for child in position:
        if child.tag == "jobDescriptions":
            data["jobDescriptions"] = [
                {"name": _child_text(entry, "name"), "value": _child_text(entry, "value")}
                for entry in child
                if entry.tag == "jobDescription"
            ]
        elif child.tag == "additionalOffices":
            data["additionalOffices"] = [_text(office) for office in child if _text(office)]
        else:
            data[child.tag] = _text(child)
    return data


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every position of the feed."""
    head = body[:2048].upper()
    if b"<HTML" in head:
        raise NotOfThisKind(f"{KIND}: body is an HTML page")
    if b"<!ENTITY" in body.upper():
        raise NotOfThisKind(f"{KIND}: entity declarations are refused (entity expansion attacks)")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise NotOfThisKind(f"{KIND}: body is not well-formed XML ({exc})") from exc
    if root.tag != ROOT:
        raise NotOfThisKind(f"{KIND}: root element is <{root.tag}>, not <{ROOT}>")
    parts = urlsplit(url)
    prefix = parts.path.rstrip("/").removesuffix("/xml")  # a proxy prefix before /xml, if any
    result = ParseResult()
    for index, position in enumerate(root.iter("position")):
        data = position_dict(position)
        offer_id = data.get("id") or None
        if not offer_id:
            result.errors.append(item_error(KIND, index, "no <id>"))
            continue
        link = f"{parts.scheme or 'https'}://{parts.netloc}{prefix}/job/{offer_id}"
        result.records.append(RawRecord(offer_id, data, url=link, updated=data.get("createdAt")))
    result.total = len(result.records)
    return result
