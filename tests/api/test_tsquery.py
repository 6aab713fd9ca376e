"""PostgreSQL's sampled (facets) query text: each distinct stemmed form once, stop words dropped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine

from aggregator.api.tsquery import distinct_forms, search_tsquery
from aggregator.devtools.pgserver import PostgresServer


@pytest.fixture
def pg(pg_server: PostgresServer) -> Iterator[Connection]:
    engine = create_engine(pg_server.database_url("postgres"))
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_a_form_shared_by_every_configuration_is_kept_once(pg: Connection) -> None:
    assert distinct_forms(pg, ["python"]) == "( ( 'python' ) )"


def test_forms_that_differ_are_all_alternatives(pg: Connection) -> None:
    text = distinct_forms(pg, ["développeurs"])
    alternatives = text.strip("() ").split(" ) | ( ")
    assert len(alternatives) == len(set(alternatives)) >= 2  # "developpeurs" and a stem
    assert pg.exec_driver_sql(
        "SELECT to_tsvector('french', 'Développeur Python') @@ %s::tsquery", (text,)
    ).scalar()


def test_words_are_all_required_and_a_stop_word_only_where_it_counts(pg: Connection) -> None:
    text = distinct_forms(pg, ["chef", "de", "cuisine"])
    matches = "SELECT to_tsvector('simple', %s) @@ %s::tsquery"
    assert pg.exec_driver_sql(matches, ("chef de cuisine", text)).scalar()
    assert not pg.exec_driver_sql(matches, ("chef de rang", text)).scalar()


def test_distinct_forms_match_what_the_search_query_matches(pg: Connection) -> None:
    texts = ["Développeuse Python", "développeurs web", "chef de rang", "Entwickler"]
    for words in (["développeurs"], ["chef", "de", "cuisine"], ["python", "developpeur"]):
        search = search_tsquery(pg, words)
        sampled = distinct_forms(pg, words)
        for text in texts:
            matches = "SELECT to_tsvector('french', %s) @@ %s::tsquery"
            assert (
                pg.exec_driver_sql(matches, (text, search)).scalar()
                == pg.exec_driver_sql(matches, (text, sampled)).scalar()
            ), (words, text)
