"""build_posting: the one way mappings build postings (required fields, problems, safety)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from normalizers.fields.salary import Salary
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import absolute_url, build_posting, dig, text_of
from normalizers.mappings.salary_hint import salary_sentence
from normalizers.problems import ProblemLog

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=UTC)


def _ctx(**extra: Any) -> SourceContext:
    return SourceContext(
        source="test-src",
        kind="lever",
        country="FR",
        language="fr",
        timezone="Europe/Paris",
        currency="EUR",
        base_url="https://jobs.example.fr/careers/",
        now=NOW,
        problems=ProblemLog(),
        **extra,
    )


def _fields(ctx: SourceContext) -> set[str]:
    return {field for _, field in ctx.problems.counts()}


def test_relative_urls_are_made_absolute() -> None:
    ctx = _ctx()
    posting = build_posting(
        ctx, source_offer_id=12, url="/jobs/12", title="Comptable", apply_url="apply?id=12"
    )
    assert posting is not None
    assert posting.url == "https://jobs.example.fr/jobs/12"
    assert posting.apply_url == "https://jobs.example.fr/jobs/apply?id=12"
    assert posting.source_offer_id == "12"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source_offer_id": None}, "source_offer_id"),
        ({"source_offer_id": "  "}, "source_offer_id"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"url": None}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "mailto:jobs@example.fr"}, "url"),
    ],
)
def test_missing_required_field_gives_none_and_a_problem(
    changes: dict[str, Any], field: str
) -> None:
    ctx = _ctx()
    values: dict[str, Any] = {"source_offer_id": "a1", "url": "https://x.fr/a1", "title": "Chef"}
    values.update(changes)
    assert build_posting(ctx, **values) is None
    assert field in _fields(ctx)


def test_unreadable_optional_fields_become_null_with_problems() -> None:
    ctx = _ctx()
    posting = build_posting(
        ctx,
        source_offer_id="a1",
        url="https://x.fr/a1",
        title="Chef de partie",
        posted_at="le jour de la Saint-Glinglin",
        apply_url="not a url",
        contract_texts=["zzz-unknown-qqq"],
    )
    assert posting is not None
    assert posting.posted_at is None and posting.apply_url is None and posting.contract_type is None
    assert {"posted_at", "apply_url", "contract_type"} <= _fields(ctx)


def test_salary_text_is_parsed_with_the_source_currency() -> None:
    posting = build_posting(
        _ctx(),
        source_offer_id="a1",
        url="https://x.fr/a1",
        title="Boulanger",
        salary_raw="De 2000 à 2500 par mois",
    )
    assert posting is not None
    assert (posting.salary_min, posting.salary_max) == (2000, 2500)
    assert posting.salary_currency == "EUR"
    assert posting.salary_raw == "De 2000 à 2500 par mois"


def test_inconsistent_salary_is_dropped_not_the_posting() -> None:
    ctx = _ctx()
    salary = Salary(min=5000.0, max=100.0, currency="EUR", period=None, period_inferred=False)
    posting = build_posting(
        ctx, source_offer_id="a", url="https://x.fr/a", title="X", salary=salary
    )
    assert posting is not None
    assert posting.salary_min is None and posting.salary_max is None
    assert "salary_min" in _fields(ctx)


def test_nul_characters_are_removed_rather_than_losing_the_posting() -> None:
    posting = build_posting(
        _ctx(),
        source_offer_id="a",
        url="https://x.fr/a",
        title="Caissier\x00",
        company="Super\x00U",
    )
    assert posting is not None
    assert posting.title == "Caissier" and posting.company == "SuperU"


def test_dates_are_read_in_the_source_timezone() -> None:
    posting = build_posting(
        _ctx(),
        source_offer_id="a",
        url="https://x.fr/a",
        title="X",
        posted_at="2024-09-01 10:00:00",
    )
    assert posting is not None
    assert posting.posted_at == datetime(2024, 9, 1, 8, 0, tzinfo=UTC)


def test_language_detected_else_source_default() -> None:
    text = "We are hiring an experienced accountant to join our finance team in London."
    english = build_posting(
        _ctx(),
        source_offer_id="a",
        url="https://x.fr/a",
        title="Accountant",
        description_html_or_text=text,
    )
    assert english is not None and english.language == "en"
    short = build_posting(_ctx(), source_offer_id="b", url="https://x.fr/b", title="X")
    assert short is not None and short.language == "fr"


def test_company_falls_back_to_the_catalogue_option() -> None:
    ctx = _ctx(options={"company": "Maison Lumen"})
    posting = build_posting(ctx, source_offer_id="a", url="https://x.fr/a", title="X")
    assert posting is not None and posting.company == "Maison Lumen"


def test_helpers() -> None:
    assert dig({"a": [{"b": 1}]}, "a", 0, "b") == 1
    assert dig({"a": []}, "a", 0, "b") is None
    assert dig("x", "a") is None
    assert text_of("  ") is None and text_of(3) == "3" and text_of(True) is None
    assert absolute_url("//cdn.example.fr/x", "https://a.fr/") == "https://cdn.example.fr/x"
    assert absolute_url("https://a.fr/x y", None) is None


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "Le poste est basé à Lyon.\nRémunération : 45 000 € - 55 000 € brut annuel.",
            "Rémunération : 45 000 € - 55 000 € brut annuel.",
        ),
        (
            "About us.\nSpain Annual Pay Range€65.000—€80.000 EUR",
            "Spain Annual Pay Range€65.000—€80.000 EUR",
        ),
        (
            "Wir bieten ein Jahresgehalt von 55.000 € brutto. Und Obst.",
            "Wir bieten ein Jahresgehalt von 55.000 € brutto.",
        ),
        ("Groupe au chiffre d'affaires de 40 M€ en 2023, 300 salariés.", None),
        ("Salaire selon profil.", None),
        (None, None),
    ],
)
def test_salary_sentence(text: str | None, sentence: str | None) -> None:
    assert salary_sentence(text) == sentence


def test_salary_read_from_the_description_when_asked() -> None:
    description = "<p>Vous rejoignez l'atelier.</p><p>Salaire : 2 000 € brut mensuel.</p>"
    values: dict[str, Any] = {"source_offer_id": "a", "url": "https://x.fr/a", "title": "Ébéniste"}
    posting = build_posting(
        _ctx(), description_html_or_text=description, salary_from_description=True, **values
    )
    assert posting is not None
    assert (posting.salary_min, posting.salary_period) == (2000, "month")
    assert posting.salary_raw == "Salaire : 2 000 € brut mensuel."
    unasked = build_posting(_ctx(), description_html_or_text=description, **values)
    assert unasked is not None and unasked.salary_min is None
