"""The sandbox market: determinism, ground truth, cross-posting, hard negatives, time and scale."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from aggregator.sandbox.boards import BOARD_MARKETS, BOARDS
from aggregator.sandbox.market import EPOCH, Market
from aggregator.sandbox.model import BoardPosting
from aggregator.schema import ContractType, Posting, Remote, SalaryPeriod, WorkingTime


def everything(market: Market) -> dict[str, list[BoardPosting]]:
    return {b.key: market.postings(b.key) for b in market.boards()}


@pytest.fixture(scope="module")
def small() -> Market:
    return Market(seed=3, scale=0.1)


@pytest.fixture(scope="module")
def default() -> Market:
    return Market()


def test_same_seed_same_postings_other_seed_other_postings() -> None:
    first, second, other = Market(5, 0.05), Market(5, 0.05), Market(6, 0.05)
    assert everything(first) == everything(second)
    assert first.truth() == second.truth()
    assert everything(first) != everything(other)


def test_advance_three_equals_three_single_advances() -> None:
    at_once, stepwise = Market(9, 0.05), Market(9, 0.05)
    everything(stepwise)  # querying between ticks must not change anything
    at_once.advance(3)
    for _ in range(3):
        stepwise.advance(1)
        everything(stepwise)
    assert at_once.tick == stepwise.tick == 3
    assert at_once.now == EPOCH.replace(day=5)
    assert everything(at_once) == everything(stepwise)
    assert at_once.truth() == stepwise.truth()


def test_truth_matches_postings_exactly(small: Market) -> None:
    from_postings = {
        (p.board, p.source_offer_id, p.vacancy_id) for ps in everything(small).values() for p in ps
    }
    from_truth = {(r.board, r.source_offer_id, r.vacancy_id) for r in small.truth()}
    assert from_postings == from_truth
    assert len(small.truth()) == len(from_truth)  # no (board, id) listed twice


def test_offer_ids_unique_per_board_and_in_board_style(small: Market) -> None:
    styles = {
        "greenhouse": r"^\d{10}$",
        "lever": r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        "francetravail": r"^\d{3}[A-Z]{4}$",
        "workable": r"^[0-9A-F]{10}$",
        "smartrecruiters": r"^\d{15}$",
        "workday": r"^JR\d{10}$",
        "xmlfeed": r"^[A-Z]{3}-\d+$",
        "remoteok": r"^\d+$",
        "arbeitnow": r"^\d+$",
    }
    for spec in BOARDS:
        ids = [p.source_offer_id for p in small.postings(spec.key)]
        assert len(ids) == len(set(ids)), spec.key
        if spec.kind in styles:
            assert all(re.match(styles[spec.kind], i) for i in ids), spec.key


def test_cross_posting_shape(small: Market) -> None:
    per_vacancy = Counter(r.vacancy_id for r in small.truth())
    boards_of = defaultdict(set)
    for r in small.truth():
        boards_of[r.vacancy_id].add(r.board)
    mean = sum(per_vacancy.values()) / len(per_vacancy)
    assert 2.0 <= mean <= 5.0
    assert any(n == 1 for n in per_vacancy.values())
    assert any(len(b) >= 4 for b in boards_of.values())
    twice_same_board = Counter((r.board, r.vacancy_id) for r in small.truth())
    assert any(n == 2 for n in twice_same_board.values())


def test_hard_negatives_present_and_distinct(small: Market) -> None:
    batches = defaultdict(list)
    for v in small.vacancies():
        if v.batch:
            batches[(v.batch, v.batch_kind)].append(v)
    kinds = {kind for _, kind in batches}
    assert kinds == {"multi_city", "multi_role", "chain_template", "agency_clients"}
    for (_, kind), members in batches.items():
        assert len({v.vacancy_id for v in members}) == len(members)
        companies = {v.profile.company.key for v in members}
        assert len(companies) == 1
        if kind in ("multi_city", "chain_template"):
            assert len({v.profile.place for v in members}) == len(members)
            assert len({v.profile.occupation.key for v in members}) == 1
        if kind == "chain_template":
            assert len({(v.profile.title, v.profile.desc_key) for v in members}) == 1
        if kind == "multi_role":
            assert len({v.profile.occupation.key for v in members}) == len(members)
        if kind == "agency_clients":
            assert members[0].profile.company.kind == "agency"
            assert len({v.profile.client for v in members}) == len(members)


def test_time_brings_new_closed_edited_and_reposted_copies() -> None:
    market = Market(4, 0.1)
    before = {(p.board, p.source_offer_id): p for ps in everything(market).values() for p in ps}
    seen_new = seen_closed = seen_edited = seen_repost = 0
    for _ in range(4):
        market.advance()
        now = {(p.board, p.source_offer_id): p for ps in everything(market).values() for p in ps}
        seen_new += len(now.keys() - before.keys())
        seen_closed += len(before.keys() - now.keys())
        seen_edited += sum(
            1 for k in now.keys() & before.keys() if now[k].updated_at != before[k].updated_at
        )
        old_by_vacancy = {(k[0], p.vacancy_id) for k, p in before.items() if k not in now}
        seen_repost += sum(
            1 for k, p in now.items() if k not in before and (k[0], p.vacancy_id) in old_by_vacancy
        )
        for k in now.keys() & before.keys():
            assert now[k].title == before[k].title  # an edit never re-words the title
            assert now[k].updated_at >= before[k].updated_at
        before = now
    assert seen_new and seen_closed and seen_edited and seen_repost


def test_expired_copies_stay_listed_a_few_days(small: Market) -> None:
    lingering = [
        p
        for ps in everything(small).values()
        for p in ps
        if p.valid_through is not None and p.valid_through < small.now
    ]
    assert lingering
    assert all(BOARD_MARKETS[p.board].style.valid_through for p in lingering)


def test_republished_vacancies_get_a_new_id(default: Market) -> None:
    again = [v for v in default.vacancies() if v.republished_from]
    assert again
    open_ids = {v.vacancy_id for v in default.vacancies()}
    assert all(v.republished_from not in open_ids for v in again)


def test_default_scale_is_about_twenty_thousand(default: Market) -> None:
    assert 16_000 <= len(default.truth()) <= 24_000
    shares = Counter(v.profile.language for v in default.vacancies())
    total = sum(shares.values())
    assert 0.6 <= shares["fr"] / total <= 0.8
    assert shares["en"] and shares["de"]
    with_salary = sum(1 for v in default.vacancies() if v.profile.salary) / total
    assert 0.5 <= with_salary <= 0.7


def test_board_markets(default: Market) -> None:
    assert 65 <= len(BOARDS) <= 75
    for p in default.postings("remoteok") + default.postings("remotive"):
        assert p.remote == "remote" and p.language == "en"
    for p in default.postings("ft-offres"):
        assert p.language == "fr" and p.country == "FR"
    assert len(default.postings("ft-offres")) > 3150  # more than one search can page through
    assert all(p.contract_type == "temporary" for p in default.postings("ft-interim"))
    for spec in BOARDS:
        assert default.postings(spec.key), spec.key
    owner = BOARD_MARKETS["gh-maison-lumen"].owner
    assert {
        v.profile.company.key
        for v in default.vacancies()
        if any(c.board == "gh-maison-lumen" for c in v.copies)
    } == {owner}


def test_postings_fit_the_common_schema(small: Market) -> None:
    for ps in everything(small).values():
        previous = None
        for p in ps:
            assert p.contract_type is None or p.contract_type in set(ContractType)
            assert p.working_time is None or p.working_time in set(WorkingTime)
            assert p.remote is None or p.remote in set(Remote)
            assert p.salary_period is None or p.salary_period in set(SalaryPeriod)
            assert p.language in ("fr", "en", "de")
            assert p.posted_at.tzinfo is not None and p.posted_at <= small.now
            assert p.posted_at <= p.updated_at <= small.now
            assert (p.salary_min is None) == (p.salary_text is None) == (p.salary_currency is None)
            if previous is not None:
                assert previous.posted_at >= p.posted_at  # newest first
            previous = p
            Posting.model_validate(
                {
                    "source": p.board,
                    "source_offer_id": p.source_offer_id,
                    "url": f"https://example.org/{p.source_offer_id}",
                    "title": p.title,
                    "company": p.company,
                    "location_raw": p.location_text,
                    "city": p.city,
                    "postal_code": p.postal_code,
                    "country": p.country,
                    "latitude": p.latitude,
                    "longitude": p.longitude,
                    "remote": p.remote,
                    "contract_type": p.contract_type,
                    "working_time": p.working_time,
                    "salary_min": p.salary_min,
                    "salary_max": p.salary_max,
                    "salary_currency": p.salary_currency,
                    "salary_period": p.salary_period,
                    "salary_raw": p.salary_text,
                    "posted_at": p.posted_at,
                    "valid_through": p.valid_through,
                    "language": p.language,
                }
            )


def test_truth_jsonl_lines(small: Market) -> None:
    import orjson

    lines = list(small.truth_jsonl())
    assert len(lines) == len(small.truth())
    row = orjson.loads(lines[0])
    assert {"board", "source_offer_id", "vacancy_id", "batch", "tick"} <= row.keys()
