"""Births of vacancies, tick by tick: single offers, hard-negative batches and re-publications.

Each tick has its own number of birth events and each event its own random stream, seeded by
``(seed, tick, event)``: a tick's vacancies never depend on the order in which ticks are
generated, which is what makes ``advance(3)`` equal to three ``advance(1)``.
"""

from __future__ import annotations

import random
from dataclasses import replace

from aggregator.sandbox.ids import MAX_EVENTS
from aggregator.sandbox.life import build_vacancy
from aggregator.sandbox.profiles import (
    draw_profile,
    pick_company,
    pick_place,
    pools,
    sibling_role,
)
from aggregator.sandbox.records import Profile, Vacancy
from aggregator.sandbox.vocab import templates

BASE_EVENTS = 190.0  # birth events per tick at scale 1.0 (calibrated: ≈ 20,000 open copies)
WEEKDAY = (1.2, 1.15, 1.15, 1.1, 1.05, 0.4, 0.3)  # Monday first; tick 0 is a Monday
REPUBLISH_SHARE = 0.01
REPUBLISH_AGE = (60, 150)  # ticks between the old vacancy's birth and its re-publication
REPUBLISH_GAP = 20  # the old vacancy must have been gone that long


def event_count(seed: int, scale: float, tick: int) -> int:
    """How many birth events happen on ``tick``."""
    rng = random.Random(f"{seed}:n:{tick}")
    mean = BASE_EVENTS * scale * WEEKDAY[tick % 7]
    count = int(mean * rng.uniform(0.85, 1.15) + rng.random())
    if count * (1 + REPUBLISH_SHARE) + 2 >= MAX_EVENTS:
        raise ValueError(f"scale {scale} is too large for the id scheme")
    return count


def _batch(rng: random.Random, base: Profile) -> tuple[list[Profile], str | None]:
    """The event's vacancies: ``base`` alone or with look-alikes that are other vacancies."""
    company = base.company
    roll = rng.random()
    n_sites = len(pools().sites[company.key][0])
    if company.kind == "chain" and roll < 0.3:
        kind, size = "chain_template", rng.randint(3, 7)
    elif company.kind == "agency" and roll < 0.4:
        kind, size = "agency_clients", rng.randint(2, 4)
    elif roll < 0.07 and n_sites > 1:
        kind, size = "multi_city", rng.randint(2, 4)
    elif roll < 0.12:
        kind, size = "multi_role", rng.randint(2, 3)
    else:
        return [base], None
    members = [base]
    seen_places = {base.place}
    n_clients = len(templates()["description"][base.language]["clients"])
    while len(members) < size:
        if kind in ("chain_template", "multi_city"):
            place = pick_place(rng, company, avoid=seen_places)
            if place in seen_places:
                break
            seen_places.add(place)
            members.append(replace(base, place=place))
        elif kind == "agency_clients":
            used = {m.client for m in members}
            free = [c for c in range(n_clients) if c not in used]
            if not free:
                break
            place = base.place if rng.random() < 0.5 else pick_place(rng, company)
            members.append(replace(base, client=rng.choice(free), place=place))
        else:
            other = sibling_role(rng, base)
            if other is None or any(m.occupation.key == other.occupation.key for m in members):
                break
            members.append(other)
    return members, (kind if len(members) > 1 else None)


def event(seed: int, tick: int, index: int, alive_from: int | None = None) -> list[Vacancy]:
    """The vacancies born in birth event ``index`` of ``tick`` (still listed at ``alive_from``)."""
    rng = random.Random(f"{seed}:{tick}:{index}")
    company, language = pick_company(rng)
    base = draw_profile(rng, company, language)
    members, kind = _batch(rng, base)
    batch = (f"B{tick + 1000:04d}-{index:04d}", kind) if kind else None
    out = [
        build_vacancy(seed, p, (tick, index, m), batch, alive_from=alive_from)
        for m, p in enumerate(members)
    ]
    return [v for v in out if v is not None]


def _republished(
    seed: int, scale: float, tick: int, index: int, slot: int, alive_from: int | None
) -> Vacancy | None:
    """An old vacancy, long closed, published again as a new vacancy (or None this time)."""
    rng = random.Random(f"{seed}:{tick}:again:{slot}")
    source_tick = tick - rng.randint(*REPUBLISH_AGE)
    count = event_count(seed, scale, source_tick)
    if count == 0:
        return None
    old = event(seed, source_tick, rng.randrange(count))
    if not old or old[0].last_listed > tick - REPUBLISH_GAP:
        return None
    return build_vacancy(
        seed,
        old[0].profile,
        (tick, index, 0),
        republished_from=old[0].vacancy_id,
        alive_from=alive_from,
    )


def born_on(seed: int, scale: float, tick: int, alive_from: int | None = None) -> list[Vacancy]:
    """Every vacancy born on ``tick`` (and still listed at ``alive_from``), in a stable order."""
    count = event_count(seed, scale, tick)
    out: list[Vacancy] = []
    for index in range(count):
        out.extend(event(seed, tick, index, alive_from))
    rng = random.Random(f"{seed}:again:{tick}")
    slots = int(count * REPUBLISH_SHARE + rng.random())
    for slot in range(slots):
        again = _republished(seed, scale, tick, count + slot, slot, alive_from)
        if again is not None:
            out.append(again)
    return out
