"""Career sites with schema.org ``JobPosting`` JSON-LD, discovered through their sitemaps.

Two bodies are of this kind:
- a sitemap (``urlset`` -> one detail follow-up per ``<loc>``; ``sitemapindex`` -> one
  sitemap follow-up per child; gzipped sitemaps are inflated);
- an HTML page -> every ``<script type="application/ld+json">`` block, read leniently
  (see :mod:`spiders.parsers.ldjson`). A page without a JobPosting yields zero records:
  that is how a closed offer looks, not an error.
The id is ``identifier.value`` (or a plain ``identifier``), else the page URL.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import record_id
from spiders.parsers.ldjson import job_postings, read_blocks
from spiders.parsers.xmlfeed import local_name, read_xml

KIND = "jsonld"
MAX_INFLATED = 64 * 1024 * 1024
_HTML_HINT = re.compile(rb"<(!doctype\s+html|html|head|body|script)\b", re.IGNORECASE)
_XML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(urlset|sitemapindex)\b", re.S)


def _inflate(body: bytes) -> bytes:
    """A gzipped sitemap (``sitemap.xml.gz`` served without Content-Encoding), size-capped."""
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(body, MAX_INFLATED)
    except zlib.error as exc:
        raise NotOfThisKind(f"{KIND}: broken gzip body ({exc})") from exc
    if inflater.unconsumed_tail:
        raise NotOfThisKind(f"{KIND}: gzipped body inflates past {MAX_INFLATED} bytes")
    return data


def _sitemap(body: bytes, url: str, pattern: re.Pattern[str] | None) -> ParseResult:
    root = read_xml(body, KIND)
    name = local_name(root.tag)
    purpose = {"urlset": "detail", "sitemapindex": "sitemap"}.get(name)
    if purpose is None:
        raise NotOfThisKind(f"{KIND}: XML root <{name}> is not a sitemap")
    result = ParseResult()
    for entry in root:
        loc = next((child.text for child in entry if local_name(child.tag) == "loc"), None)
        lastmod = next((child.text for child in entry if local_name(child.tag) == "lastmod"), None)
        if not loc or not loc.strip():
            continue
        target = urljoin(url, loc.strip())
        if purpose == "detail" and pattern is not None and not pattern.search(target):
            continue
        marker = lastmod.strip() if purpose == "detail" and lastmod else None
        result.follow.append(FollowUp(target, purpose=purpose, marker=marker))
    return result


def offer_id_of(posting: Mapping[str, Any], page_url: str) -> str:
    """``identifier.value`` / ``identifier`` / first of a list, else the page URL."""
    ident = posting.get("identifier")
    if isinstance(ident, list) and ident:
        ident = ident[0]
    if isinstance(ident, dict):
        ident = ident.get("value") or ident.get("@id")
    return record_id(ident) or page_url


def _page(body: bytes, url: str, headers: Mapping[str, str] | None) -> ParseResult:
    blocks, errors = read_blocks(body, headers, KIND)
    result = ParseResult(errors=errors)
    seen: set[str] = set()
    for posting in job_postings(blocks):
        offer_id = offer_id_of(posting, url)
        if offer_id in seen:  # several postings on one page without identifiers
            offer_id = f"{offer_id}#{len(seen) + 1}"
        seen.add(offer_id)
        link = posting.get("url")
        page = urljoin(url, link) if isinstance(link, str) and link.strip() else url
        posted = posting.get("datePosted")
        result.records.append(
            RawRecord(
                offer_id, posting, url=page, updated=posted if isinstance(posted, str) else None
            )
        )
    return result


def parse(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ParseResult:
    """A sitemap gives follow-ups, a page gives its JobPostings; anything else is not this kind."""
    if body[:2] == b"\x1f\x8b":
        body = _inflate(body)
    raw_pattern = (options or {}).get("url_pattern")
    pattern = re.compile(str(raw_pattern)) if raw_pattern else None
    if _XML_START.match(body):
        return _sitemap(body, url, pattern)
    if _HTML_HINT.search(body[:65536]) or b"application/ld+json" in body:
        return _page(body, url, headers)
    raise NotOfThisKind(f"{KIND}: neither a sitemap nor an HTML page")


__all__ = ["offer_id_of", "parse"]
