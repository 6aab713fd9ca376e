"""Small helpers the board parsers share: decoding JSON bodies, reading ids, rewriting page URLs.

Kept apart from the parsers so each parser stays a short statement of its format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord


def load_json(body: bytes, kind: str) -> Any:
    """Decode a JSON body, or say why it is not a ``kind`` response (HTML error page, garbage)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotOfThisKind(f"{kind}: body is not UTF-8 ({exc.reason})") from exc
    stripped = text.lstrip()
    if not stripped:
        raise NotOfThisKind(f"{kind}: empty body")
    if stripped[0] == "<":
        raise NotOfThisKind(f"{kind}: body is HTML/XML, not JSON")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise NotOfThisKind(f"{kind}: body is not JSON ({exc})") from exc


def record_id(value: Any) -> str | None:
    """An offer id as text: sources write ids as numbers or strings; blanks and bools are no id."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def as_int(value: Any) -> int | None:
    """An integer count from a number or numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def query_int(url: str, name: str, default: int) -> int:
    """An integer query parameter of ``url`` (``offset``, ``page``), or ``default``."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == name:
            number = as_int(value)
            return default if number is None else number
    return default


def with_query(url: str, params: Mapping[str, Any]) -> str:
    """``url`` with the given query parameters set (replaced if present, appended otherwise)."""
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    pairs.extend((k, str(v)) for k, v in params.items())
    return urlunsplit(parts._replace(query=urlencode(pairs)))


def item_error(kind: str, index: int, problem: str) -> str:
    """One uniform message for an item that could not be read."""
    return f"{kind}: item {index}: {problem}"


def get_path(data: Any, path: str | None) -> Any:
    """The value at a dotted path (``"result.items"``, ``"locations.0.city"``), else None.

    An empty path or ``"."`` is the value itself.
    """
    if path is None:
        return None
    current = data
    for part in (p for p in path.split(".") if p):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.lstrip("-").isdigit():
            index = int(part)
            current = current[index] if -len(current) <= index < len(current) else None
        else:
            return None
    return current


def collect_records(
    kind: str,
    items: Sequence[Any],
    result: ParseResult,
    *,
    url_key: str,
    updated_keys: Sequence[str] = (),
    id_key: str = "id",
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> None:
    """The usual listing loop: each item an object with an id, else an item error.

    ``url_key`` names the offer page field, ``updated_keys`` the change-date fields in order of
    preference (the listing marker); ``keep`` drops items the source marks as unlisted.
    """
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(kind, index, "not an object"))
            continue
        offer_id = record_id(item.get(id_key))
        if offer_id is None:
            result.errors.append(item_error(kind, index, f"no {id_key}"))
            continue
        if keep is not None and not keep(item):
            continue
        link = item.get(url_key)
        stamp = next((item[k] for k in updated_keys if item.get(k) not in (None, "")), None)
        result.records.append(
            RawRecord(
                offer_id,
                item,
                url=link if isinstance(link, str) else None,
                updated=str(stamp) if isinstance(stamp, str | int | float) else None,
            )
        )
