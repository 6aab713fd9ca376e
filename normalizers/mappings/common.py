"""The one way a mapping builds a posting: field normalizers, URLs, language, problems.

A mapping only says which field of its format goes where and calls :func:`build_posting`.
Everything that can go wrong is recorded in ``ctx.problems`` and the field becomes null;
``build_posting`` returns None only when the id, the title or the URL is missing or unusable,
and it never raises (a normalizer that raises is recorded as a problem too, so one bad
record never stops a crawl).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from pydantic import ValidationError

from aggregator.schema import REQUIRED_POSTING_FIELDS, ContractType, Posting
from normalizers.fields.contract import parse_contract_type
from normalizers.fields.dates import parse_date, parse_expiry
from normalizers.fields.language import detect_language
from normalizers.fields.location import resolve_location
from normalizers.fields.remote import parse_remote
from normalizers.fields.salary import Salary, parse_salary_text
from normalizers.fields.salary_model import build_salary
from normalizers.fields.text import clean_description, clean_inline
from normalizers.fields.working_time import parse_working_time
from normalizers.mappings.base import SourceContext
from normalizers.mappings.overrides import read_overrides
from normalizers.mappings.salary_hint import salary_sentence

T = TypeVar("T")
DateInput = datetime | str | int | float | None
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_SALARY_FIELDS = ("salary_min", "salary_max", "salary_currency", "salary_period")


def problem(ctx: SourceContext, field: str, raw: object, reason: str) -> None:
    """Record one unreadable value when the context carries a problem log."""
    if ctx.problems is not None:
        ctx.problems.record(ctx.source, field, raw, reason)


def _safe(ctx: SourceContext, field: str, raw: object, call: Callable[[], T]) -> T | None:
    """Run a normalizer; an exception becomes a recorded problem and a null field."""
    try:
        return call()
    except Exception as exc:  # a normalizer bug must not lose the whole record
        problem(ctx, field, raw, f"normalizer error: {exc!r}")
        return None


# A plain absolute http(s) URL, the common case: ``urlsplit`` would find this scheme, a
# non-empty host and no white space, so the answer is the text itself without splitting it.
_PLAIN_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[A-Za-z0-9._~-]+(?::[0-9]*)?(?:[/?#][!-~]*)?")


def absolute_url(value: object, base: str | None) -> str | None:
    """``value`` as an absolute http(s) URL (joined to ``base`` when relative), else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _PLAIN_URL.fullmatch(text):
        return text
    if base and not urlsplit(text).scheme:
        text = urljoin(base, text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", text):
        return None
    return text


def _texts(values: Iterable[object]) -> list[str]:
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except ValueError:
        return None


def _date(
    ctx: SourceContext, field: str, value: DateInput, read: Callable[..., datetime | None]
) -> datetime | None:
    """``read`` is :func:`parse_date` (publication) or :func:`parse_expiry` (future allowed)."""
    if isinstance(value, datetime):
        return value
    if value is None or value == "":
        return None
    parsed = _safe(ctx, field, value, lambda: read(value, tz=ctx.timezone, now=ctx.now))
    if parsed is None:
        problem(ctx, field, value, "unreadable date")
    return parsed


def _without_nul(values: dict[str, Any]) -> dict[str, Any]:
    """NUL never belongs in offer text (PostgreSQL refuses it): drop it, not the offer."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()}


def _validated(ctx: SourceContext, values: dict[str, Any]) -> Posting | None:
    """The posting, nulling optional fields that fail validation; None if a required one fails."""
    for _ in range(3):
        try:
            return Posting(**values)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                if name in REQUIRED_POSTING_FIELDS:
                    problem(ctx, name, values.get(name), error["msg"])
                    return None
                culprits = [name] if name in values else list(_SALARY_FIELDS)
                for culprit in culprits:
                    problem(ctx, culprit, values.get(culprit), error["msg"])
                    values[culprit] = None
    problem(ctx, "posting", values.get("source_offer_id"), "still invalid after nulling fields")
    return None


def build_posting(
    ctx: SourceContext,
    *,
    source_offer_id: str | int | None,
    url: str | None,
    title: str | None,
    company: str | None = None,
    description_html_or_text: str | None = None,
    location_text: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    region: str | None = None,
    country: str | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    contract_texts: Iterable[str | None] = (),
    working_time_texts: Iterable[str | None] = (),
    remote_texts: Iterable[str | None] = (),
    remote_flag: bool | str | None = None,
    remote_from_description: bool = False,
    contract_from_description: bool = False,
    working_time_from_description: bool = False,
    salary: Salary | None = None,
    salary_from_description: bool = False,
    salary_raw: str | None = None,
    posted_at: DateInput = None,
    valid_through: DateInput = None,
    apply_url: str | None = None,
    language: str | None = None,
) -> Posting | None:
    """Normalize every field and build the :class:`Posting` (None when id, title or URL is missing).

    Remote work is read from ``remote_flag``, then ``remote_texts``, the location and the
    title; ``remote_from_description`` adds the description text as a last resort, for
    formats with no remote field at all; ``salary_from_description`` likewise reads the
    pay sentence of the description when no salary is given. ``contract_from_description``
    and ``working_time_from_description`` read the description when the fields and the
    title tell nothing; a contract read as ``temporary`` (schema.org ``TEMPORARY``, any
    time-limited job) is refined to ``fixed_term`` when the description says CDD. The
    source's overrides (:mod:`normalizers.mappings.overrides`) fill what the offer leaves
    unsaid.
    """
    offer_id = str(source_offer_id).strip() if source_offer_id is not None else ""
    if not offer_id:
        problem(ctx, "source_offer_id", source_offer_id, "missing offer id")
        return None
    page = absolute_url(url, ctx.base_url)
    if page is None:
        problem(ctx, "url", url, "missing or not an absolute http(s) URL")
        return None
    clean_title = _safe(ctx, "title", title, lambda: clean_inline(title))
    if not clean_title:
        problem(ctx, "title", title, "missing title")
        return None
    overrides = read_overrides(ctx.options)
    company_name = _safe(ctx, "company", company, lambda: clean_inline(company))
    if company_name is None:
        company_name = overrides.company
    text, html = (
        _safe(ctx, "description", "", lambda: clean_description(description_html_or_text))
        if description_html_or_text
        else None
    ) or ("", None)

    parts = _texts([city, postal_code, region, country])
    location_raw = " ".join(location_text.split()) if isinstance(location_text, str) else None
    location_raw = location_raw or (", ".join(parts) if parts else None)
    values: dict[str, Any] = {}
    if location_raw or latitude is not None:
        place = _safe(
            ctx,
            "location",
            location_raw,
            lambda: resolve_location(
                location_text if isinstance(location_text, str) else None,
                country_hint=ctx.country,
                city=city,
                postal_code=postal_code,
                region=region,
                country=country,
                latitude=_number(latitude),
                longitude=_number(longitude),
            ),
        )
        if place is not None:
            values.update(
                city=place.city,
                postal_code=place.postal_code,
                region=place.region,
                country=place.country,
                latitude=place.latitude,
                longitude=place.longitude,
            )
            if location_raw and not (place.city or place.region or place.country):
                problem(ctx, "location", location_raw, "location not resolved")

    contract = _texts(contract_texts)
    contract_type = _safe(
        ctx, "contract_type", contract, lambda: parse_contract_type(*contract, clean_title)
    )
    hours = _texts(working_time_texts)
    working_time = _safe(
        ctx, "working_time", hours, lambda: parse_working_time(*hours, clean_title)
    )
    # Sources share one field for both ("Full-time", "Intern"): a text that answers the
    # other question was read, so it is not a problem.
    if contract and contract_type is None and working_time is None:
        problem(ctx, "contract_type", contract, "contract type not recognised")
    if hours and working_time is None and contract_type is None:
        problem(ctx, "working_time", hours, "working time not recognised")
    if contract_from_description and text and contract_type in (None, ContractType.TEMPORARY):
        described = _safe(ctx, "contract_type", "", lambda: parse_contract_type(text))
        if contract_type is None or described is ContractType.FIXED_TERM:
            contract_type = described or contract_type
    if working_time_from_description and text and working_time is None:
        working_time = _safe(ctx, "working_time", "", lambda: parse_working_time(text))
    contract_type = contract_type or overrides.contract_type
    working_time = working_time or overrides.working_time
    remote_hints = [*_texts(remote_texts), *_texts([location_raw, clean_title])]
    if remote_from_description:
        remote_hints.append(text)
    remote = _safe(
        ctx, "remote", remote_hints, lambda: parse_remote(*remote_hints, flag=remote_flag)
    )
    remote = remote or overrides.remote

    salary_text = " ".join(salary_raw.split()) if isinstance(salary_raw, str) else None
    if salary is None and not salary_text and salary_from_description:
        salary_text = _safe(ctx, "salary", "", lambda: salary_sentence(text))
    if salary is None and salary_text:
        salary = _safe(
            ctx,
            "salary",
            salary_text,
            lambda: parse_salary_text(salary_text, currency_hint=ctx.currency),
        )
    if salary is not None and salary.period_inferred and overrides.salary_period is not None:
        hinted = overrides.salary_period
        salary = build_salary(salary.min, salary.max, salary.currency, hinted)
    if salary is not None:
        values.update(
            salary_min=salary.min,
            salary_max=salary.max,
            salary_currency=salary.currency,
            salary_period=salary.period,
        )

    detected = language if isinstance(language, str) and _LANGUAGE.match(language) else None
    if detected is None:
        sample = f"{clean_title}\n{text}"
        detected = _safe(ctx, "language", sample[:200], lambda: detect_language(sample))
    values.update(
        source=ctx.source,
        source_offer_id=offer_id[:512],
        url=page,
        apply_url=absolute_url(apply_url, page),
        title=clean_title,
        company=company_name,
        description=text,
        description_html=html,
        location_raw=location_raw,
        remote=remote,
        contract_type=contract_type,
        working_time=working_time,
        salary_raw=salary_text or None,
        posted_at=_date(ctx, "posted_at", posted_at, parse_date),
        valid_through=_date(ctx, "valid_through", valid_through, parse_expiry),
        language=detected or ctx.language,
    )
    if values.get("country") is None and overrides.country is not None:
        values["country"] = overrides.country
    if apply_url and values["apply_url"] is None:
        problem(ctx, "apply_url", apply_url, "not an absolute http(s) URL")
    return _validated(ctx, _without_nul(values))


def dig(data: object, *path: str | int) -> Any:
    """The value at ``path`` in nested dicts/lists, or None when any step is missing."""
    current: Any = data
    for step in path:
        if (
            isinstance(step, int)
            and isinstance(current, list)
            and -len(current) <= step < len(current)
        ):
            current = current[step]
        elif isinstance(step, str) and isinstance(current, dict):
            current = current.get(step)
        else:
            return None
    return current


def text_of(value: object) -> str | None:
    """A non-empty string value (numbers as text), else None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def obj(value: object) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (absent or malformed nesting)."""
    return value if isinstance(value, dict) else {}
