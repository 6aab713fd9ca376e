"""How copies of one vacancy differ: titles, companies, locations, salaries and descriptions."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from aggregator.sandbox import descriptions
from aggregator.sandbox.market import Market
from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.records import Salary
from aggregator.sandbox.salary_text import NNBSP, format_number, write_salary

STYLES = ("fr", "fr_nbsp", "fr_space", "plain", "dot1", "dot2", "comma2", "en", "de", "ch", "k")


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(seed=11, scale=0.3)


@pytest.fixture(scope="module")
def postings(market: Market) -> list[BoardPosting]:
    return [p for b in market.boards() for p in market.postings(b.key)]


def test_gender_markers_in_each_language(postings: list[BoardPosting]) -> None:
    titles = " | ".join(p.title for p in postings)
    for marker in ("(H/F)", "F/H", "(m/w/d)"):
        assert marker in titles
    assert any(p.title.isupper() for p in postings)


def test_location_written_in_several_ways(postings: list[BoardPosting]) -> None:
    texts = {p.location_text for p in postings}
    assert any(t.startswith("Paris ") and t.endswith("e") for t in texts)  # Paris 15e
    assert any(t.startswith("750") and t.endswith(" Paris") for t in texts)  # 75015 Paris
    assert "Paris (75)" in texts
    assert any(t.startswith("75 - PARIS ") for t in texts)  # France Travail style
    assert any(t in ("Remote", "Télétravail", "Anywhere") for t in texts)


def test_company_written_in_several_ways(postings: list[BoardPosting]) -> None:
    names = {p.company for p in postings}
    assert {"Héliopay", "Heliopay"} <= names or {"Verdane Énergies", "Verdane Energies"} <= names
    assert any(n.endswith(" SAS") for n in names)
    assert any(n.startswith("Groupe ") for n in names)
    assert any(n.endswith("GmbH") for n in names)


def test_salary_forms(postings: list[BoardPosting]) -> None:
    texts = [p.salary_text for p in postings if p.salary_text]
    joined = " | ".join(texts)
    assert NNBSP in joined and "brut annuel" in joined
    assert "Euros par mois" in joined and "k€" in joined
    assert "Horaire de" in joined
    assert "£" in joined and "brutto" in joined


def test_salary_text_agrees_with_structured_amounts(postings: list[BoardPosting]) -> None:
    checked = 0
    for p in postings:
        if p.salary_text is None or p.salary_min is None:
            continue
        amounts = [p.salary_min] + ([p.salary_max] if p.salary_max is not None else [])
        for amount in amounts:
            renderings = {
                format_number(amount, s) for s in STYLES if s != "k" or amount % 1000 == 0
            }
            assert any(r in p.salary_text for r in renderings), (p.salary_text, amount)
        checked += 1
    assert checked > 100


def test_copies_of_one_vacancy_differ(postings: list[BoardPosting]) -> None:
    by_vacancy: dict[str, list[BoardPosting]] = defaultdict(list)
    for p in postings:
        by_vacancy[p.vacancy_id].append(p)
    multi = [ps for ps in by_vacancy.values() if len(ps) >= 3]
    assert multi
    assert sum(1 for ps in multi if len({p.title for p in ps}) > 1) > len(multi) / 3
    assert sum(1 for ps in multi if len({p.location_text for p in ps}) > 1) > len(multi) / 3
    spread = [max(p.posted_at for p in ps) - min(p.posted_at for p in ps) for ps in multi]
    assert any(s.days >= 1 for s in spread)


def test_descriptions_by_board(market: Market) -> None:
    adzuna = market.postings("az-fr")
    assert any(p.description_html.endswith("…</p>") for p in adzuna)
    assert all(len(p.description_html) < 700 for p in adzuna)
    ft = market.postings("ft-offres")
    assert all("##########" in p.description_html for p in ft)
    owned = market.postings("gh-maison-lumen")
    assert any("<ul>" in p.description_html for p in owned)


def test_chain_template_differs_only_by_town(market: Market) -> None:
    chains = defaultdict(list)
    for v in market.vacancies():
        if v.batch_kind == "chain_template":
            chains[v.batch].append(v)
    members = next(ms for ms in chains.values() if len(ms) >= 2)
    texts = set()
    for v in members:
        parts = descriptions.sections(
            v.profile,
            v.profile.company.name,
            v.profile.place.name,
            v.profile.title,
            None,
            False,
            [],
        )
        html = descriptions.render(parts, "full", [])
        texts.add(html.replace(v.profile.place.name, "{city}"))
    assert len(texts) == 1


def test_edit_appends_a_line_or_changes_the_salary() -> None:
    market = Market(seed=12, scale=0.1)
    before = {
        (p.board, p.source_offer_id): p for b in market.boards() for p in market.postings(b.key)
    }
    market.advance(2)
    changed = [
        (before[(p.board, p.source_offer_id)], p)
        for b in market.boards()
        for p in market.postings(b.key)
        if (p.board, p.source_offer_id) in before
        and p.updated_at != before[(p.board, p.source_offer_id)].updated_at
    ]
    assert changed
    for old, new in changed:
        assert (old.description_html, old.salary_min) != (new.description_html, new.salary_min)
        assert (old.title, old.location_text, old.company) == (
            new.title,
            new.location_text,
            new.company,
        )


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (35000, "fr", "35\u202f000"),
        (35000, "fr_nbsp", "35\u00a0000"),
        (12.06, "fr", "12,06"),
        (38000, "dot1", "38000.0"),
        (1923, "dot2", "1923.00"),
        (40000, "comma2", "40000,00"),
        (30000, "en", "30,000"),
        (65000, "de", "65.000"),
        (95000, "ch", "95’000"),
        (45000, "k", "45"),
        (2000, "plain", "2000"),
    ],
)
def test_number_styles(value: float, style: str, expected: str) -> None:
    assert format_number(value, style) == expected


def test_write_salary_rounds_before_writing_thousands() -> None:
    seen_k = 0
    for i in range(200):
        salary = Salary(45250.0, 55750.0, "EUR", "year")
        copy, text = write_salary(random.Random(i), salary, "fr")
        assert copy.high is not None and copy.low <= copy.high
        if "k€" in text:
            seen_k += 1
            assert copy.low % 1000 == 0 and copy.high % 1000 == 0
            assert f"{copy.low / 1000:g}" in text
    assert seen_k
    from_only = Salary(34000.0, None, "EUR", "year")
    copy, text = write_salary(random.Random(1), from_only, "fr")
    assert copy.high is None and "partir" in text
