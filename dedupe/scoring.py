"""Pairwise comparison of two records: field scores, vetoes, gates, one explained decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

from dedupe.explanation import MatchExplanation
from dedupe.fingerprint import DescriptionPrint, jaccard_estimate
from dedupe.keys import Keys, compute_keys
from dedupe.records import DedupeRecord, canonical_order
from dedupe.vetoes import Veto, place_veto, republication_gap, terms_veto


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds and weights of the decision (precision first: a false merge hides a job)."""

    threshold: float = 0.80  # weighted total needed for a match
    strict_threshold: float = 0.88  # when a side lacks a description or a place
    min_title: float = 0.65
    min_company: float = 0.85
    min_description: float = 0.8  # both sides have a description of some length
    near_identical: float = 0.95  # description score proving a copy on its own
    min_date_unproven: float = 0.75  # date score needed otherwise (about 13 days apart)
    repost_days: float = 30.0  # re-publication within this many days of the close: a re-post
    new_vacancy_days: float = 60.0  # re-published later than this: a new vacancy
    max_km: float = 40.0
    weights: tuple[tuple[str, float], ...] = (
        ("title", 3.0),
        ("company", 2.0),
        ("description", 4.0),
        ("place", 1.0),
        ("salary", 1.0),
        ("date", 1.0),
    )


DEFAULT_CONFIG = MatchConfig()
PREFIX_FLOOR = 0.9


def title_score(a: Keys, b: Keys) -> float:
    """Mean of token-sort and token-set ratios of the title keys (0..1)."""
    return (fuzz.token_sort_ratio(a.title, b.title) + fuzz.token_set_ratio(a.title, b.title)) / 200


def company_score(a: Keys, b: Keys) -> float | None:
    """Company similarity; an acronym equal to the other's key counts as equal."""
    if not a.company or not b.company:
        return None
    if a.company == b.company or a.company_acronym == b.company.replace(" ", ""):
        return 1.0
    if b.company_acronym == a.company.replace(" ", ""):
        return 1.0
    squeezed = fuzz.ratio(a.company.replace(" ", ""), b.company.replace(" ", ""))
    return max(squeezed, 0.95 * fuzz.token_set_ratio(a.company, b.company)) / 100


def description_score(a: DescriptionPrint | None, b: DescriptionPrint | None) -> float | None:
    """Near-duplicate text: MinHash Jaccard, or prefix likeness when one copy is truncated."""
    if a is None or b is None:
        return None
    if a.digest == b.digest:
        return 1.0
    short, long = (a, b) if a.length <= b.length else (b, a)
    score = 0.0
    if short.signature is not None and long.signature is not None:
        score = jaccard_estimate(short.signature, long.signature)
    if short.signature is None or short.length < 0.9 * long.length:
        head = long.prefix[: len(short.prefix)]
        likeness = fuzz.ratio(short.prefix, head, score_cutoff=PREFIX_FLOOR * 100) / 100
        # a truncated copy repeats the start verbatim: only near-identical prefixes count
        score = max(score, max(0.0, (likeness - PREFIX_FLOOR) / (1 - PREFIX_FLOOR)))
    return score


def _same_full_text(a: Keys, b: Keys, config: MatchConfig) -> bool:
    """Both full descriptions (neither truncated) are the same text up to board formatting."""
    da, db = a.description, b.description
    if da is None or db is None:
        return False
    if da.digest == db.digest:
        return True
    if da.signature is None or db.signature is None:
        return False
    if min(da.length, db.length) < 0.9 * max(da.length, db.length):
        return False
    return jaccard_estimate(da.signature, db.signature) >= config.near_identical


def date_score(a: datetime | None, b: datetime | None) -> float | None:
    """1 within 3 days of each other, falling to 0 at 45 days."""
    if a is None or b is None:
        return None
    days = abs((a - b).total_seconds()) / 86400.0
    return max(0.0, min(1.0, 1 - (days - 3) / 42))


def _no(
    a: DedupeRecord, b: DedupeRecord, rule: str, reasons: list[str], **kw: float | None
) -> MatchExplanation:
    return MatchExplanation(a.key, b.key, dict(kw), 0.0, False, rule, tuple(reasons))


def compare(
    new: DedupeRecord,
    new_keys: Keys,
    old: DedupeRecord,
    old_keys: Keys,
    *,
    closed_at: datetime | None,
    config: MatchConfig = DEFAULT_CONFIG,
) -> MatchExplanation:
    """Decide whether ``new`` is a copy of ``old``, the earlier record.

    ``closed_at`` is when the vacancy behind ``old`` stopped being published (its cluster's
    last close, None while any copy is open); it decides re-post versus new vacancy.
    """
    veto: Veto | None = place_veto(new_keys, old_keys, config.max_km) or terms_veto(
        new, old, new_keys, old_keys
    )
    gap = republication_gap(new.posted_at, closed_at)
    if veto is None and gap is not None and gap > config.new_vacancy_days:
        veto = Veto("republished", f"published {gap:.0f} days after the earlier copy closed")
    if veto is not None:
        return _no(new, old, f"veto:{veto.field}", [veto.reason])
    if new.source == old.source and new.source_offer_id == old.source_offer_id:
        return MatchExplanation(new.key, old.key, {}, 1.0, True, "same_source_id")
    title = title_score(new_keys, old_keys)
    fields: dict[str, float | None] = {"title": title}
    if new_keys.url == old_keys.url and title >= 0.8:
        return MatchExplanation(new.key, old.key, fields, 1.0, True, "same_url")
    fields["company"] = company_score(new_keys, old_keys)
    if title < config.min_title:
        # boards retitle a job freely; an identical text from the same company still proves it
        if fields["company"] is not None and fields["company"] >= config.min_company:
            fields["description"] = description_score(new_keys.description, old_keys.description)
        if not _same_full_text(new_keys, old_keys, config):
            reason = f"titles {new_keys.title!r} / {old_keys.title!r}"
            return _no(new, old, "title_differs", [reason], **fields)
    if fields["company"] is not None and fields["company"] < config.min_company:
        reason = f"companies {new_keys.company!r} / {old_keys.company!r}"
        return _no(new, old, "company_differs", [reason], **fields)
    if "description" not in fields:
        fields["description"] = description_score(new_keys.description, old_keys.description)
    substantial = (
        fields["description"] is not None
        and min(
            new_keys.description.tokens if new_keys.description else 0,
            old_keys.description.tokens if old_keys.description else 0,
        )
        >= 20
    )
    if substantial and (fields["description"] or 0.0) < config.min_description:
        return _no(new, old, "description_differs", ["descriptions are different texts"], **fields)
    if (new_keys.agency or old_keys.agency) and not _same_full_text(new_keys, old_keys, config):
        reason = "staffing agency: one template serves many clients, near-identical text needed"
        return _no(new, old, "agency_template", [reason], **fields)
    both_places = bool(new_keys.place.key and old_keys.place.key)
    fields["place"] = 1.0 if both_places else None
    fields["salary"] = 1.0 if new_keys.salary and old_keys.salary else None
    fields["date"] = date_score(new.posted_at, old.posted_at)
    weights = dict(config.weights)
    known = {name: value for name, value in fields.items() if value is not None}
    total = sum(weights[n] * v for n, v in known.items()) / sum(weights[n] for n in known)
    needed, reasons = config.threshold, []
    if fields["description"] is None or not both_places or fields["company"] is None:
        needed = config.strict_threshold
        reasons.append("thin evidence (description, place or company missing): strict threshold")
    if gap is not None and gap > config.repost_days:
        needed = max(needed, config.strict_threshold)
        reasons.append(f"re-published {gap:.0f} days after the close: strict threshold")
    if fields["description"] is None and (fields["company"] is None or not both_places):
        return MatchExplanation(
            new.key, old.key, fields, total, False, "insufficient_evidence", tuple(reasons)
        )
    description = fields["description"]
    if description is None or description < config.near_identical:
        # the text alone does not prove a copy: the copies must also be published together
        date = fields["date"]
        if date is None or date < config.min_date_unproven:
            return MatchExplanation(
                new.key,
                old.key,
                fields,
                total,
                False,
                "dates_apart",
                (*reasons, "description not near-identical and dates not close"),
            )
    match = total >= needed
    return MatchExplanation(
        new.key, old.key, fields, total, match, "score" if match else "score_below", tuple(reasons)
    )


def explain(
    a: DedupeRecord, b: DedupeRecord, config: MatchConfig = DEFAULT_CONFIG
) -> MatchExplanation:
    """Compare two records the way the engine would, the earlier one as the reference."""
    old, new = sorted((a, b), key=canonical_order)
    return compare(
        new, compute_keys(new), old, compute_keys(old), closed_at=old.closed_at, config=config
    )
