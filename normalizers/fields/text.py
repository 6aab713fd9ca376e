"""Description and inline text cleaning: entities, mojibake, safe HTML, readable plain text.

Boards publish HTML entity-escaped HTML (Greenhouse ``&lt;p&gt;``, ``&amp;amp;``), mojibake
("FlorianÃ³polis"), inline styles and scripts. :func:`clean_description` returns the plain text
every later stage works on (search, dedupe, language detection) and a sanitized HTML copy safe
to show on the portal; :func:`clean_inline` cleans titles and company names.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import ftfy
import nh3

_FTFY = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, explain=False)
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^&]*?)?/?&gt;")
_REAL_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

SAFE_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h1", "h2", "h3", "h4", "h5", "h6", "a"}
)
# Tags kept only to find paragraph breaks when making the plain text.
_TEXT_TAGS = SAFE_TAGS | {
    "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "thead",
    "tbody", "tr", "td", "th", "dl", "dt", "dd", "hr", "span", "u", "font",
}  # fmt: skip
_DROP_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
_INLINE = frozenset({"strong", "em", "b", "i", "a", "span", "u", "font"})
_BLOCKS = frozenset(
    _TEXT_TAGS - _INLINE - {"br", "li", "tr", "td", "th", "thead", "tbody", "dt", "dd"}
)
_LINES = frozenset({"br", "tr", "dt", "dd"})


def _unescape_markup(text: str) -> str:
    """Undo entity-escaping of whole HTML documents (Greenhouse), up to three levels deep."""
    for _ in range(3):
        if not _ESCAPED_TAG.search(text) or len(_REAL_TAG.findall(text)) > 2:
            break
        text = html.unescape(text)
    return text


def _fix(text: str) -> str:
    """Repair mojibake and drop invisible characters; quotes and entities are left alone."""
    return _INVISIBLE.sub("", ftfy.fix_text(text.replace("\x00", ""), config=_FTFY))


_PARAGRAPH = "\n\x00\n"


class _TextExtractor(HTMLParser):
    """Plain text of HTML: blocks become paragraphs, list items and ``<br>`` lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag in ("li", "dt", "dd", "tr"):
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data.replace("\n", " ").replace("\x00", ""))

    def text(self) -> str:
        """The collected text: one line per line, one blank line between paragraphs."""
        out: list[str] = []
        blank = False
        for raw in "".join(self.parts).split("\n"):
            line = _SPACES.sub(" ", raw).strip()
            if line == "\x00":
                blank = bool(out)
            elif line:
                if blank:
                    out.append("")
                    blank = False
                out.append(line)
        return "\n".join(out)


def _tidy(text: str) -> str:
    """Plain text: collapse spaces in lines, trim lines, at most one blank line in a row."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _sanitize(markup: str) -> str:
    """HTML restricted to a small safe allowlist; links only to http(s) and mailto."""
    return nh3.clean(
        markup,
        tags=set(SAFE_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def _plain_from_html(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(
        nh3.clean(markup, tags=set(_TEXT_TAGS), clean_content_tags=set(_DROP_WITH_CONTENT))
    )
    extractor.close()
    return extractor.text()


def clean_description(html_or_text: str | None) -> tuple[str, str | None]:
    """(plain text, sanitized HTML or None) of a description given as HTML or plain text."""
    if not isinstance(html_or_text, str) or not html_or_text.strip():
        return "", None
    text = _fix(_unescape_markup(html_or_text.replace("\r\n", "\n").replace("\r", "\n")))
    if not _REAL_TAG.search(text):
        return _tidy(html.unescape(text)), None
    try:
        safe = _sanitize(text).strip()
        plain = _plain_from_html(text)
    except Exception:  # nh3 rejects some inputs (e.g. NUL bytes): fall back to tag-less text
        return _tidy(html.unescape(_REAL_TAG.sub(" ", text))), None
    return plain, (safe if safe and plain else None)


def clean_inline(text: str | None) -> str | None:
    """A title or company name: entities decoded, mojibake repaired, whitespace collapsed."""
    if not isinstance(text, str):
        return None
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    text = _fix(text)
    if _REAL_TAG.search(text):
        try:
            text = html.unescape(
                nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
            )
        except Exception:
            text = _REAL_TAG.sub(" ", text)
    cleaned = " ".join(text.split())
    return cleaned or None


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"html": ...}`` and/or ``{"title": ...}`` -> cleaned values."""
    out: dict[str, Any] = {}
    if "html" in input:
        out["description"], out["description_html"] = clean_description(input["html"])
    if "title" in input:
        out["title"] = clean_inline(input["title"])
    return out
