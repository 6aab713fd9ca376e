"""Flat XML job feeds: Indeed-style ``<source><job>`` and partner ``<jobs><job>`` (Remotive).

Parsed with the standard library's expat-based ElementTree. A feed never needs a DTD, so a
body declaring entities (``<!ENTITY``: billion-laughs, external entities) is refused
outright. Each ``<job>`` becomes a dict of child tag -> text (CDATA unwrapped), nested
elements become dicts and repeated tags lists. The id is the first present of the
``id_fields`` option (default: Indeed ``referencenumber``, partner ``job-id``, ``id``, ...).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error, record_id

KIND = "xmlfeed"
DEFAULT_ID_FIELDS: tuple[str, ...] = ("referencenumber", "job-id", "id", "requisitionid", "guid")
DEFAULT_ITEM_TAG = "job"
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def element_to_value(element: ET.Element) -> Any:
    """An element as text (leaf) or a dict of its children (repeated tags become lists)."""
    children = list(element)
    if not children:
        text = (element.text or "").strip()
        return text if text or not element.attrib else dict(element.attrib)
    data: dict[str, Any] = {}
    for child in children:
        key = local_name(child.tag)
        value = element_to_value(child)
        if key in data:
            existing = data[key]
            data[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[key] = value
    return data


def read_xml(body: bytes, kind: str) -> ET.Element:
    """The document root, refusing entity declarations; a non-XML body is NotOfThisKind."""
    if not body.strip():
        raise NotOfThisKind(f"{kind}: empty body")
    if _ENTITY_DECL.search(body):
        raise NotOfThisKind(f"{kind}: XML with entity declarations is refused")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise NotOfThisKind(f"{kind}: body is not well-formed XML ({exc})") from exc


def parse(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ParseResult:
    """Every job element; options ``item_tag`` and ``id_fields`` adapt to a partner's names."""
    opts = options or {}
    item_tag = str(opts.get("item_tag") or DEFAULT_ITEM_TAG)
    id_fields: Sequence[str] = opts.get("id_fields") or DEFAULT_ID_FIELDS
    root = read_xml(body, KIND)
    if local_name(root.tag).lower() in {"html", "rss", "feed", "urlset", "sitemapindex"}:
        raise NotOfThisKind(f"{KIND}: root <{local_name(root.tag)}> is not a job feed")
    jobs = [el for el in root.iter() if local_name(el.tag) == item_tag]
    result = ParseResult(total=len(jobs))
    for index, element in enumerate(jobs):
        data = element_to_value(element)
        if not isinstance(data, dict):
            result.errors.append(item_error(KIND, index, f"<{item_tag}> has no fields"))
            continue
        offer_id = next((found for name in id_fields if (found := record_id(data.get(name)))), None)
        if offer_id is None:
            result.errors.append(item_error(KIND, index, f"none of {list(id_fields)}"))
            continue
        link = data.get("url")
        updated = data.get("date") or data.get("publication-date")
        result.records.append(
            RawRecord(
                offer_id,
                data,
                url=link.strip() if isinstance(link, str) and link.strip() else None,
                updated=updated if isinstance(updated, str) else None,
            )
        )
    return result
