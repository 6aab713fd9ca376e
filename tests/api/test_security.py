"""The API is not a way into the data: no query syntax, no writes, bounded work."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from aggregator.api.database import read_only_engine
from aggregator.store.search_text import MAX_QUERY_TERMS, query_words

HOSTILE = [
    'NEAR("python" "lyon", 2)',
    '"développeur',
    "python*",
    "python OR java",
    "-python --",
    "'; DROP TABLE offers; --",
    "title:python",
    "python & !java | (lyon <-> paris)",
    "^python",
    "\\x00python",
    "python\x00",
    "{search_title}: python",
    "% _ \\",
    "😀 ∞ ©",
    "AND OR NOT",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_query_syntax_is_just_words(client: TestClient, q: str) -> None:
    response = client.get("/offers", params={"q": q})
    assert response.status_code == 200, response.text
    facets = client.get("/facets", params={"q": q})
    assert facets.status_code == 200, facets.text


def test_operators_are_searched_as_words(client: TestClient) -> None:
    plain = client.get("/offers", params={"q": "python lyon"}).json()["total"]
    quoted = client.get("/offers", params={"q": 'NEAR("python" lyon*)'}).json()["total"]
    assert quoted["value"] == 0  # "near" is searched as a word like the others
    assert client.get("/offers", params={"q": '"python" lyon*'}).json()["total"] == plain


def test_hostile_filters_are_plain_values(client: TestClient) -> None:
    for params in (
        {"company": "x' OR '1'='1"},
        {"company": "Datalyse\x00"},
        {"place": "Lyon'; DELETE FROM offers; --"},
        {"cursor": "W10"},
        {"cursor": "eyJhIjoxfQ"},
    ):
        response = client.get("/offers", params=params)
        assert response.status_code in (200, 422), (params, response.text)
    assert client.get("/offers", params={"status": "any"}).json()["total"]["value"] == 18


def test_query_words_are_bounded() -> None:
    assert len(query_words(" ".join(f"mot{i}" for i in range(50)))) == MAX_QUERY_TERMS
    assert query_words("Développeur·se C++/Python (H/F)") == ["developpeur", "python", "h", "f"]


def test_connections_cannot_write(api_db: str) -> None:
    engine = read_only_engine(api_db)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text("DELETE FROM offers"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM offers")).scalar_one() == 18
    finally:
        engine.dispose()
