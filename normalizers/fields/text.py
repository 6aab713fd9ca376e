"""Description and inline text cleaning: entities, mojibake, safe HTML, readable plain text.

Boards publish HTML entity-escaped HTML (Greenhouse ``&lt;p&gt;``, ``&amp;amp;``), mojibake
("FlorianÃ³polis"), inline styles and scripts. :func:`clean_description` returns the plain text
every later stage works on (search, dedupe, language detection) and a sanitized HTML copy safe
to show on the portal; :func:`clean_inline` cleans titles and company names.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3

from normalizers.fields.mojibake import fix_mojibake

_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^&]*?)?/?&gt;")
_REAL_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A tag as nh3 serializes it: lower-case name, attribute values double-quoted.
_SANITIZED_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*/?>')

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
_PARAGRAPH = "\n\x00\n"


def _marker(closing: bool, tag: str) -> str:
    """What a tag becomes in the plain text: a paragraph break, a line, a list bullet, a space."""
    if closing:
        if tag in _BLOCKS:
            return _PARAGRAPH
        return "\n" if tag in ("li", "dt", "dd", "tr") else " " if tag in ("td", "th") else ""
    if tag == "li":
        return "\n- "
    return "\n" if tag in _LINES else _PARAGRAPH if tag in _BLOCKS else ""


_MARKERS = {(c, t): _marker(c == "/", t) for c in ("", "/") for t in _TEXT_TAGS}


def _unescape_markup(text: str) -> str:
    """Undo entity-escaping of whole HTML documents (Greenhouse), up to three levels deep."""
    for _ in range(3):
        if not _ESCAPED_TAG.search(text) or len(_REAL_TAG.findall(text)) > 2:
            break
        text = html.unescape(text)
    return text


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _lines(text: str) -> str:
    """One line per line, one blank line between paragraphs (``\x00`` lines mark them)."""
    out: list[str] = []
    blank = False
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if line == "\x00":
            blank = bool(out)
        elif line:
            if blank:
                out.append("")
                blank = False
            out.append(line)
    return "\n".join(out)


def _plain(sanitized: str) -> str:
    """Plain text of nh3 output: well-formed, so tags can be read with a regex, not a parser."""
    marked = _SANITIZED_TAG.sub(
        lambda m: _MARKERS.get((m.group(1), m.group(2)), ""), sanitized.replace("\n", " ")
    )
    return _lines(_unescape(marked))


def _safe_only(sanitized: str) -> str:
    """The sanitized HTML without the layout tags kept only for the plain text."""
    return _SANITIZED_TAG.sub(lambda m: m.group(0) if m.group(2) in SAFE_TAGS else "", sanitized)


def _tidy(text: str) -> str:
    """Plain text: collapse spaces in lines, trim lines, at most one blank line in a row."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _sanitize(markup: str) -> str:
    """HTML restricted to the text tags; links only to http(s) and mailto, attributes dropped."""
    return nh3.clean(
        markup,
        tags=set(_TEXT_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def clean_description(html_or_text: str | None) -> tuple[str, str | None]:
    """(plain text, sanitized HTML or None) of a description given as HTML or plain text."""
    if not isinstance(html_or_text, str) or not html_or_text.strip():
        return "", None
    text = html_or_text.replace("\r\n", "\n").replace("\r", "\n")
    text = fix_mojibake(_unescape_markup(text) if "&" in text else text)
    if "<" not in text or not _REAL_TAG.search(text):
        return _tidy(_unescape(text)), None
    try:
        sanitized = _sanitize(text)
    except Exception:  # nh3 rejects some inputs (e.g. NUL bytes): fall back to tag-less text
        return _tidy(_unescape(_REAL_TAG.sub(" ", text))), None
    plain = _plain(sanitized)
    safe = _safe_only(sanitized).strip()
    return plain, (safe if safe and plain else None)


def clean_inline(text: str | None) -> str | None:
    """A title or company name: entities decoded, mojibake repaired, whitespace collapsed."""
    if not isinstance(text, str):
        return None
    for _ in range(3):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    text = fix_mojibake(text)
    if "<" in text and _REAL_TAG.search(text):
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
