"""Description and inline text cleaning: entities, mojibake, safe HTML, readable plain text.

Boards publish HTML entity-escaped HTML (Greenhouse ``&lt;p&gt;``, ``&amp;amp;``), mojibake
("FlorianÃ³polis"), inline styles and scripts. :func:`clean_description` returns the plain text
every later stage works on (search, dedupe, language detection) and a sanitized HTML copy safe
to show on the portal; :func:`clean_inline` cleans titles and company names.

Every tag but a phrasing one ("<b>Java</b>Script") parts words: block elements, ``<br>``, list
items, headings, table cells, and the tags the sanitizer drops (unknown, custom, ``<o:p>``)
become line breaks or spaces in the text, and spaces in the safe HTML. Dedupe and search read
words; "caisse</p><p>Votre" must never read "caisseVotre".
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from itertools import repeat
from typing import Any

import nh3

from normalizers.fields.mojibake import fix_mojibake

_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^&]*?)?/?&gt;")
# Tag names may hold ":" and "-": Word's ``<o:p>``, custom elements (``<job-details>``).
_REAL_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A tag as nh3 serializes it: lower-case name, attribute values double-quoted.
_SANITIZED_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*/?>')
_TAG_SPLIT = re.compile(
    r'(</?[a-z][a-z0-9]*(?:\s+[^\s=>]+(?:="[^"]*")?)*\s*/?>)'
)  # same, one group

SAFE_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h1", "h2", "h3", "h4", "h5", "h6", "a"}
)
# Tags kept only to find paragraph breaks when making the plain text.
_TEXT_TAGS = SAFE_TAGS | {
    "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "thead",
    "tbody", "tr", "td", "th", "dl", "dt", "dd", "hr", "span", "u", "font", "main", "nav",
    "aside", "figure", "figcaption", "details", "summary", "center", "address", "fieldset",
    "legend", "caption", "menu", "hgroup", "form",
}  # fmt: skip
_DROP_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
# Phrasing elements: the only tags that may sit inside a word ("<b>Java</b>Script", "x<wbr>y").
_PHRASING = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "var", "wbr",
})  # fmt: skip


_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9:-]*)")
# Tags the sanitizer drops with no trace (unknown, custom, ``<o:p>``, table cells outside a
# table) must part words too: a space goes after each.
_JOINING = (_TEXT_TAGS - {"tr", "td", "th"}) | _PHRASING | _DROP_WITH_CONTENT


def _separate_words(text: str, joining: frozenset[str]) -> str:
    """``text`` with a space after every tag not named in ``joining`` ("Vendeur<br>Caissier").

    The tag names are listed first (one C scan); the rewrite runs only when a tag is not in
    ``joining``, which job HTML rarely has: most descriptions pay a ``findall`` only.
    """
    odd = {name for name in set(_TAG_NAME.findall(text)) - joining if name.lower() not in joining}
    if not odd:
        return text
    names = "|".join(sorted(map(re.escape, odd), key=len, reverse=True))
    return re.sub(rf"</?(?:{names})(?=[\s/>])[^<>]*>", r"\g<0> ", text)


_SPACES = re.compile(" {2,}")
_INLINE = frozenset({"strong", "em", "b", "i", "a", "span", "u", "font"})
_BLOCKS = frozenset(
    _TEXT_TAGS - _INLINE - {"br", "li", "tr", "td", "th", "thead", "tbody", "dt", "dd"}
)
_LINES = frozenset({"br", "tr", "dt", "dd"})
_PARAGRAPH = "\n\x00\n"
_PARAGRAPH_RUN = re.compile("\n\x00(?:\n\x00)*\n")


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


class _TagTable(dict[str, str]):
    """What each serialized tag becomes, by its exact text; filled on first sight.

    Replacing tags through a table lookup (``map`` over the tags ``split`` finds) keeps the
    per-tag work in C, where ``re.sub`` with a Python callback pays a call per tag. Tags
    with attributes (links) are answered but not kept, so the table stays small.
    """

    def __init__(self, rewrite: Callable[[re.Match[str]], str]) -> None:
        super().__init__()
        self._rewrite = rewrite

    def __missing__(self, tag: str) -> str:
        match = _SANITIZED_TAG.fullmatch(tag)
        value = self._rewrite(match) if match else tag
        if match and not match.group(3) and len(self) < 1024:
            self[tag] = value
        return value


_PLAIN_TAGS = _TagTable(lambda m: _MARKERS.get((m.group(1), m.group(2)), ""))
# A layout tag dropped from the safe HTML leaves a space: "<div>a</div><div>b</div>" is "a b".
_SAFE_TAGS = _TagTable(
    lambda m: m.group(0) if m.group(2) in SAFE_TAGS else "" if m.group(2) in _INLINE else " "
)
_CLEANER = nh3.Cleaner(
    tags=set(_TEXT_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener",
    strip_comments=True,
)
_INLINE_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})


def _unescape_markup(text: str) -> str:
    """Undo entity-escaping of whole HTML documents (Greenhouse), up to three levels deep."""
    for _ in range(3):
        if not _ESCAPED_TAG.search(text) or len(_REAL_TAG.findall(text)) > 2:
            break
        text = html.unescape(text)
    return text


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _trimmed_lines(text: str) -> list[str]:
    """Lines with inner whitespace runs as one space and no edge spaces (C loops, no regex)."""
    return list(map(" ".join, map(str.split, text.split("\n"))))


def _lines(text: str) -> str:
    """One line per line, one blank line between paragraphs (``\x00`` lines mark them).

    Marker lines at the edges are dropped and a run of them between text lines becomes one
    blank line; no text line holds ``\x00`` (:func:`fix_mojibake` removes it from input).
    """
    joined = "\n".join(filter(None, _trimmed_lines(text)))
    return _PARAGRAPH_RUN.sub("\n\n", joined).strip("\n\x00")


def _plain_and_safe(sanitized: str) -> tuple[str, str]:
    """Plain text and allowlisted HTML of nh3 output, which is well-formed enough for a regex.

    Plain text: source line breaks are spaces, tags become the breaks and bullets of
    :func:`_marker`. Safe HTML: the layout tags kept only for the plain text are dropped.
    """
    parts = _TAG_SPLIT.split(sanitized)
    texts, tags = parts[0::2], parts[1::2]
    safe = parts.copy()
    safe[1::2] = map(_SAFE_TAGS.__getitem__, tags)
    parts[0::2] = map(str.replace, texts, repeat("\n"), repeat(" "))
    parts[1::2] = map(_PLAIN_TAGS.__getitem__, tags)
    safe_html = "".join(safe)
    if "  " in safe_html:
        safe_html = _SPACES.sub(" ", safe_html)
    return _lines(_unescape("".join(parts))), safe_html


def _tidy(text: str) -> str:
    """Plain text: collapse spaces in lines, trim lines, at most one blank line in a row."""
    return _BLANK_LINES.sub("\n\n", "\n".join(_trimmed_lines(text))).strip()


def _sanitize(markup: str) -> str:
    """HTML restricted to the text tags; links only to http(s) and mailto, attributes dropped."""
    return _CLEANER.clean(markup)


def clean_description(html_or_text: str | None) -> tuple[str, str | None]:
    """(plain text, sanitized HTML or None) of a description given as HTML or plain text."""
    if not isinstance(html_or_text, str) or not html_or_text.strip():
        return "", None
    text = html_or_text.replace("\r\n", "\n").replace("\r", "\n")
    text = fix_mojibake(_unescape_markup(text) if "&" in text else text)
    if "<" not in text or not _REAL_TAG.search(text):
        return _tidy(_unescape(text)), None
    try:
        sanitized = _sanitize(_separate_words(text, _JOINING))
    except Exception:  # nh3 rejects some inputs (e.g. NUL bytes): fall back to tag-less text
        return _tidy(_unescape(_REAL_TAG.sub(" ", text))), None
    plain, safe = _plain_and_safe(sanitized)
    safe = safe.strip()
    return plain, (safe if safe and plain else None)


def clean_inline(text: str | None) -> str | None:
    """A title or company name: entities decoded, mojibake repaired, whitespace collapsed."""
    if not isinstance(text, str):
        return None
    for _ in range(3):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    published = text
    text = fix_mojibake(text)
    repaired_once = text != published
    if "<" in text and _REAL_TAG.search(text):
        try:
            text = html.unescape(_INLINE_CLEANER.clean(_separate_words(text, _PHRASING)))
        except Exception:
            text = _REAL_TAG.sub(" ", text)
        # A tag can split mojibake in two ("Â<b>\x80"): repair what removing it joined.
        text = fix_mojibake(text)
    cleaned = " ".join(text.split())
    # Collapsing whitespace can join mojibake too ("Â\n\x8d"), and a repair can leave some
    # ("\xadÀ\x86" -> "À†"): then repair to a fixed point.
    for _ in range(3 if repaired_once or cleaned != text.strip() else 0):
        repaired = " ".join(fix_mojibake(cleaned).split())
        if repaired == cleaned:
            break
        cleaned = repaired
    return cleaned or None


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"html": ...}`` and/or ``{"title": ...}`` -> cleaned values."""
    out: dict[str, Any] = {}
    if "html" in input:
        out["description"], out["description_html"] = clean_description(input["html"])
    if "title" in input:
        out["title"] = clean_inline(input["title"])
    return out
