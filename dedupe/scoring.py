"""Pairwise comparison of two records: field scores, vetoes, gates, one explained decision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from rapidfuzz import fuzz

from dedupe.explanation import MatchExplanation
from dedupe.fingerprint import DescriptionPrint, containment
from dedupe.keys import Keys, compute_keys
from dedupe.places import same_site, site_known
from dedupe.records import DedupeRecord, canonical_order
from dedupe.salary import same_pay
from dedupe.vetoes import (
    Veto,
    place_veto,
    republication_gap,
    role_veto,
    terms_veto,
    text_veto,
    working_time_of,
)
from dedupe.vocab import vocab


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds and weights of the decision (precision first: a false merge hides a job)."""

    threshold: float = 0.80  # weighted total needed for a match
    strict_threshold: float = 0.88  # when a side lacks a description or a place
    min_title: float = 0.65
    min_company: float = 0.85
    min_description: float = 0.9  # both sides have a description of some length
    near_identical: float = 0.95  # description score proving a copy on its own
    min_date_unproven: float = 0.75  # date score needed otherwise (about 13 days apart)
    retitled_text: float = 0.97  # description score that lets a copy change its title
    min_date: float = 0.0  # date score a retitled copy needs beside that text
    min_title_total: float = 0.8  # a retitled copy's title under this is left out of the total
    retitled_date: float = 0.9  # ... when published within about a week of the other
    retitled_employer_text: float = 0.9  # ... or this, same employer and town, within a week
    agency_opening: float = 0.97  # opening likeness two ads of a staffing agency need
    merge_agency_reposts: bool = True  # an agency's repost of an employer's ad, on equal pay
    agency_title: float = 0.8  # an agency's repost of an employer's ad: title score needed
    agency_date: float = 0.95  # ... published within about five days
    agency_description: float = 0.2  # ... and sharing some missions (a cut copy holds few)
    agency_pay: float = 0.01  # ... and the same pay (both bounds within 1%)
    agency_text: float = 0.7  # ... or, with no pay on one side, this description score
    agency_terms: float = 0.4  # ... or this one, both texts stating the same terms
    agency_usual_terms: float = 0.45  # ... this one when the week stated is the usual one
    agency_terms_days: float = 1.5  # ... published within this many days of each other
    repost_days: float = 30.0  # re-publication within this many days of the close: a re-post
    new_vacancy_days: float = 60.0  # re-published later than this: a new vacancy
    max_km: float = 40.0
    max_site_km: float = 3.0  # two site coordinates (not town centres) further apart: two sites
    split_site_km: float = 1.5  # ... in Paris, Lyon, Marseille (arrondissements)
    same_board_km: float = 1.0  # a board's two ads: same postal code or sites this close
    # in Paris, Lyon, Marseille both sides must locate the site; off: a copy without its
    # arrondissement may join, the engine's same-board and ambiguity rules keep sites apart
    split_city_site: bool = False
    refuse_ambiguous: bool = True  # a copy two clusters of other sites accept joins neither
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
OPENING_CHARS = 240


def title_score(a: Keys, b: Keys) -> float:
    """Mean of token-sort and token-set ratios of the title keys (0..1)."""
    return (fuzz.token_sort_ratio(a.title, b.title) + fuzz.token_set_ratio(a.title, b.title)) / 200


@lru_cache(maxsize=4096)
def _acronym_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def abbreviates(acronym: str, company: str) -> bool:
    """Whether a company key is the acronym (pattern of :func:`dedupe.keys.company_key`)."""
    return bool(acronym) and _acronym_regex(acronym).fullmatch(company.replace(" ", "")) is not None


def company_score(a: Keys, b: Keys) -> float | None:
    """Company similarity; an acronym of the other's name counts as equal."""
    if not a.company or not b.company:
        return None
    if a.company == b.company or abbreviates(a.company_acronym, b.company):
        return 1.0
    if abbreviates(b.company_acronym, a.company):
        return 1.0
    squeezed = fuzz.ratio(a.company.replace(" ", ""), b.company.replace(" ", ""))
    return max(squeezed, 0.95 * fuzz.token_set_ratio(a.company, b.company)) / 100


def description_score(a: DescriptionPrint | None, b: DescriptionPrint | None) -> float | None:
    """Near-duplicate text: shingle containment, or prefix likeness when a copy is very short.

    Containment (how much of the smaller text the larger one holds) keeps a truncated copy
    or a copy with an added line near 1, where their Jaccard similarity would drop.
    """
    if a is None or b is None:
        return None
    if a.digest == b.digest:
        return 1.0
    short, long = (a, b) if a.length <= b.length else (b, a)
    score = containment(short, long)
    if short.signature is None or short.length < 0.9 * long.length:
        head = long.prefix[: len(short.prefix)]
        likeness = fuzz.ratio(short.prefix, head, score_cutoff=PREFIX_FLOOR * 100) / 100
        # a truncated copy repeats the start verbatim: only near-identical prefixes count
        score = max(score, max(0.0, (likeness - PREFIX_FLOOR) / (1 - PREFIX_FLOOR)))
    return score


def opening_likeness(a: DescriptionPrint | None, b: DescriptionPrint | None) -> float:
    """Likeness of the first sentences: where an agency names its client, a chain its town."""
    if a is None or b is None:
        return 0.0
    n = min(OPENING_CHARS, len(a.prefix), len(b.prefix))
    return fuzz.ratio(a.prefix[:n], b.prefix[:n]) / 100


def days_apart(a: datetime | None, b: datetime | None) -> float:
    """Days between two publications (infinite when either is undated)."""
    if a is None or b is None:
        return float("inf")
    return abs((a - b).total_seconds()) / 86400.0


def date_score(a: datetime | None, b: datetime | None) -> float | None:
    """1 within 3 days of each other, falling to 0 at 45 days."""
    if a is None or b is None:
        return None
    return max(0.0, min(1.0, 1 - (days_apart(a, b) - 3) / 42))


def retitled_text(
    a: Keys, b: Keys, company: float | None, date: float | None, config: MatchConfig
) -> float:
    """Description score that lets a copy carry another title.

    Lower when the same employer publishes it in the same town the same week: its other
    roles there have other missions, so their texts stay far apart, while a board that cuts
    or annotates a copy (an excerpt, an added line) keeps most of its text.
    """
    same_employer = company is not None and company >= 1.0
    same_town = bool(a.place.city) and a.place.city == b.place.city
    published_together = (date or 0.0) >= config.retitled_date
    if same_employer and same_town and published_together and role_named_in_both(a, b):
        return config.retitled_employer_text
    return config.retitled_text


def role_named_in_both(a: Keys, b: Keys) -> bool:
    """Whether both texts name the role by every word of one of the titles (not the town).

    A board's new title leaves the text naming the role as before; the employer's template
    for another role names that other role instead.
    """
    if a.description is None or b.description is None:
        return False
    town = set(a.place.city.split())
    for title in (a.title_tokens, b.title_tokens):
        role = [word for word in sorted(title) if len(word) >= 4 and word not in town]
        if role and all(a.description.mentions(w) and b.description.mentions(w) for w in role):
            return True
    return False


def _no(
    a: DedupeRecord, b: DedupeRecord, rule: str, reasons: list[str], **kw: float | None
) -> MatchExplanation:
    return MatchExplanation(a.key, b.key, dict(kw), 0.0, False, rule, tuple(reasons))


def is_new_vacancy(gap: float | None, config: MatchConfig = DEFAULT_CONFIG) -> bool:
    """Whether a copy published ``gap`` days after the earlier vacancy closed is a new one."""
    return gap is not None and gap > config.new_vacancy_days


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
    Cheap checks come first: most candidates are rejected before any text is compared.
    """
    if new.source == old.source and new.source_offer_id == old.source_offer_id:
        return MatchExplanation(new.key, old.key, {}, 1.0, True, "same_source_id")
    veto: Veto | None = place_veto(
        new_keys, old_keys, config.max_km, config.max_site_km, config.split_site_km
    ) or terms_veto(new, old, new_keys, old_keys)
    gap = republication_gap(new.posted_at, closed_at)
    if veto is None and is_new_vacancy(gap, config):
        veto = Veto("republished", f"published {gap:.0f} days after the earlier copy closed")
    if veto is not None:
        return _no(new, old, f"veto:{veto.field}", [veto.reason])
    if new.source == old.source and not same_site(
        new_keys.place, old_keys.place, config.same_board_km
    ):
        # a board lists a chain's template once per site: its two ads must show the same site
        reason = "one board's two ads must give the same postal code or site"
        return _no(new, old, "same_board_place", [reason])
    if config.split_city_site and not (site_known(new_keys.place) and site_known(old_keys.place)):
        # a chain has several sites in a city of arrondissements: "Paris" alone fits them all
        reason = f"{new_keys.place.city!r} has arrondissements: both sides must locate the site"
        return _no(new, old, "site_unknown", [reason])
    title = title_score(new_keys, old_keys)
    fields: dict[str, float | None] = {"title": title}
    if new_keys.url == old_keys.url and title >= 0.8:
        return MatchExplanation(new.key, old.key, fields, 1.0, True, "same_url")
    fields["company"] = company = company_score(new_keys, old_keys)
    # an agency's ad against an employer's
    repost = config.merge_agency_reposts and new_keys.agency != old_keys.agency
    if company is not None and company < config.min_company and not repost:
        reason = f"companies {new_keys.company!r} / {old_keys.company!r}"
        return _no(new, old, "company_differs", [reason], **fields)
    veto = text_veto(new_keys, old_keys) or role_veto(new_keys, old_keys)
    if veto is not None:
        return _no(new, old, f"veto:{veto.field}", [veto.reason], **fields)
    fields["description"] = description = description_score(
        new_keys.description, old_keys.description
    )
    fields["date"] = date = date_score(new.posted_at, old.posted_at)
    near_identical = description is not None and description >= config.near_identical
    if repost:
        return agency_repost(new, new_keys, old, old_keys, fields, config)
    retitled = description is not None and description >= retitled_text(
        new_keys, old_keys, company, date, config
    )
    if title < config.min_title and not (retitled and (date or 0.0) >= config.min_date):
        # boards retitle a job freely; the same text published together still proves it
        reason = f"titles {new_keys.title!r} / {old_keys.title!r}"
        return _no(new, old, "title_differs", [reason], **fields)
    nd, od = new_keys.description, old_keys.description
    substantial = nd is not None and od is not None and min(nd.tokens, od.tokens) >= 20
    if substantial and (description or 0.0) < config.min_description:
        return _no(new, old, "description_differs", ["descriptions are different texts"], **fields)
    if new_keys.agency and old_keys.agency:
        opening = opening_likeness(nd, od)
        if opening < config.agency_opening:
            # a veto, so that a cluster holding one client's ad turns away the next client's
            reason = "staffing agency: one template serves many clients, near-identical text needed"
            return _no(new, old, "veto:agency", [reason], **fields)
    both_places = bool(new_keys.place.key and old_keys.place.key)
    fields["place"] = 1.0 if both_places else None
    fields["salary"] = 1.0 if new_keys.salary and old_keys.salary else None
    weights = dict(config.weights)
    known = {name: value for name, value in fields.items() if value is not None}
    if retitled and title < config.min_title_total and (date or 0.0) >= config.retitled_date:
        # the same text published together proves the copy: a new title does not weigh
        known.pop("title")
    total = sum(weights[n] * v for n, v in known.items()) / sum(weights[n] for n in known)
    needed, reasons = config.threshold, []
    if description is None or not both_places or company is None:
        needed = config.strict_threshold
        reasons.append("thin evidence (description, place or company missing): strict threshold")
    if gap is not None and gap > config.repost_days:
        needed = max(needed, config.strict_threshold)
        reasons.append(f"re-published {gap:.0f} days after the close: strict threshold")
    if description is None and (company is None or not both_places):
        return MatchExplanation(
            new.key, old.key, fields, total, False, "insufficient_evidence", tuple(reasons)
        )
    if not near_identical and (date is None or date < config.min_date_unproven):
        # the text alone does not prove a copy: the copies must also be published together
        reasons.append("description not near-identical and dates not close")
        return MatchExplanation(
            new.key, old.key, fields, total, False, "dates_apart", tuple(reasons)
        )
    match = total >= needed
    return MatchExplanation(
        new.key, old.key, fields, total, match, "score" if match else "score_below", tuple(reasons)
    )


def agency_repost(
    new: DedupeRecord,
    new_keys: Keys,
    old: DedupeRecord,
    old_keys: Keys,
    fields: dict[str, float | None],
    config: MatchConfig,
) -> MatchExplanation:
    """A staffing agency's ad against an employer's: the agency rewrites the text and hides
    the client's name, so only the job, the exact town and the week can tie them together,
    with an equal published pay, or the employer's own text when a side publishes no pay.
    """
    reasons: list[str] = []
    pn, po = new_keys.place, old_keys.place
    description = fields["description"] or 0.0
    one_unpaid = new_keys.salary is None or old_keys.salary is None
    # the employer's terms repeated (contract, working time, hours a week, remote work) with
    # its missions, the same days: the role is the same whatever title each board gives it
    usual = new_keys.weekly_hours in vocab().usual_weekly_hours
    terms = (
        one_unpaid
        and description >= (config.agency_usual_terms if usual else config.agency_terms)
        and days_apart(new.posted_at, old.posted_at) <= config.agency_terms_days
        and same_terms(new, new_keys, old, old_keys)
    )
    if not (pn.city and pn.city == po.city):
        reasons.append("the agency's ad and the employer's must name the same town")
    # a board's other title for the role: both texts still name it as the employer does
    same_role = role_named_in_both(new_keys, old_keys)
    if not same_role and (fields["title"] is None or fields["title"] < config.agency_title):
        reasons.append("the agency's ad and the employer's must have the same title")
    if (fields["date"] or 0.0) < config.agency_date:
        reasons.append("the agency's ad and the employer's must be published the same week")
    if description < config.agency_description:
        reasons.append("the agency's ad and the employer's must describe the same missions")
    shared_text = terms or (one_unpaid and description >= config.agency_text)
    if not shared_text and not same_pay(new_keys.salary, old_keys.salary, config.agency_pay):
        # the agency rewrites the text: an equal published pay is what ties the two ads
        reasons.append(
            "the agency's ad and the employer's must publish the same pay"
            f" (or, one unpaid, keep the employer's text: description {config.agency_text},"
            f" or its terms and {config.agency_terms})"
        )
    fields = {**fields, "place": 1.0 if pn.city else None}
    if reasons:
        return MatchExplanation(
            new.key, old.key, fields, 0.0, False, "agency_repost_no", tuple(reasons)
        )
    return MatchExplanation(new.key, old.key, fields, 1.0, True, "agency_repost")


def same_terms(a: DedupeRecord, ka: Keys, b: DedupeRecord, kb: Keys) -> bool:
    """Whether both ads state the same terms: contract, working time, hours a week, remote work.

    An agency rewrites the employer's text but repeats its conditions; each must be given by
    both (remote work: stated by both alike or by neither), a silence proves nothing.
    """
    if a.contract_type is None or a.contract_type != b.contract_type:
        return False
    wa = working_time_of(a, ka)
    if not wa or wa != working_time_of(b, kb):
        return False
    if ka.weekly_hours is None or ka.weekly_hours != kb.weekly_hours:
        return False
    return ka.stated_remote == kb.stated_remote


def explain(
    a: DedupeRecord, b: DedupeRecord, config: MatchConfig = DEFAULT_CONFIG
) -> MatchExplanation:
    """Compare two records the way the engine would, the earlier one as the reference."""
    old, new = sorted((a, b), key=canonical_order)
    return compare(
        new, compute_keys(new), old, compute_keys(old), closed_at=old.closed_at, config=config
    )
