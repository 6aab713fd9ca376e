"""A vacancy's life on the boards, decided at birth: when it closes, its edits, copies and reposts.

Owned boards (the employer's ATS or career site, the agency's feed) publish on the day the vacancy
opens; aggregators pick it up a day or two later, a few of them twice under two ids. Copies
disappear when the vacancy closes, or linger a few days past an announced ``valid_through``.
"""

from __future__ import annotations

import random
from functools import cache

from aggregator.sandbox.boards import BOARD_MARKETS, BOARDS, BoardMarket
from aggregator.sandbox.ids import MAX_COPIES, copy_number, offer_id
from aggregator.sandbox.records import Copy, Profile, Vacancy

_AGGREGATOR_COUNTS = ((0, 1, 2, 3, 4), (15, 30, 30, 17, 8))  # besides an owned board
_ALONE_COUNTS = ((1, 2, 3, 4, 5), (30, 30, 22, 12, 6))  # vacancies with no owned board
_DELAYS = ((0, 1, 2, 3), (60, 25, 10, 5))
EXPIRE_SHARE = 0.35  # copies that close by letting valid_through pass (boards announcing one)
REPOST_SHARE = 0.06
MAX_LINGER = 7  # ticks a copy can stay listed after the vacancy closes
DUPLICATE_SHARE = 0.05


@cache
def _owned() -> dict[str, tuple[BoardMarket, ...]]:
    owned: dict[str, list[BoardMarket]] = {}
    for spec in BOARDS:
        m = BOARD_MARKETS[spec.key]
        if m.owner:
            owned.setdefault(m.owner, []).append(m)
    return {k: tuple(v) for k, v in owned.items()}


@cache
def _tokens() -> dict[str, str]:
    return {s.key: s.token for s in BOARDS}


@cache
def _aggregators() -> tuple[BoardMarket, ...]:
    return tuple(BOARD_MARKETS[s.key] for s in BOARDS if not BOARD_MARKETS[s.key].owner)


def eligible(board: BoardMarket, profile: Profile) -> bool:
    """Whether an aggregator's audience includes the vacancy."""
    a, place = board.audience, profile.place
    return (
        (not a.languages or profile.language in a.languages)
        and (not a.countries or place.country in a.countries)
        and (not a.regions or (place.country == "FR" and place.region in a.regions))
        and (not a.contracts or profile.contract_type in a.contracts)
        and (not a.remote_only or profile.remote == "remote")
    )


def _lifetime(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.4:
        return rng.randint(5, 20)
    if roll < 0.85:
        return rng.randint(20, 45)
    return rng.randint(45, 90)


def _choose_boards(rng: random.Random, profile: Profile, owned: bool) -> list[BoardMarket]:
    pool = [b for b in _aggregators() if eligible(b, profile)]
    counts, weights = _AGGREGATOR_COUNTS if owned else _ALONE_COUNTS
    wanted = min(rng.choices(counts, weights=weights)[0], len(pool))
    chosen: list[BoardMarket] = []
    while len(chosen) < wanted:
        pick = rng.choices(pool, weights=[b.weight for b in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def build_vacancy(
    seed: int,
    profile: Profile,
    key: tuple[int, int, int],
    batch: tuple[str, str] | None = None,
    republished_from: str | None = None,
    alive_from: int | None = None,
) -> Vacancy | None:
    """The vacancy ``key`` = (birth tick, event, member) with its whole life on the boards.

    None when it is never listed, or (a shortcut for the backlog) when it is gone for good
    before tick ``alive_from``: its own random stream makes skipping it harmless to others.
    """
    born, event, member = key
    rng = random.Random(f"{seed}:{born}:{event}:{member}:life")
    closes = born + _lifetime(rng)
    if alive_from is not None and closes + MAX_LINGER <= alive_from:
        return None
    edits = tuple(
        sorted(
            (
                rng.randint(born + 1, closes - 1),
                "salary" if profile.salary and rng.random() < 0.5 else "description",
            )
            for _ in range(rng.choices((0, 1, 2), weights=(65, 25, 10))[0])
        )
    )
    plan: list[tuple[BoardMarket, int, int, bool]] = []  # board, start, end, via agency
    own = list(_owned().get(profile.company.key, ()))
    agency_boards = list(_owned().get(profile.agency.key, ())) if profile.agency else []
    for b in own:
        if rng.random() < 0.92:
            plan.append((b, born, closes, profile.company.kind == "agency"))
    if profile.agency and profile.agency is not profile.company:
        plan.extend(
            (b, born + rng.randint(0, 1), closes, True) for b in agency_boards if rng.random() < 0.9
        )
    for b in _choose_boards(rng, profile, owned=bool(plan)):
        start = min(born + rng.choices(*_DELAYS)[0], closes - 1)
        end = max(start + 1, closes + rng.randint(-2, 2))
        via = profile.agency is not None and (
            profile.company.kind == "agency" or rng.random() < 0.5
        )
        plan.append((b, start, end, via))
    aggregated = [p for p in plan if not p[0].owner]
    if aggregated and rng.random() < DUPLICATE_SHARE:
        b, start, end, via = rng.choice(aggregated)
        plan.append(
            (b, min(start + rng.randint(0, 3), end - 1), end, via != (profile.agency is not None))
        )

    copies: list[Copy] = []

    def add(
        b: BoardMarket, start: int, end: int, via: bool, repost: bool, last: bool = True
    ) -> None:
        number = copy_number(born, event, member, len(copies))
        valid = None
        if b.style.valid_through:
            if last and rng.random() < EXPIRE_SHARE:
                valid, end = end, end + rng.randint(1, 5)
            else:
                valid = max(start + 30, end + rng.randint(1, 20))
        lag = 0 if b.owner else rng.randint(0, 2)
        oid = offer_id(b.kind, b.key, _tokens()[b.key], seed, number)
        copies.append(Copy(b.key, oid, number, start, end, valid, lag, via, repost))

    for b, start, end, via in plan:
        if len(copies) >= MAX_COPIES - 1:
            break
        share = REPOST_SHARE if not b.owner else REPOST_SHARE / 2
        if end - start >= 8 and rng.random() < share:
            cut = rng.randint(start + 3, end - 3)
            add(b, start, cut, via, False, last=False)
            add(b, cut, end, via, True)
        else:
            add(b, start, end, via, False)
    if not copies:
        return None
    vacancy_id = f"V{born + 1000:04d}-{event:04d}-{member}"
    return Vacancy(
        vacancy_id=vacancy_id,
        born=born,
        closes=closes,
        profile=profile,
        edits=edits,
        copies=tuple(copies),
        batch=batch[0] if batch else None,
        batch_kind=batch[1] if batch else None,
        republished_from=republished_from,
    )
